"""The engine of `shadow-tui import`: find sources, detect, parse, write, count.

Each session is written in its own transaction, so a session that fails
leaves nothing behind and the others still import. Writing is idempotent
(rows are keyed by ids derived from the source), so importing a source
again reports its sessions as unchanged, and a session file that grew
gets only its new rows.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from shadow_tui.db.access import open_writer
from shadow_tui.db.locations import plain_sqlite_path
from shadow_tui.db.writer import write_session
from shadow_tui.importers import claude_code, codex, openhands, shadow_pg, shadow_sqlite, swe_agent
from shadow_tui.importers.base import ImportSourceError, ParsedSession
from shadow_tui.importers.detect import (
    CLAUDE_CODE, CODEX, FORMATS, OPENHANDS, SHADOW, SWE_AGENT, detect_file,
)
from shadow_tui.importers.summary import DefaultPlace, ImportSummary, SessionFailure, SkippedFile

logger = logging.getLogger(__name__)

AUTO = "auto"
ProgressCallback = Callable[[int, int, str], None]
"""Called after each source as progress(sources done, sources total, source)."""

_FILE_PARSERS = {
    CLAUDE_CODE: claude_code.parse_file,
    CODEX: codex.parse_file,
    SWE_AGENT: swe_agent.parse_file,
    OPENHANDS: openhands.parse_file,
}


@dataclass(frozen=True, slots=True)
class _PlannedSource:
    source: str
    """The file path or database URL, as used to open it."""
    display: str
    """The source as reported: a URL without its password."""
    fmt: str | None
    """The format to read it as, or None for a named file whose format was not detected."""
    detected: str | None = None
    """For a named file read as a format given with --format: the format its content looks like."""
    forced: bool = False
    """True for a named file read as a format given with --format."""


def default_places() -> list[DefaultPlace]:
    """Return the folders where Claude Code and Codex keep sessions, and whether each exists."""
    home = Path.home()
    places = [home / ".claude" / "projects", home / ".codex" / "sessions"]
    return [DefaultPlace(str(place), place.is_dir()) for place in places]


async def import_sources(
    db: str | None,
    sources: list[str],
    fmt: str = AUTO,
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import files, folders (searched recursively) and Shadow database URLs into `db`.

    With no sources, the default places are searched. Before anything is
    written, raises ShadowTuiError for an unknown format, a source that does
    not exist, or no source at all. Problems inside sources are reported in
    the summary instead.
    """
    if fmt != AUTO and fmt not in FORMATS:
        raise ImportSourceError(f"unknown format {fmt!r}: use {AUTO}, {', '.join(FORMATS)}")
    summary = ImportSummary()
    if not sources:
        summary.default_places = default_places()
        sources = [place.path for place in summary.default_places if place.exists]
        if not sources:
            searched = ", ".join(place.path for place in summary.default_places)
            raise ImportSourceError(
                f"no source given, and none of the default folders exists ({searched}). "
                "Pass the session files or folders to import"
            )
    plan = _plan(sources, fmt, summary)

    new_file = plain_sqlite_path(db)
    if new_file is not None and new_file.exists():
        new_file = None
    async with open_writer(db) as (target, engine):
        summary.database = target.display
        logger.info("Importing %d sources into %s", len(plan), target.display)
        for done, planned in enumerate(plan, start=1):
            await _import_source(engine, planned, summary)
            if progress is not None:
                progress(done, len(plan), planned.display)
    logger.info(
        "Import finished: %d new, %d updated, %d unchanged, %d failed",
        summary.new, summary.updated, summary.unchanged, summary.failed,
    )
    if new_file is not None and summary.new + summary.updated + summary.unchanged == 0:
        # A mistyped path or format must not leave an empty database that later commands would open.
        _remove_sqlite_file(new_file)
        summary.database_removed = True
    return summary


def _remove_sqlite_file(path: Path) -> None:
    for name in (path.name, f"{path.name}-journal", f"{path.name}-wal", f"{path.name}-shm"):
        path.with_name(name).unlink(missing_ok=True)
    logger.info("Removed %s, which this import created and left empty", path)


