"""Labels and values shared by the export formats: task fields, times, durations, exit codes.

Values here are raw: each format sanitizes or escapes them for its output.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from shadow_tui.export.document import CommandEntry, TaskDocument


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One labelled task field as shown in an export."""

    label: str
    value: str


def format_time(value: datetime | None) -> str:
    """Format a time as `YYYY-MM-DD HH:MM:SS UTC`, or an empty string when unknown."""
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def format_duration(seconds: float | None) -> str:
    """Format seconds as `850 ms`, `12.3 s`, `4m 05s` or `2h 03m`, or empty when unknown."""
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = int(round(seconds))
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def exit_label(command: CommandEntry) -> str:
    """Describe a command's exit status: `exit 0`, `exit 2`, or `exit status unknown`."""
    if command.exit_code is None:
        return "exit status unknown"
    return f"exit {command.exit_code}"


def user_label(document: TaskDocument) -> str:
    """Name the task's user: display name, else username, else id, with the email when known."""
    user = document.user
    if user is None:
        return document.task.user or document.task.user_id
    name = user.display_name or user.username or user.user_id
    return f"{name} <{user.email}>" if user.email else name


def task_field_rows(document: TaskDocument) -> list[FieldRow]:
    """List the task's one-line fields in display order, leaving out unknown ones.

    The error message, which may span lines, is not included: formats show
    it as a block of its own.
    """
    task = document.task
    failed = sum(1 for command in document.commands if command.failed)
    candidates = [
        ("Task id", task.task_id),
        ("Title", task.title or ""),
        ("Status", task.status),
        ("User", user_label(document)),
        ("Repository", task.repo_url or ""),
        ("Branch", task.branch or ""),
        ("Model", task.model_name or ""),
        ("Created", format_time(task.created_at)),
        ("Started", format_time(task.started_at)),
        ("Completed", format_time(task.completed_at)),
        ("Duration", format_duration(task.duration_seconds)),
        ("Source", task.source or ""),
        ("Source reference", task.source_ref or ""),
        ("Input tokens", "" if task.input_tokens is None else f"{task.input_tokens:,}"),
        ("Output tokens", "" if task.output_tokens is None else f"{task.output_tokens:,}"),
        ("Cost", "" if task.cost_usd is None else f"${task.cost_usd:.4f}"),
        ("Messages", str(len(document.messages))),
        ("Commands", f"{len(document.commands)} ({failed} failed)"),
        ("File edits", str(len(document.edits))),
        ("Artifacts", str(len(document.artifacts))),
    ]
    return [FieldRow(label, value) for label, value in candidates if value]


__all__ = ["FieldRow", "exit_label", "format_duration", "format_time", "task_field_rows", "user_label"]
