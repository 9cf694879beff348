"""Writing whole sessions: used by importers, `ingest` and the demo generator.

A session is written in the caller's transaction, so a session that fails
leaves nothing behind. Rows are keyed by ids that the caller derives from
the source's own ids, so writing the same session again adds nothing, and a
session that grew gets only its new rows. Stored messages, commands, edits
and artifacts are not rewritten, except that a command's exit code stored
as unknown (NULL) is set once the session states it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shadow_tui.db.models import Artifact, ChatMessage, FileEdit, Task, TaskCommand, User

logger = logging.getLogger(__name__)

_SURROGATE = re.compile("[\ud800-\udfff]")
_TERMINAL_CONTROL = re.compile("[\x1b\r\x08\x9b\x9d\x90]")

# Rows per INSERT statement; SQLite allows at most 32,766 bound values.
BATCH_ROWS = 500

# INTEGER columns are 32-bit on PostgreSQL. A larger value (a corrupt exit
# code or token count) is stored as NULL on both backends, so that the
# session still imports and both backends hold the same rows.
INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1


@dataclass(slots=True)
class UserData:
    user_id: str
    email: str | None = None
    username: str | None = None
    display_name: str | None = None
    created_at: datetime | None = None


@dataclass(slots=True)
class TaskData:
    task_id: str
    user: UserData
    created_at: datetime
    status: str = "completed"
    repo_url: str | None = None
    branch: str | None = None
    model_name: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    error_message: str | None = None
    title: str | None = None
    source: str | None = None
    source_ref: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    cost_usd: float | None = None


@dataclass(slots=True)
class MessageData:
    message_id: str
    sender: str
    content: str
    created_at: datetime
    sequence: int = 0


@dataclass(slots=True)
class CommandData:
    command_id: str
    command_text: str
    output: str
    created_at: datetime
    exit_code: int | None = None
    duration_seconds: float | None = None


@dataclass(slots=True)
class EditData:
    edit_id: str
    file_path: str
    diff: str
    created_at: datetime


@dataclass(slots=True)
class ArtifactData:
    artifact_id: str
    type: str
    s3_url: str
    created_at: datetime


@dataclass(slots=True)
class SessionData:
    """One task with all its rows, ready to write."""

    task: TaskData
    messages: list[MessageData] = field(default_factory=list)
    commands: list[CommandData] = field(default_factory=list)
    edits: list[EditData] = field(default_factory=list)
    artifacts: list[ArtifactData] = field(default_factory=list)


@dataclass(slots=True)
class WriteOutcome:
    """Result of writing one session: its state and the rows inserted."""

    state: Literal["new", "updated", "unchanged"]
    rows: dict[str, int]
    """Rows inserted per table name."""


def clean_text(value: str, *, dialect: str) -> str:
    """Make text storable: lone UTF-16 surrogates become U+FFFD.

    JSON allows an escaped lone surrogate (`"\\ud83d"`), and both database
    drivers reject it when encoding to UTF-8. PostgreSQL text also cannot
    hold NUL, so there NUL becomes U+2400 (the visible NUL symbol).
    """
    cleaned = value
    if _SURROGATE.search(value):
        # UTF-16 round trip: an unpaired surrogate decodes as U+FFFD.
        cleaned = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if dialect == "postgresql" and "\x00" in cleaned:
        cleaned = cleaned.replace("\x00", "\u2400")
    return cleaned


def _clean_value(key: str, value: Any, dialect: str) -> Any:
    if isinstance(value, str):
        return clean_text(value, dialect=dialect)
    if isinstance(value, int) and not isinstance(value, bool) and not INT32_MIN <= value <= INT32_MAX:
        logger.warning("Storing NULL in column %s: %d is outside the 32-bit INTEGER range", key, value)
        return None
    return value


def _clean_row(row: dict[str, Any], dialect: str) -> dict[str, Any]:
    return {key: _clean_value(key, value, dialect) for key, value in row.items()}


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def ensure_user(connection: AsyncConnection, user: UserData) -> None:
    """Insert the user unless a user with that id exists."""
    dialect = connection.dialect.name
    table: Table = User.__table__  # type: ignore[assignment]
    exists = await connection.scalar(select(table.c.user_id).where(table.c.user_id == user.user_id))
    if exists is not None:
        return
    row = asdict(user)
    row["created_at"] = row["created_at"] or _now()
    if row["email"] is not None:
        taken = await connection.scalar(select(table.c.user_id).where(table.c.email == row["email"]))
        if taken is not None:
            logger.warning("Email %s already belongs to user %s; storing user %s without it",
                           row["email"], taken, user.user_id)
            row["email"] = None
    await connection.execute(insert(table), [_clean_row(row, dialect)])


async def _existing_ids(connection: AsyncConnection, table: Table, key: str, task_id: str) -> set[str]:
    result = await connection.execute(select(table.c[key]).where(table.c.task_id == task_id))
    return {row[0] for row in result}


def output_search_text(output: str) -> str | None:
    """Return the plain text of a command output for the search index, or
    None when it has no escape sequence or carriage return to remove."""
    if not _TERMINAL_CONTROL.search(output):
        return None
    from shadow_tui.render.terminal import strip_ansi

    plain = strip_ansi(output)
    return None if plain == output else plain


def _with_search_text(row: dict[str, Any]) -> dict[str, Any]:
    # Every row of a batch gets the key, because one INSERT takes one set of columns.
    if row.get("output_search") is None:
        return {**row, "output_search": output_search_text(row.get("output") or "")}
    return row


async def insert_rows(connection: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows in batches, cleaning their text for the connection's dialect.

    Command rows also get `output_search`, the output as plain text.
    """
    dialect = connection.dialect.name
    is_commands = table.name == "task_commands"
    for start in range(0, len(rows), BATCH_ROWS):
        batch = rows[start : start + BATCH_ROWS]
        if is_commands:
            batch = [_with_search_text(row) for row in batch]
        batch = [_clean_row(row, dialect) for row in batch]
        await connection.execute(insert(table), batch)


