"""Detecting a source's format from its content.

Only the start of a file is read (HEAD_BYTES): the SQLite header for
Shadow's database, the first records of a JSONL file, or the first keys of
a JSON document. File names are not trusted, because sessions are often
copied and renamed.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

from shadow_tui.importers.shadow_pg import is_database_url

logger = logging.getLogger(__name__)

CLAUDE_CODE = "claude-code"
CODEX = "codex"
SWE_AGENT = "swe-agent"
OPENHANDS = "openhands"
SHADOW = "shadow"

FORMATS = (SHADOW, CLAUDE_CODE, CODEX, SWE_AGENT, OPENHANDS)
"""The format names accepted by `--format`, besides `auto`."""

HEAD_BYTES = 256 * 1024
# JSONL records looked at before giving up on a file.
SNIFF_RECORDS = 20

SQLITE_HEADER = b"SQLite format 3\x00"
_CLAUDE_TYPES = frozenset({"user", "assistant", "summary", "system"})
_CODEX_TYPES = frozenset({"session_meta", "response_item", "event_msg", "turn_context", "compacted"})
_TRAJECTORY_KEY = re.compile(rb'"trajectory"\s*:\s*\[')
_EVENT_KEY = re.compile(rb'"(?:action|observation)"\s*:')


def detect_source(source: str) -> str | None:
    """Return the format of a file or database URL, or None when it is not recognized."""
    if is_database_url(source):
        return SHADOW
    return detect_file(Path(source))


def detect_file(path: Path) -> str | None:
    """Return the format of a session file, or None when it is not a known format."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        logger.debug("Cannot read %s to detect its format: %s", path, error)
        return None
    if head.startswith(SQLITE_HEADER):
        return SHADOW if _is_shadow_sqlite(path) else None
    stripped = head.lstrip()
    if stripped.startswith(b"["):
        return OPENHANDS if _EVENT_KEY.search(stripped[:HEAD_BYTES]) else None
    if stripped.startswith(b"{"):
        return _detect_json_object(stripped)
    return None


def _detect_json_object(head: bytes) -> str | None:
    lines = head.split(b"\n")
    complete = lines[:-1] if len(lines) > 1 else []
    records = []
    for line in complete[:SNIFF_RECORDS]:
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            # Invalid JSON or UTF-8, or JSON too deep or with too long a number to load.
            break
        if isinstance(value, dict):
            records.append(value)
    if records:
        return _detect_records(records)
    # A pretty-printed document, or a first line longer than the head.
    if _TRAJECTORY_KEY.search(head):
        return SWE_AGENT
    if head.startswith(b'{"timestamp"') and b'"payload"' in head:
        return CODEX
    if b'"sessionId"' in head and re.search(rb'"type"\s*:\s*"(?:user|assistant)"', head):
        return CLAUDE_CODE
    return None


def _detect_records(records: list[dict[str, object]]) -> str | None:
    if isinstance(records[0].get("trajectory"), list):
        return SWE_AGENT
    for record in records:
        kind = record.get("type")
        if not isinstance(kind, str):
            continue
        if {"timestamp", "type", "payload"} <= record.keys() and kind in _CODEX_TYPES:
            return CODEX
        if kind in _CLAUDE_TYPES and ("sessionId" in record or "leafUuid" in record):
            return CLAUDE_CODE
    return None


def _is_shadow_sqlite(path: Path) -> bool:
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        logger.debug("Cannot list the tables of %s: %s", path, error)
        return False
    finally:
        connection.close()
    return {"Task", "ChatMessage"} <= names
