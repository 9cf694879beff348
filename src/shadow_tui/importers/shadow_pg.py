"""A Shadow deployment's PostgreSQL database (current Prisma schema), read-only.

Tables keep Prisma's model names (`Task`, `ChatMessage`, `user`,
`PullRequestSnapshot` or its mapped name `pull_request_snapshot`) and
camelCase columns, so every name is double-quoted. Columns that only some
Shadow versions have (mainModel, errorMessage) are looked up first and
read only where they exist. Every connection runs with
`default_transaction_read_only`, so the import cannot write to the source.

Mapping:

- A Task becomes a task `shadow-<id>`, with the status mapped by `shadow_common`.
- USER and ASSISTANT ChatMessage rows become messages in `sequence` order.
  SYSTEM and TOOL rows, and rows without text, are skipped.
- Tool calls in `metadata.parts` become commands and edits (see `shadow_parts`).
- A PullRequestSnapshot becomes a report artifact. Its URL is the pull
  request's (repoUrl/pull/N) when the task has a number, else a
  `shadow-pr://<owner/repo>@<commit>` reference.
- Token counts are the sums of the messages' promptTokens and completionTokens.
- The branch is the agent's shadowBranch, else baseBranch. The model is
  mainModel, else the last assistant message's llmModel.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from shadow_tui.db.models import ArtifactType, Sender, TaskStatus
from shadow_tui.db.writer import ArtifactData, MessageData, SessionData, TaskData
from shadow_tui.importers.base import ImportSourceError, ParsedSession, aware, shorten_title
from shadow_tui.importers.shadow_common import FORMAT, row_id, task_id, task_status, user_from_row
from shadow_tui.importers.shadow_parts import metadata_of, tool_rows

logger = logging.getLogger(__name__)

# How long connecting to the source may take before it fails, in seconds.
CONNECT_TIMEOUT_S = 10
_SENDERS = {"USER": Sender.USER.value, "ASSISTANT": Sender.AGENT.value}
_PR_TABLES = ("PullRequestSnapshot", "pull_request_snapshot")
_USER_TABLES = ("user", "User")


def is_database_url(source: str) -> bool:
    """Tell whether a source names a PostgreSQL database rather than a file."""
    return source.startswith(("postgresql:", "postgres:", "postgresql+"))


def source_url(source: str) -> URL:
    """Parse a postgresql:// URL for asyncpg. Raises ImportSourceError when it is invalid."""
    try:
        url = make_url(source.replace("postgres://", "postgresql://", 1))
    except ArgumentError as error:
        raise ImportSourceError(
            f"invalid PostgreSQL URL: {error}. Expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
        ) from None
    return url.set(drivername="postgresql+asyncpg")


def display_url(url: URL) -> str:
    """Return the URL as stored in source_ref: without the password."""
    plain = URL.create(
        "postgresql", username=url.username, host=url.host, port=url.port,
        database=url.database, query=url.query,
    )
    return plain.render_as_string(hide_password=False)


def display_source(source: str) -> str:
    """Return a source as shown to people: a database URL loses its password."""
    if not is_database_url(source):
        return source
    try:
        return display_url(source_url(source))
    except ImportSourceError:
        return "<invalid PostgreSQL URL>"


def create_source_engine(url: URL) -> AsyncEngine:
    """Create an engine whose every transaction is read-only."""
    return create_async_engine(url, connect_args={
        "timeout": CONNECT_TIMEOUT_S,
        "server_settings": {"default_transaction_read_only": "on"},
    })


async def read_database(source: str) -> AsyncIterator[ParsedSession]:
    """Yield one parsed session per Shadow task. Raises ImportSourceError."""
    url = source_url(source)
    display = display_url(url)
    engine = create_source_engine(url)
    try:
        async with engine.connect() as connection:
            reader = _Reader(connection, display)
            await reader.load_schema()
            for task in await reader.rows("Task", 'ORDER BY "createdAt", "id"'):
                yield ParsedSession(await reader.session(task))
    except (DBAPIError, OSError, TimeoutError) as error:
        detail = str(getattr(error, "orig", None) or error).splitlines()[0:1]
        raise ImportSourceError(f"cannot read the Shadow database {display}: {''.join(detail) or type(error).__name__}") from None
    finally:
        await engine.dispose()


