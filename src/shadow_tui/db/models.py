"""The six tables, declared once for SQLite and PostgreSQL.

Column names follow the schema Shadow started from. Columns added for real
sources are documented where they are declared. Enumerated values (task
status, message sender, artifact type) are stored as plain text, so a value
written by a newer or foreign tool still loads and is shown as it is.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from shadow_tui.db.types import Timestamp


class TaskStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    ERROR = "error"


class Sender(StrEnum):
    USER = "user"
    AGENT = "agent"


class ArtifactType(StrEnum):
    LOG = "log"
    BINARY = "binary"
    ZIP = "zip"
    REPORT = "report"
    OTHER = "other"


def _task_fk() -> Column:  # type: ignore[type-arg]
    return Column(
        "task_id",
        Text,
        ForeignKey("tasks.task_id", ondelete="CASCADE"),
        nullable=False,
    )


def _created_at() -> Column:  # type: ignore[type-arg]
    return Column("created_at", Timestamp(), nullable=False)


class User(SQLModel, table=True):
    """A person whose agents ran tasks."""

    __tablename__ = "users"

    user_id: str = Field(sa_column=Column(Text, primary_key=True))
    email: str | None = Field(default=None, sa_column=Column(Text, unique=True))
    username: str | None = Field(default=None, sa_column=Column(Text))
    display_name: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=_created_at())
    last_login_at: datetime | None = Field(default=None, sa_column=Column(Timestamp()))


class Task(SQLModel, table=True):
    """One coding-agent session."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_user_id", "user_id"),
        Index("ix_tasks_created_at", "created_at"),
        Index("ix_tasks_status_created_at", "status", "created_at"),
        Index("ix_tasks_repo_url_created_at", "repo_url", "created_at"),
        Index("ix_tasks_source_ref", "source", "source_ref"),
    )

    task_id: str = Field(sa_column=Column(Text, primary_key=True))
    user_id: str = Field(
        sa_column=Column(Text, ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False)
    )
    repo_url: str | None = Field(default=None, sa_column=Column(Text))
    branch: str | None = Field(default=None, sa_column=Column(Text))
    model_name: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(default=TaskStatus.PENDING.value, sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=_created_at())
    started_at: datetime | None = Field(default=None, sa_column=Column(Timestamp()))
    completed_at: datetime | None = Field(default=None, sa_column=Column(Timestamp()))
    error_message: str | None = Field(default=None, sa_column=Column(Text))

    # Added for real sources.
    title: str | None = Field(default=None, sa_column=Column(Text))
    """Short description: the title the agent set, else the user's first prompt, shortened."""
    source: str | None = Field(default=None, sa_column=Column(Text))
    """Origin of the task: `ingest`, `demo`, or an importer's format name."""
    source_ref: str | None = Field(default=None, sa_column=Column(Text))
    """The source's own reference (a file path or a database URL without password), for re-import."""
    input_tokens: int | None = Field(default=None, sa_column=Column(Integer))
    """Prompt tokens the model consumed over the session, where the source records it."""
    output_tokens: int | None = Field(default=None, sa_column=Column(Integer))
    """Completion tokens the model produced over the session, where the source records it."""
    cost_usd: float | None = Field(default=None, sa_column=Column(Float))
    """Cost of the session in US dollars, where the source records it."""


class ChatMessage(SQLModel, table=True):
    """One fully streamed message of the chat, from the user or the agent."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_task_id_created_at", "task_id", "created_at"),)

    message_id: str = Field(sa_column=Column(Text, primary_key=True))
    task_id: str = Field(sa_column=_task_fk())
    sender: str = Field(sa_column=Column(Text, nullable=False))
    content: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=_created_at())
    sequence: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    """Position in the task's chat, so messages with equal timestamps keep their order."""


class TaskCommand(SQLModel, table=True):
    """A shell or tool command the agent ran, with its output."""

    __tablename__ = "task_commands"
    __table_args__ = (Index("ix_task_commands_task_id_created_at", "task_id", "created_at"),)

    command_id: str = Field(sa_column=Column(Text, primary_key=True))
    task_id: str = Field(sa_column=_task_fk())
    command_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    exit_code: int | None = Field(default=None, sa_column=Column(Integer))
    """The exit status; NULL means unknown (the source did not record it)."""
    output: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=_created_at())
    duration_seconds: float | None = Field(default=None, sa_column=Column(Float))
    """Wall time of the command, where the source records it."""
    output_search: str | None = Field(default=None, sa_column=Column(Text))
    """The output as plain text (escape sequences removed, progress bars
    collapsed) for the full-text index; NULL when that equals `output`."""


class FileEdit(SQLModel, table=True):
    """A change the agent made to one file, as a unified diff."""

    __tablename__ = "file_edits"
    __table_args__ = (Index("ix_file_edits_task_id_created_at", "task_id", "created_at"),)

    edit_id: str = Field(sa_column=Column(Text, primary_key=True))
    task_id: str = Field(sa_column=_task_fk())
    file_path: str = Field(sa_column=Column(Text, nullable=False))
    diff: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=_created_at())


class Artifact(SQLModel, table=True):
    """A build output, log or archive stored outside the database."""

    __tablename__ = "artifacts"
    __table_args__ = (Index("ix_artifacts_task_id_created_at", "task_id", "created_at"),)

    artifact_id: str = Field(sa_column=Column(Text, primary_key=True))
    task_id: str = Field(sa_column=_task_fk())
    type: str = Field(sa_column=Column(Text, nullable=False))
    s3_url: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=_created_at())


TABLES = (
    User.__table__,
    Task.__table__,
    ChatMessage.__table__,
    TaskCommand.__table__,
    FileEdit.__table__,
    Artifact.__table__,
)
