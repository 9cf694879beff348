"""An async API for agents that record their sessions as they run.

Each call is one short transaction, so a reader (the browser) can read
every row as soon as it is written. Ids are generated when the caller has none.
"""

from __future__ import annotations

import getpass
import secrets
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from shadow_tui.db.models import Artifact, ChatMessage, FileEdit, Task, TaskCommand
from shadow_tui.db.writer import UserData, clean_text, ensure_user, insert_rows
from shadow_tui.errors import NotFoundError

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
TASKS: Table = Task.__table__  # type: ignore[assignment]
MESSAGES: Table = ChatMessage.__table__  # type: ignore[assignment]


def new_id(size: int = 21) -> str:
    """Return a random URL-safe id of the nanoid shape (21 characters by default)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(size))


def local_user() -> UserData:
    """Return the user record for the person running this process."""
    name = getpass.getuser()
    return UserData(user_id=f"local-{name}", username=name, display_name=name)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Recorder:
    """Write a task's rows one at a time, as the agent produces them."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def start_task(
        self,
        *,
        task_id: str | None = None,
        user: UserData | None = None,
        repo_url: str | None = None,
        branch: str | None = None,
        model_name: str | None = None,
        status: str = "running",
        title: str | None = None,
        created_at: datetime | None = None,
        started_at: datetime | None = None,
        source: str | None = None,
        source_ref: str | None = None,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
        cost_usd: float | None = None,
    ) -> str:
        """Create a task (and its user if new); return its id."""
        task_id = task_id or new_id()
        user = user or local_user()
        created_at = created_at or _now()
        if started_at is None and status == "running":
            started_at = created_at
        async with self._engine.begin() as connection:
            await ensure_user(connection, user)
            await insert_rows(connection, TASKS, [{
                "task_id": task_id, "user_id": user.user_id, "repo_url": repo_url,
                "branch": branch, "model_name": model_name, "status": status, "title": title,
                "created_at": created_at, "started_at": started_at,
                "source": source, "source_ref": source_ref, "input_tokens": input_tokens,
                "output_tokens": output_tokens, "cost_usd": cost_usd,
            }])
        return task_id

    async def add_message(
        self, task_id: str, sender: str, content: str, *,
        created_at: datetime | None = None, message_id: str | None = None, sequence: int | None = None,
    ) -> str:
        """Add one fully streamed message; its sequence follows the task's last one."""
        message_id = message_id or new_id()
        async with self._engine.begin() as connection:
            await self._require_task(connection, task_id)
            if sequence is None:
                last = await connection.scalar(
                    select(func.max(MESSAGES.c.sequence)).where(MESSAGES.c.task_id == task_id)
                )
                sequence = (last if last is not None else -1) + 1
            await insert_rows(connection, MESSAGES, [{
                "message_id": message_id, "task_id": task_id, "sender": sender,
                "content": content, "created_at": created_at or _now(), "sequence": sequence,
            }])
        return message_id

    async def record_command(
        self, task_id: str, command_text: str, *, exit_code: int | None = None, output: str = "",
        created_at: datetime | None = None, duration_seconds: float | None = None,
        command_id: str | None = None,
    ) -> str:
        """Record a command with its exit code (None when unknown) and output."""
        return await self._add(TaskCommand.__table__, "command_id", command_id, task_id, {
            "command_text": command_text, "exit_code": exit_code, "output": output,
            "created_at": created_at or _now(), "duration_seconds": duration_seconds,
        })

    async def record_edit(
        self, task_id: str, file_path: str, diff: str, *,
        created_at: datetime | None = None, edit_id: str | None = None,
    ) -> str:
        """Record a file edit as a unified diff."""
        return await self._add(FileEdit.__table__, "edit_id", edit_id, task_id, {
            "file_path": file_path, "diff": diff, "created_at": created_at or _now(),
        })

    async def add_artifact(
        self, task_id: str, artifact_type: str, s3_url: str, *,
        created_at: datetime | None = None, artifact_id: str | None = None,
    ) -> str:
        """Add an artifact stored at `s3_url`."""
        return await self._add(Artifact.__table__, "artifact_id", artifact_id, task_id, {
            "type": artifact_type, "s3_url": s3_url, "created_at": created_at or _now(),
        })

    async def set_status(
        self, task_id: str, status: str, *,
        error_message: str | None = None, completed_at: datetime | None = None,
    ) -> None:
        """Set a task's status; a final status also sets completed_at (default: now)."""
        values: dict[str, Any] = {"status": status}
        if error_message is not None:
            values["error_message"] = clean_text(error_message, dialect=self._engine.dialect.name)
        if completed_at is not None or status in ("completed", "error"):
            values["completed_at"] = completed_at or _now()
        if status == "running":
            values["started_at"] = func.coalesce(TASKS.c.started_at, _now())
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(TASKS).where(TASKS.c.task_id == task_id).values(**values)
            )
            if result.rowcount == 0:
                raise NotFoundError(f"task not found: {task_id}")

    async def _add(self, table: Any, key: str, item_id: str | None, task_id: str, values: dict[str, Any]) -> str:
        item_id = item_id or new_id()
        async with self._engine.begin() as connection:
            await self._require_task(connection, task_id)
            await insert_rows(connection, table, [{key: item_id, "task_id": task_id, **values}])
        return item_id

    @staticmethod
    async def _require_task(connection: Any, task_id: str) -> None:
        found = await connection.scalar(select(TASKS.c.task_id).where(TASKS.c.task_id == task_id))
        if found is None:
            raise NotFoundError(f"task not found: {task_id}. Send a task event first")