def _plan(sources: list[str], fmt: str, summary: ImportSummary) -> list[_PlannedSource]:
    plan: list[_PlannedSource] = []
    for source in sources:
        if shadow_pg.is_database_url(source):
            if fmt not in (AUTO, SHADOW):
                raise ImportSourceError(f"a database URL can only be imported as {SHADOW}, not {fmt}")
            plan.append(_PlannedSource(source, shadow_pg.display_source(source), SHADOW))
            continue
        path = Path(source).expanduser()
        if path.is_dir():
            plan.extend(_walk(path, fmt, summary))
        elif path.is_file():
            detected = detect_file(path)
            if fmt == AUTO:
                plan.append(_PlannedSource(str(path), str(path), detected))
            else:
                plan.append(_PlannedSource(str(path), str(path), fmt, detected=detected, forced=True))
        else:
            raise ImportSourceError(f"source not found: {source}. Pass an existing file or folder")
    return plan


def _walk(folder: Path, fmt: str, summary: ImportSummary) -> list[_PlannedSource]:
    found: list[_PlannedSource] = []
    for root, folders, files in os.walk(folder, onerror=_log_walk_error):
        folders.sort()
        for name in sorted(files):
            path = Path(root) / name
            if not path.is_file():
                continue
            detected = detect_file(path)
            if detected is None:
                summary.skipped.append(SkippedFile(str(path), "not a known session format"))
            elif fmt != AUTO and detected != fmt:
                summary.skipped.append(SkippedFile(str(path), f"detected as {detected}, not {fmt}"))
            else:
                found.append(_PlannedSource(str(path), str(path), detected))
    return found


def _log_walk_error(error: OSError) -> None:
    logger.warning("Cannot list %s: %s", error.filename, error.strerror)


async def _sessions(source: str, fmt: str) -> AsyncIterator[ParsedSession]:
    if fmt == SHADOW and shadow_pg.is_database_url(source):
        async for parsed in shadow_pg.read_database(source):
            yield parsed
        return
    path = Path(source)
    if fmt == SHADOW:
        sessions = await shadow_sqlite.read_file(path)
    else:
        sessions = await asyncio.to_thread(_FILE_PARSERS[fmt], path)
    for parsed in sessions:
        yield parsed


async def _import_source(engine: AsyncEngine, planned: _PlannedSource, summary: ImportSummary) -> None:
    fmt = planned.fmt
    if fmt is None:
        summary.failed += 1
        summary.failures.append(SessionFailure(
            planned.display, None,
            f"the format cannot be detected from the content. Pass --format with one of {', '.join(FORMATS)}",
        ))
        return
    found = 0
    try:
        async for parsed in _sessions(planned.source, fmt):
            found += 1
            summary.formats[fmt] = summary.formats.get(fmt, 0) + 1
            summary.warnings.extend(parsed.problems)
            await _write(engine, planned.display, parsed, summary)
        if found == 0 and planned.forced:
            # The file was read as the format the user named, and held nothing of it.
            hint = (f"its content looks like {planned.detected}: pass --format {planned.detected} or leave --format out"
                    if planned.detected and planned.detected != fmt
                    else "check that the file is a session of that format")
            logger.warning("No %s session in %s", fmt, planned.display)
            summary.failed += 1
            summary.failures.append(SessionFailure(planned.display, None, f"no {fmt} session found; {hint}"))
    except ImportSourceError as error:
        logger.warning("Cannot import %s: %s", planned.display, error)
        summary.failed += 1
        summary.failures.append(SessionFailure(planned.display, None, str(error)))
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError, RecursionError) as error:
        # An input shape no importer expected: the other sources still import.
        logger.exception("The %s importer failed on %s", fmt, planned.display)
        summary.failed += 1
        summary.failures.append(SessionFailure(
            planned.display, None, f"cannot be read as {fmt}: {type(error).__name__}: {error}"
        ))


async def _write(engine: AsyncEngine, source: str, parsed: ParsedSession, summary: ImportSummary) -> None:
    task_id = parsed.session.task.task_id
    try:
        async with engine.begin() as connection:
            outcome = await write_session(connection, parsed.session)
    except (SQLAlchemyError, ValueError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0] if str(error) else type(error).__name__
        logger.warning("Writing session %s from %s failed: %s", task_id, source, reason)
        summary.failed += 1
        summary.failures.append(SessionFailure(source, task_id, f"writing failed: {reason}"))
        return
    if outcome.state == "new":
        summary.new += 1
    elif outcome.state == "updated":
        summary.updated += 1
    else:
        summary.unchanged += 1
    summary.add_rows(outcome.rows)
