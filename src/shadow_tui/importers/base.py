"""Shared pieces of the importers: problems, parsed sessions, JSONL reading, ids.

Every importer turns one source (a file, or a database) into `ParsedSession`
objects. Row ids derive from the source's own ids (or from a short stable
hash where the source has none), so importing a source twice adds nothing.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from shadow_tui.db.types import parse_timestamp
from shadow_tui.db.writer import SessionData, UserData
from shadow_tui.errors import ShadowTuiError

logger = logging.getLogger(__name__)

# A session file changed within this window is taken as still being written.
RUNNING_WINDOW = timedelta(minutes=10)

# Titles are cut to this many characters, on one line.
TITLE_MAX_CHARS = 80


class ImportSourceError(ShadowTuiError):
    """A source cannot be read as the format it was taken for."""


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A part of a source that was skipped or repaired, with the reason."""

    path: str
    line: int | None
    """1-based line number in the file, or None when the problem has no line."""
    reason: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.reason}"
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass(slots=True)
class ParsedSession:
    """One session read from a source, with the problems met while reading it."""

    session: SessionData
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class JsonRecord:
    """One JSON object of a JSONL file and the 1-based line it came from."""

    line: int
    value: dict[str, Any]


def read_jsonl(path: Path) -> tuple[list[JsonRecord], list[ImportProblem]]:
    """Read a JSONL file, keeping every record that parses.

    Raises ImportSourceError when the file cannot be read at all.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportSourceError(f"cannot read {path}: {error.strerror or error}") from None
    return parse_jsonl(data, str(path))


def parse_jsonl(data: bytes, path: str) -> tuple[list[JsonRecord], list[ImportProblem]]:
    """Split JSONL bytes into records, and report each malformed line as a problem.

    Records are separated by `\\n` alone. `str.splitlines()` also splits on
    U+2028, U+2029, U+0085 and other separators, which JSON allows raw
    inside strings, so it would cut one record into broken pieces.
    """
    records: list[JsonRecord] = []
    problems: list[ImportProblem] = []
    chunks = data.split(b"\n")
    last_index = len(chunks) - 1
    for index, chunk in enumerate(chunks):
        line_number = index + 1
        if not chunk.strip():
            continue
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError as error:
            text = chunk.decode("utf-8", "replace")
            problems.append(ImportProblem(
                path, line_number,
                f"invalid UTF-8 at byte {error.start} of the line; the bad bytes became U+FFFD",
            ))
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            if index == last_index:
                reason = (
                    f"incomplete record at the end of the file ({error.msg}); "
                    "the file was cut or is still being written"
                )
            else:
                reason = f"invalid JSON: {error.msg} at column {error.colno}"
            problems.append(ImportProblem(path, line_number, reason))
            continue
        except (ValueError, RecursionError) as error:
            problems.append(ImportProblem(path, line_number, f"unreadable JSON: {_json_limit(error)}"))
            continue
        if not isinstance(value, dict):
            problems.append(ImportProblem(
                path, line_number, f"expected a JSON object, got {type(value).__name__}"
            ))
            continue
        records.append(JsonRecord(line_number, value))
    return records, problems


def unreadable_file_error(path: Path, format_name: str, problems: list[ImportProblem]) -> ImportSourceError:
    """Return the error for a JSONL file in which no line is a usable record, naming the first bad line."""
    first = problems[0]
    return ImportSourceError(
        f"{path} has no readable {format_name} records: {len(problems)} lines could not be read, "
        f"the first at line {first.line} ({first.reason})"
    )


def read_json_document(path: Path) -> Any:
    """Read a whole JSON file. Raises ImportSourceError naming the file when it is invalid."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportSourceError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return json.loads(data.decode("utf-8", "replace"))
    except json.JSONDecodeError as error:
        raise ImportSourceError(
            f"invalid JSON in {path} at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except (ValueError, RecursionError) as error:
        raise ImportSourceError(f"unreadable JSON in {path}: {_json_limit(error)}") from None


def _json_limit(error: ValueError | RecursionError) -> str:
    """Describe why valid JSON syntax could not be loaded: too deep, or a too long number."""
    if isinstance(error, RecursionError):
        return "arrays or objects are nested too deeply for Python's JSON reader"
    # Python 3.11 rejects integers of more than 4300 digits (sys.get_int_max_str_digits).
    return str(error).split(";", 1)[0]


def stable_hash(*parts: object, length: int = 12) -> str:
    """Return a short hex digest of the parts, the same on every run and machine."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(str(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:length]


def path_key(path: Path) -> str:
    """Return a short stable hash of a file's absolute path, for sources without ids."""
    return stable_hash(os.path.abspath(path), length=10)


def local_user() -> UserData:
    """Return the user of this machine, for sources that record no user."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError) as error:
        logger.warning("Cannot find the local user name (%s), so tasks are stored for user 'unknown'", error)
        name = "unknown"
    return UserData(user_id=f"local-{name}", username=name, display_name=name)


def shorten_title(text: str | None) -> str | None:
    """Return the text on one line, cut to TITLE_MAX_CHARS characters, or None if it is empty."""
    if not text:
        return None
    one_line = " ".join(text.split())
    if not one_line:
        return None
    if len(one_line) <= TITLE_MAX_CHARS:
        return one_line
    return one_line[: TITLE_MAX_CHARS - 1].rstrip() + "…"


def file_mtime(path: Path) -> datetime:
    """Return a file's modification time as an aware UTC datetime."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)


def is_recently_modified(path: Path, now: datetime | None = None) -> bool:
    """Tell whether the file changed within RUNNING_WINDOW before `now`.

    A modification time in the future (clock skew between machines) also
    counts as recent.
    """
    current = now or datetime.now(timezone.utc)
    return current - file_mtime(path) < RUNNING_WINDOW


def aware(value: Any) -> datetime | None:
    """Parse a source timestamp into an aware UTC datetime, or None."""
    parsed = parse_timestamp(value)
    if parsed is None:
        return None
    return parsed.astimezone(timezone.utc)


def time_bounds(values: Iterable[datetime | None]) -> tuple[datetime | None, datetime | None]:
    """Return the earliest and latest of the datetimes that are not None."""
    known = [value for value in values if value is not None]
    if not known:
        return None, None
    return min(known), max(known)


_EXIT_CODE = re.compile(r"exit code:?\s*(-?\d+)", re.IGNORECASE)

# Maximum digits of an exit code read from text. A longer number is not an exit code.
MAX_EXIT_CODE_DIGITS = 9


def exit_code_in(text: str) -> int | None:
    """Return the number after 'exit code' in a message, or None."""
    match = _EXIT_CODE.search(text)
    return parse_exit_code(match.group(1)) if match else None


def parse_exit_code(digits: str) -> int | None:
    """Return an optionally signed run of digits as an int, or None when it has over 9 digits."""
    if len(digits.lstrip("-")) > MAX_EXIT_CODE_DIGITS:
        return None
    return int(digits)


def json_float(value: Any) -> float | None:
    """Return a JSON number as a finite float, or None for other types, booleans and overflow.

    float() raises OverflowError on integers over about 1.8e308, which JSON allows.
    """
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def base64_size(data: str) -> int:
    """Return the decoded size in bytes of base64 text, without decoding it."""
    stripped = data.strip()
    padding = len(stripped) - len(stripped.rstrip("="))
    return max(len(stripped) * 3 // 4 - padding, 0)
