"""Shadow's early Prisma SQLite database (July 2025 schema).

Its tables match ours almost one to one: Task, ChatMessage (role USER,
ASSISTANT or SYSTEM), TerminalCommand, FileChange, Artifact and User.
Prisma's SQLite driver stores DateTime columns as INTEGER epoch
milliseconds. The file is a source, so it is opened read-only with the
standard library's sqlite3, in a worker thread.

Mapping: SYSTEM messages are skipped. A FileChange's diffPatch is used as
its diff when present. Otherwise the diff is computed from oldContent and
newContent (from /dev/null for a CREATE). A TerminalCommand's duration is
completedAt minus createdAt. Task status: see `shadow_common`.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from shadow_tui.db.models import Sender, TaskStatus
from shadow_tui.db.writer import (
    ArtifactData, CommandData, EditData, MessageData, SessionData, TaskData,
)
from shadow_tui.importers.base import ImportSourceError, ParsedSession, aware, file_mtime, shorten_title
from shadow_tui.importers.shadow_common import (
    FORMAT, artifact_type, row_id, task_id, task_status, user_from_row,
)
from shadow_tui.importers.unified import deleted_file_diff, diff_texts, new_file_diff

logger = logging.getLogger(__name__)

REQUIRED_TABLES = frozenset({"Task", "ChatMessage"})
_SENDERS = {"USER": Sender.USER.value, "ASSISTANT": Sender.AGENT.value}


async def read_file(path: Path) -> list[ParsedSession]:
    """Read every task of a Shadow SQLite file, without blocking the event loop."""
    return await asyncio.to_thread(read_file_sync, path)


def read_file_sync(path: Path) -> list[ParsedSession]:
    """Read every task of a Shadow SQLite file. Raises ImportSourceError."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise ImportSourceError(f"cannot open {path} read-only: {error}") from None
    try:
        connection.row_factory = sqlite3.Row
        # Another tool may have stored invalid UTF-8 in a TEXT column, which
        # the default text factory rejects for the whole query.
        connection.text_factory = _decode_text
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = REQUIRED_TABLES - tables
        if missing:
            raise ImportSourceError(
                f"{path} is not a Shadow database: tables {', '.join(sorted(missing))} are missing"
            )
        reader = _Reader(connection, tables, path)
        return [ParsedSession(reader.session(task)) for task in reader.rows("Task", order="createdAt, id")]
    except sqlite3.DatabaseError as error:
        raise ImportSourceError(f"cannot read {path} as a Shadow database: {error}") from None
    finally:
        connection.close()


def _decode_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


class _Reader:
    def __init__(self, connection: sqlite3.Connection, tables: set[str], path: Path) -> None:
        self.connection = connection
        self.tables = tables
        self.path = path
        self.fallback_time = file_mtime(path)
        users = self.rows("User") if "User" in tables else []
        self.users = {row["id"]: row for row in users}

    def rows(self, table: str, *, task: str | None = None, order: str = "createdAt, id") -> list[dict[str, Any]]:
        if table not in self.tables:
            return []
        sql = f'SELECT * FROM "{table}"'
        parameters: tuple[Any, ...] = ()
        if task is not None:
            sql += ' WHERE "taskId" = ?'
            parameters = (task,)
        sql += f" ORDER BY {order}"
        return [dict(row) for row in self.connection.execute(sql, parameters)]

    def _time(self, value: Any) -> datetime:
        return aware(value) or self.fallback_time

    def session(self, task: dict[str, Any]) -> SessionData:
        source_id = task["id"]
        messages = [
            MessageData(row_id(row["id"]), _SENDERS[row["role"]], row.get("content") or "",
                        self._time(row.get("createdAt")), sequence)
            for sequence, row in enumerate(
                row for row in self.rows("ChatMessage", task=source_id) if row.get("role") in _SENDERS
            )
        ]
        commands = [self._command(row) for row in self.rows("TerminalCommand", task=source_id)]
        edits = [self._edit(row) for row in self.rows("FileChange", task=source_id)]
        artifacts = [
            ArtifactData(row_id(row["id"]), artifact_type(row.get("type")),
                         row.get("s3Key") or row.get("efsPath") or f"shadow-artifact://{row.get('name', row['id'])}",
                         self._time(row.get("createdAt")))
            for row in self.rows("Artifact", task=source_id)
        ]
        status, error_message = task_status(task)
        created_at = self._time(task.get("createdAt"))
        first_user = next((m.content for m in messages if m.sender == Sender.USER.value), None)
        finished = status not in (TaskStatus.RUNNING.value, TaskStatus.PENDING.value)
        return SessionData(
            task=TaskData(
                task_id=task_id(source_id),
                user=user_from_row(self.users.get(task.get("userId")), task.get("userId")),
                created_at=created_at,
                status=status,
                repo_url=task.get("repoUrl") or None,
                branch=task.get("branch") or None,
                model_name=task.get("llmModel") or None,
                started_at=created_at,
                completed_at=aware(task.get("updatedAt")) if finished else None,
                error_message=error_message,
                title=shorten_title(task.get("title")) or shorten_title(first_user),
                source=FORMAT,
                source_ref=str(self.path),
            ),
            messages=messages,
            commands=commands,
            edits=edits,
            artifacts=artifacts,
        )

    def _command(self, row: dict[str, Any]) -> CommandData:
        created_at = self._time(row.get("createdAt"))
        completed_at = aware(row.get("completedAt"))
        exit_code = row.get("exitCode")
        return CommandData(
            row_id(row["id"]),
            row.get("command") or "",
            row.get("output") or "",
            created_at,
            exit_code=exit_code if isinstance(exit_code, int) else None,
            duration_seconds=(completed_at - created_at).total_seconds() if completed_at else None,
        )

    def _edit(self, row: dict[str, Any]) -> EditData:
        path = row.get("filePath") or "(unknown file)"
        operation = str(row.get("operation") or "").upper()
        old = row.get("oldContent") or ""
        new = row.get("newContent") or ""
        diff = row.get("diffPatch")
        if not diff:
            if operation == "CREATE":
                diff = new_file_diff(new, path)
            elif operation == "DELETE":
                diff = deleted_file_diff(path, old or None)
            else:
                diff = diff_texts(old, new, path) or f"--- {path}\n+++ {path}\n"
        return EditData(row_id(row["id"]), path, diff, self._time(row.get("createdAt")))
