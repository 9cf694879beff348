"""Importers of real agent histories: Shadow, Claude Code, Codex, SWE-agent, OpenHands.

`import_sources` is the engine of `shadow-tui import`. Each format module
has a `parse_file` (or, for Shadow, `read_file` and `read_database`) that
turns one source into `ParsedSession` objects without writing anything.
"""

from shadow_tui.importers.base import ImportProblem, ImportSourceError, ParsedSession
from shadow_tui.importers.detect import FORMATS, detect_file, detect_source
from shadow_tui.importers.runner import AUTO, default_places, import_sources
from shadow_tui.importers.summary import DefaultPlace, ImportSummary, SessionFailure, SkippedFile

__all__ = [
    "AUTO",
    "FORMATS",
    "DefaultPlace",
    "ImportProblem",
    "ImportSourceError",
    "ImportSummary",
    "ParsedSession",
    "SessionFailure",
    "SkippedFile",
    "default_places",
    "detect_file",
    "detect_source",
    "import_sources",
]
