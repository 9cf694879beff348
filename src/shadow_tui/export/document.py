"""A whole task in one plain structure: fields, user, chat, commands with outputs, edits, artifacts.

Every export format (text, ANSI, Markdown, HTML, JSON) renders a
`TaskDocument`, so they all show the same rows, and redaction is applied
once, to the document, before any of them runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from shadow_tui.queries.conditions import COMMANDS, USERS
from shadow_tui.queries.items import load_artifacts, load_edits, load_messages
from shadow_tui.queries.records import ArtifactRecord, EditRecord, MessageRecord, TaskRow
from shadow_tui.queries.tasks import fetch_task
from shadow_tui.redact import Redactor

RecordT = TypeVar("RecordT")


@dataclass(frozen=True, slots=True)
class UserInfo:
    user_id: str
    email: str | None
    username: str | None
    display_name: str | None


@dataclass(frozen=True, slots=True)
class CommandEntry:
    """A command with its full output."""

    command_id: str
    command_text: str
    exit_code: int | None
    """The exit status; None means the source did not record it."""
    output: str
    created_at: datetime | None
    duration_seconds: float | None

    @property
    def failed(self) -> bool:
        return self.exit_code is not None and self.exit_code != 0


@dataclass(frozen=True, slots=True)
class TaskDocument:
    """One task with every row that belongs to it, in display order."""

    task: TaskRow
    user: UserInfo | None
    """The task's user, or None when the users table has no row for its user_id."""
    messages: list[MessageRecord]
    commands: list[CommandEntry]
    edits: list[EditRecord]
    """File edits with their diffs loaded."""
    artifacts: list[ArtifactRecord]


async def load_user(engine: AsyncEngine, user_id: str) -> UserInfo | None:
    """Load one user's identity fields, or None when the id is unknown."""
    query = select(USERS.c.user_id, USERS.c.email, USERS.c.username, USERS.c.display_name).where(
        USERS.c.user_id == user_id
    )
    async with engine.connect() as connection:
        row = (await connection.execute(query)).first()
    if row is None:
        return None
    return UserInfo(user_id=row.user_id, email=row.email, username=row.username, display_name=row.display_name)


async def load_commands_with_output(engine: AsyncEngine, task_id: str) -> list[CommandEntry]:
    """Load a task's commands in time order, each with its full output, in one query."""
    query = (
        select(
            COMMANDS.c.command_id, COMMANDS.c.command_text, COMMANDS.c.exit_code, COMMANDS.c.output,
            COMMANDS.c.created_at, COMMANDS.c.duration_seconds,
        )
        .where(COMMANDS.c.task_id == task_id)
        .order_by(COMMANDS.c.created_at, COMMANDS.c.command_id)
    )
    async with engine.connect() as connection:
        result = await connection.execute(query)
        return [
            CommandEntry(
                command_id=row.command_id,
                command_text=row.command_text or "",
                exit_code=row.exit_code,
                output=row.output or "",
                created_at=row.created_at,
                duration_seconds=row.duration_seconds,
            )
            for row in result
        ]


async def load_task_document(engine: AsyncEngine, task_id: str) -> TaskDocument:
    """Load a task by its full id with all its rows; an unknown id raises NotFoundError."""
    task = await fetch_task(engine, task_id)
    return TaskDocument(
        task=task,
        user=await load_user(engine, task.user_id),
        messages=await load_messages(engine, task_id),
        commands=await load_commands_with_output(engine, task_id),
        edits=await load_edits(engine, task_id, with_diff=True),
        artifacts=await load_artifacts(engine, task_id),
    )


def _is_identifier(name: str) -> bool:
    # Ids link rows together (and let `ingest` recreate them), so they are never masked.
    return name.endswith("_id")


def _map_text(record: RecordT, change: Callable[[str], str]) -> RecordT:
    """Return a copy of a dataclass record with `change` applied to its text fields except ids."""
    changes: dict[str, Any] = {}
    for item in fields(record):  # type: ignore[arg-type]
        value = getattr(record, item.name)
        if isinstance(value, str) and not _is_identifier(item.name):
            changed = change(value)
            if changed != value:
                changes[item.name] = changed
    return replace(record, **changes) if changes else record  # type: ignore[type-var]


def redact_document(document: TaskDocument, redactor: Redactor) -> TaskDocument:
    """Return a copy of the document with secrets masked in every text field except ids."""
    change = redactor.redact
    return TaskDocument(
        task=_map_text(document.task, change),
        user=None if document.user is None else _map_text(document.user, change),
        messages=[_map_text(message, change) for message in document.messages],
        commands=[_map_text(command, change) for command in document.commands],
        edits=[_map_text(edit, change) for edit in document.edits],
        artifacts=[_map_text(artifact, change) for artifact in document.artifacts],
    )


__all__ = [
    "CommandEntry", "TaskDocument", "UserInfo", "load_commands_with_output", "load_task_document",
    "load_user", "redact_document",
]
