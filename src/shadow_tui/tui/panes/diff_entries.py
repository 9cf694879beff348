"""The rows of the Diffs tab's file list: one per edited path, plus "All files"."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from shadow_tui.queries.diffs import load_edit_diffs
from shadow_tui.queries.diffs_sqlite import read_edit_diffs_file
from shadow_tui.queries.records import EditRecord
from shadow_tui.render.diff_parse import DiffFile, DiffKind, parse_diff
from shadow_tui.render.diff_summary import FileSummary, summarize_diff
from shadow_tui.render.terminal import sanitize_inline

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

KIND_STYLES: dict[str, str] = {
    "added": "bold green",
    "deleted": "bold red",
    "renamed": "bold magenta",
    "modified": "bold yellow",
    "binary": "bold blue",
}
KIND_WIDTH = 8


@dataclass(frozen=True, slots=True)
class EditedFile:
    """One file of one edit's diff."""

    edit_id: str
    file: DiffFile | FileSummary
    """The parsed file, or its summary while the parse runs."""


@dataclass(slots=True)
class DiffEntry:
    """A row of the file list and the files it shows, as indices into the task's files."""

    label: str
    kind: DiffKind | None
    """None for the "All files" row."""
    added: int = 0
    removed: int = 0
    indices: list[int] = field(default_factory=list)
    warning: bool = False
    kinds: list[DiffKind] = field(default_factory=list)


def parse_edits(edits: Sequence[EditRecord]) -> list[EditedFile]:
    """Parse every edit's diff; a diff that cannot be parsed becomes one file with a warning."""
    files: list[EditedFile] = []
    for edit in edits:
        parsed = parse_diff(edit.diff or "", edit.file_path or None)
        if not parsed.files:
            # An empty diff: keep the edit visible in the list.
            parsed_files = [
                DiffFile(
                    path=edit.file_path, old_path=edit.file_path, new_path=edit.file_path, kind="modified",
                    added=0, removed=0, hunks=[], warning=None, raw="",
                )
            ]
        else:
            parsed_files = parsed.files
        files.extend(EditedFile(edit.edit_id, diff_file) for diff_file in parsed_files)
    return files


def summarize_edits(edits: Sequence[EditRecord]) -> list[EditedFile]:
    """Summarise every edit's files without parsing, in the order `parse_edits` returns them."""
    return [
        EditedFile(edit.edit_id, summary)
        for edit in edits
        for summary in summarize_diff(edit.diff or "", edit.file_path or None)
    ]


async def load_summarized_edits(
    engine: AsyncEngine, database: Path | None, task_id: str
) -> tuple[list[EditRecord], list[EditedFile]]:
    """Load a task's file edits with their diffs, and summarise their files.

    With a SQLite `database`, one worker thread reads the edits through
    `sqlite3` and summarises them, so neither step waits for the event
    loop between statements. Other databases, and files that
    `read_edit_diffs_file` does not read, go through `engine`.
    """
    if database is not None:
        loaded = await asyncio.to_thread(_read_and_summarize, database, task_id)
        if loaded is not None:
            return loaded
    edits = await load_edit_diffs(engine, task_id)
    return edits, await asyncio.to_thread(summarize_edits, edits)


def _read_and_summarize(database: Path, task_id: str) -> tuple[list[EditRecord], list[EditedFile]] | None:
    edits = read_edit_diffs_file(database, task_id)
    if edits is None:
        return None
    return edits, summarize_edits(edits)


def summary_lines(files: Sequence[EditedFile]) -> tuple[list[Sequence[str]], int]:
    """Return the raw lines of each summarised file, and the widest line's cell width."""
    parts: list[Sequence[str]] = []
    widest = 0
    for edited in files:
        if isinstance(edited.file, FileSummary):
            parts.append(edited.file.lines)
            widest = max(widest, edited.file.widest)
    return parts, widest


def combined_kind(kinds: Sequence[DiffKind]) -> DiffKind:
    """Describe several successive changes to one path with one kind."""
    if len(set(kinds)) == 1:
        return kinds[0]
    if "binary" in kinds:
        return "binary"
    first, last = kinds[0], kinds[-1]
    if last == "deleted":
        return "modified" if first == "added" else "deleted"
    if first in ("added", "renamed"):
        return first
    return "modified"


def build_entries(files: Sequence[EditedFile]) -> list[DiffEntry]:
    """Group files by path in order of first appearance, after an "All files" entry."""
    everything = DiffEntry(label="All files", kind=None)
    by_path: dict[str, DiffEntry] = {}
    for index, edited in enumerate(files):
        diff_file = edited.file
        everything.indices.append(index)
        everything.added += diff_file.added
        everything.removed += diff_file.removed
        entry = by_path.get(diff_file.path)
        if entry is None:
            entry = DiffEntry(label=diff_file.path or "(unnamed file)", kind=diff_file.kind)
            by_path[diff_file.path] = entry
        entry.indices.append(index)
        entry.kinds.append(diff_file.kind)
        entry.added += diff_file.added
        entry.removed += diff_file.removed
        entry.warning = entry.warning or diff_file.warning is not None
        everything.warning = everything.warning or diff_file.warning is not None
    for entry in by_path.values():
        entry.kind = combined_kind(entry.kinds)
    return [everything, *by_path.values()]


def entry_line(entry: DiffEntry) -> Text:
    """Render a file-list row: kind, +added, -removed, path, and a warning sign."""
    line = Text(no_wrap=True, end="")
    if entry.kind is None:
        line.append(f"{'all':<{KIND_WIDTH}}", style="bold")
    else:
        line.append(f"{entry.kind:<{KIND_WIDTH}}", style=KIND_STYLES.get(entry.kind, "bold"))
    line.append(f" {'+' + str(entry.added):>7}", style="green")
    line.append(f" {'-' + str(entry.removed):>7}  ", style="red")
    if entry.kind is None:
        line.append(f"All files ({len(entry.indices)} diffs, in order)", style="bold")
    else:
        line.append(sanitize_inline(entry.label))
        if len(entry.indices) > 1:
            line.append(f"  ({len(entry.indices)} edits)", style="bright_black")
    if entry.warning:
        line.append("  ⚠ malformed, shown as text", style="bold yellow")
    return line
