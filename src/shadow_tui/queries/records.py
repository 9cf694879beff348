"""Plain records that queries return; widgets and commands never see ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

def duration_between(start: datetime | None, end: datetime | None) -> float | None:
    """Return seconds from start to end, or None when either is unknown."""
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


@dataclass(frozen=True, slots=True)
class TaskRow:
    """A task with its counts, as listed."""

    task_id: str
    user_id: str
    user: str | None
    """The user's display name, else username, else email."""
    repo_url: str | None
    branch: str | None
    model_name: str | None
    status: str
    created_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    error_message: str | None
    title: str | None
    source: str | None
    source_ref: str | None
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    message_count: int
    command_count: int
    failed_command_count: int
    edit_count: int
    artifact_count: int

    @property
    def duration_seconds(self) -> float | None:
        return duration_between(self.started_at or self.created_at, self.completed_at)


@dataclass(frozen=True, slots=True)
class TaskCursor:
    """The position after a row, for keyset pagination."""

    created_at: datetime
    task_id: str


@dataclass(frozen=True, slots=True)
class TaskPage:
    rows: list[TaskRow]
    next_cursor: TaskCursor | None
    """Start of the next page, or None on the last page."""


@dataclass(frozen=True, slots=True)
class Facets:
    """Counts for the current filter."""

    total: int
    by_status: dict[str, int]
    top_repos: list[tuple[str, int]]
    top_models: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class MessageRecord:
    message_id: str
    task_id: str
    sender: str
    content: str
    created_at: datetime | None
    sequence: int


@dataclass(frozen=True, slots=True)
class CommandSummary:
    """A command without its output, which is loaded on demand."""

    command_id: str
    task_id: str
    command_text: str
    exit_code: int | None
    created_at: datetime | None
    duration_seconds: float | None
    output_size: int | None
    """Length of the output in characters, or in UTF-8 bytes on SQLite when the output contains NUL.

    None when the summary was loaded without sizes (`load_commands(..., with_sizes=False)`).
    """

    @property
    def failed(self) -> bool:
        return self.exit_code is not None and self.exit_code != 0


@dataclass(frozen=True, slots=True)
class EditRecord:
    edit_id: str
    task_id: str
    file_path: str
    created_at: datetime | None
    diff_size: int
    diff: str | None = None
    """The unified diff, when it was requested."""


@dataclass(frozen=True, slots=True)
class ArtifactRecord:
    artifact_id: str
    task_id: str
    type: str
    s3_url: str
    created_at: datetime | None