_TASK_FIELDS = (
    "repo_url", "branch", "model_name", "status", "started_at", "completed_at",
    "error_message", "title", "source", "source_ref", "input_tokens", "output_tokens", "cost_usd",
)

_CHILDREN: tuple[tuple[str, Any, str], ...] = (
    ("messages", ChatMessage, "message_id"),
    ("commands", TaskCommand, "command_id"),
    ("edits", FileEdit, "edit_id"),
    ("artifacts", Artifact, "artifact_id"),
)


async def _fill_unknown_exit_codes(connection: AsyncConnection, task_id: str, commands: list[CommandData]) -> bool:
    """Set the exit code of stored commands whose exit code is NULL and is now known.

    A newer importer can read an exit code from a result that an earlier
    version stored as unknown. A stored exit code that is not NULL is never
    changed. Returns whether any row changed.
    """
    known_codes = {
        command.command_id: command.exit_code
        for command in commands
        if command.exit_code is not None and INT32_MIN <= command.exit_code <= INT32_MAX
    }
    if not known_codes:
        return False
    table: Table = TaskCommand.__table__  # type: ignore[assignment]
    result = await connection.execute(
        select(table.c.command_id).where(table.c.task_id == task_id, table.c.exit_code.is_(None))
    )
    updates = [
        {"row_id": row[0], "new_exit_code": known_codes[row[0]]}
        for row in result
        if row[0] in known_codes
    ]
    if not updates:
        return False
    statement = (
        update(table)
        .where(table.c.command_id == bindparam("row_id"))
        .values(exit_code=bindparam("new_exit_code"))
    )
    await connection.execute(statement, updates)
    return True


async def write_session(connection: AsyncConnection, session: SessionData) -> WriteOutcome:
    """Insert or update one session. Only rows with new ids are added, and unknown exit codes are filled in."""
    dialect = connection.dialect.name
    task = session.task
    await ensure_user(connection, task.user)
    tasks: Table = Task.__table__  # type: ignore[assignment]
    task_row = {name: getattr(task, name) for name in _TASK_FIELDS}
    task_row = _clean_row(task_row, dialect)
    existing = (
        await connection.execute(select(tasks).where(tasks.c.task_id == task.task_id))
    ).mappings().first()

    rows: dict[str, int] = {}
    changed = False
    if existing is None:
        await connection.execute(
            insert(tasks),
            [{**task_row, "task_id": task.task_id, "user_id": task.user.user_id,
              "created_at": task.created_at}],
        )
        rows["tasks"] = 1
    else:
        differences = {name: value for name, value in task_row.items() if existing[name] != value}
        if differences:
            await connection.execute(
                update(tasks).where(tasks.c.task_id == task.task_id).values(**differences)
            )
            changed = True

    if existing is not None and await _fill_unknown_exit_codes(connection, task.task_id, session.commands):
        changed = True

    for attribute, model, key in _CHILDREN:
        items: Iterable[Any] = getattr(session, attribute)
        table: Table = model.__table__
        known = set() if existing is None else await _existing_ids(connection, table, key, task.task_id)
        new_rows = [
            {**asdict(item), "task_id": task.task_id}
            for item in items
            if getattr(item, key) not in known
        ]
        if new_rows:
            await insert_rows(connection, table, new_rows)
            rows[table.name] = len(new_rows)
            changed = True

    if existing is None:
        return WriteOutcome("new", rows)
    return WriteOutcome("updated" if changed else "unchanged", rows)