class _Reader:
    def __init__(self, connection: AsyncConnection, display: str) -> None:
        self.connection = connection
        self.display = display
        self.columns: dict[str, set[str]] = {}
        self.users: dict[str, dict[str, Any]] = {}

    async def load_schema(self) -> None:
        result = await self.connection.execute(text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        ))
        for table, column in result:
            self.columns.setdefault(table, set()).add(column)
        missing = [name for name in ("Task", "ChatMessage") if name not in self.columns]
        if missing:
            raise ImportSourceError(
                f"{self.display} is not a Shadow database: tables {', '.join(missing)} are missing"
            )
        user_table = next((name for name in _USER_TABLES if name in self.columns), None)
        if user_table is not None:
            self.users = {str(row["id"]): row for row in await self.rows(user_table)}

    async def rows(self, table: str, tail: str = "", **parameters: Any) -> list[dict[str, Any]]:
        result = await self.connection.execute(text(f'SELECT * FROM "{table}" {tail}'), parameters)
        return [dict(row) for row in result.mappings()]

    async def session(self, task: dict[str, Any]) -> SessionData:
        source_id = str(task["id"])
        key = task_id(source_id)
        status, error_message = task_status(task)
        running = status in (TaskStatus.RUNNING.value, TaskStatus.PENDING.value)
        all_messages = await self.rows(
            "ChatMessage", 'WHERE "taskId" = :task ORDER BY "sequence", "createdAt", "id"', task=source_id
        )
        fallback = aware(task.get("createdAt"))
        assert fallback is not None, "Task.createdAt is NOT NULL in every Shadow schema"

        def created_at_of(message: dict[str, Any]) -> datetime:
            return aware(message.get("createdAt")) or fallback

        messages = [
            MessageData(row_id(row["id"]), _SENDERS[str(row["role"])], message_text(row), created_at_of(row), int(row["sequence"]))
            for row in all_messages
            if str(row.get("role")) in _SENDERS and message_text(row).strip()
        ]
        tools = tool_rows(key, all_messages, created_at_of, running=running)
        input_tokens, output_tokens = _token_sums(all_messages)
        return SessionData(
            task=TaskData(
                task_id=key,
                user=user_from_row(self.users.get(str(task.get("userId"))), task.get("userId")),
                created_at=fallback,
                status=status,
                repo_url=task.get("repoUrl") or None,
                branch=task.get("shadowBranch") or task.get("baseBranch") or None,
                model_name=task.get("mainModel") or _last_model(all_messages),
                started_at=fallback,
                completed_at=None if running else aware(task.get("updatedAt")),
                error_message=error_message,
                title=shorten_title(task.get("title")),
                source=FORMAT,
                source_ref=self.display,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
            ),
            messages=messages,
            commands=tools.commands,
            edits=tools.edits,
            artifacts=await self._pull_requests(task, fallback),
        )

    async def _pull_requests(self, task: dict[str, Any], fallback: datetime) -> list[ArtifactData]:
        table = next((name for name in _PR_TABLES if name in self.columns), None)
        if table is None:
            return []
        result = await self.connection.execute(text(
            f'SELECT s.* FROM "{table}" s JOIN "ChatMessage" m ON m."id" = s."messageId" '
            'WHERE m."taskId" = :task ORDER BY s."createdAt", s."id"'
        ), {"task": str(task["id"])})
        artifacts = []
        for row in result.mappings():
            url = pull_request_url(task, row)
            artifacts.append(ArtifactData(row_id(row["id"]), ArtifactType.REPORT.value, url, aware(row.get("createdAt")) or fallback))
        return artifacts


def pull_request_url(task: dict[str, Any], snapshot: Any) -> str:
    """Return the pull request's URL when the task has its number, else a shadow-pr:// reference."""
    number = task.get("pullRequestNumber")
    repo_url = task.get("repoUrl")
    if isinstance(number, int) and isinstance(repo_url, str) and repo_url:
        return f"{repo_url.rstrip('/')}/pull/{number}"
    repo = task.get("repoFullName") or task.get("id")
    return f"shadow-pr://{repo}@{snapshot.get('commitSha') or snapshot.get('id')}"


def message_text(row: dict[str, Any]) -> str:
    """Return a message's text: `content`, else its text parts joined."""
    content = row.get("content")
    if isinstance(content, str) and content.strip():
        return content
    parts = metadata_of(row.get("metadata")).get("parts")
    if not isinstance(parts, list):
        return ""
    return "\n\n".join(
        part["text"] for part in parts
        if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)
    )


def _token_sums(messages: list[dict[str, Any]]) -> tuple[int | None, int | None]:
    prompt = [row["promptTokens"] for row in messages if isinstance(row.get("promptTokens"), int)]
    completion = [row["completionTokens"] for row in messages if isinstance(row.get("completionTokens"), int)]
    return (sum(prompt) if prompt else None, sum(completion) if completion else None)


def _last_model(messages: list[dict[str, Any]]) -> str | None:
    models = [row.get("llmModel") for row in messages if str(row.get("role")) == "ASSISTANT" and row.get("llmModel")]
    return str(models[-1]) if models else None
