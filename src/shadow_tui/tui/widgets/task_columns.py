"""Columns of the task list: which fit a width, and how each cell reads.

Every data string passes through `sanitize_inline` and goes into a
`rich.segment.Segment` as plain text, so a title like `[/` is shown as
typed and never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from shadow_tui.queries.records import TaskRow
from shadow_tui.render.terminal import sanitize_inline
from shadow_tui.short_ids import unique_prefix_length

STATUS_NAMES = ("completed", "error", "running", "pending")
SEPARATOR = " "
ELLIPSIS = "…"
# The title column takes the width that the other columns leave, but no less.
TITLE_MIN_WIDTH = 24


def format_relative(moment: datetime | None, now: datetime) -> str:
    """Return how long ago `moment` was, such as "45s ago", "3h ago" or "12d ago"."""
    if moment is None:
        return "-"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        return "future"
    for limit, unit_seconds, unit in (
        (60, 1, "s"),
        (3600, 60, "m"),
        (86400, 3600, "h"),
        (86400 * 60, 86400, "d"),
        (86400 * 730, 86400 * 30, "mo"),
    ):
        if seconds < limit:
            return f"{int(seconds // unit_seconds)}{unit} ago"
    return f"{int(seconds // (86400 * 365))}y ago"


def format_utc(moment: datetime | None, pattern: str, unknown: str = "-") -> str:
    """Format a time in UTC with a strftime `pattern`, or return `unknown` when there is none.

    A naive datetime is taken as UTC already, as the database stores them.
    """
    if moment is None:
        return unknown
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime(pattern)


def format_absolute(moment: datetime | None) -> str:
    """Return a UTC time as "2026-11-30 14:02"."""
    return format_utc(moment, "%Y-%m-%d %H:%M")


def format_duration(seconds: float | None) -> str:
    """Return a duration as "45s", "12m03s", "2h05m" or "3d04h"."""
    if seconds is None or seconds < 0:
        return "-"
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    if whole < 86400:
        return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
    return f"{whole // 86400}d{whole % 86400 // 3600:02d}h"


def short_repo(url: str | None) -> str:
    """Return a repository URL as "owner/name"; other text is returned as it is.

    The URL is sanitized first, so the result is safe to print and a link
    target hidden in an escape sequence never becomes the shown name.
    """
    if not url:
        return ""
    text = sanitize_inline(url).strip().rstrip("/")
    if text.endswith(".git"):
        text = text[:-4]
    # git@github.com:owner/name and https://host/owner/name
    if "://" in text:
        # Drop the scheme, then the host.
        text = text.split("://", 1)[1]
        text = text.split("/", 1)[1] if "/" in text else text
    elif text.startswith("git@") and ":" in text:
        text = text.split(":", 1)[1]
    parts = [part for part in text.split("/") if part]
    return "/".join(parts[-2:]) if len(parts) >= 2 else text


def fit(text: str, width: int) -> str:
    """Cut or pad text to exactly `width` cells, with an ellipsis when cut."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + ELLIPSIS
    return set_cell_size(text, width)


def task_label(task: TaskRow) -> str:
    """Return the task's title, else its short id, as one safe line."""
    return sanitize_inline(task.title or "").strip() or f"(untitled {task.task_id[:8]})"


@dataclass(frozen=True, slots=True)
class Column:
    """One list column."""

    key: str
    header: str
    width: int
    priority: int
    """Columns with a lower number stay when the list is narrow."""
    align_right: bool = False


# The id column shows the shortest prefix that distinguishes the ids of the
# first page, at least ID_MIN_WIDTH and at most ID_MAX_WIDTH characters, so
# imported ids with a shared start (`codex-019982…`) do not all look alike.
ID_MIN_WIDTH = 8
ID_MAX_WIDTH = 20

# Display order. The title column comes third and takes the rest of the width.
COLUMNS: tuple[Column, ...] = (
    Column("status", "status", 9, 1),
    Column("id", "id", ID_MIN_WIDTH, 2),
    Column("title", "title", TITLE_MIN_WIDTH, 0),
    Column("repo", "repo", 18, 4),
    Column("branch", "branch", 14, 11),
    Column("model", "model", 16, 10),
    Column("created", "created", 8, 3, align_right=True),
    Column("when", "created at (UTC)", 16, 12),
    Column("duration", "took", 7, 6, align_right=True),
    Column("messages", "msgs", 4, 7, align_right=True),
    Column("commands", "cmds", 4, 8, align_right=True),
    Column("failed", "fail", 4, 5, align_right=True),
    Column("edits", "edit", 4, 9, align_right=True),
)


def task_id_width(task_ids: Iterable[str]) -> int:
    """Return the width of the id column: the shortest prefix that distinguishes the ids, within limits."""
    return min(ID_MAX_WIDTH, unique_prefix_length(task_ids, minimum=ID_MIN_WIDTH))


def layout_columns(width: int, id_width: int = ID_MIN_WIDTH) -> list[Column]:
    """Choose the columns that fit `width` cells; the title column grows to fill the rest."""
    chosen = {"title"}
    used = TITLE_MIN_WIDTH
    sized = [replace(column, width=id_width) if column.key == "id" else column for column in COLUMNS]
    for column in sorted(sized, key=lambda item: item.priority):
        if column.key == "title":
            continue
        needed = column.width + len(SEPARATOR)
        if used + needed <= width:
            chosen.add(column.key)
            used += needed
    spare = max(0, width - used)
    columns = []
    for column in sized:
        if column.key not in chosen:
            continue
        if column.key == "title":
            column = Column(column.key, column.header, column.width + spare, column.priority)
        columns.append(column)
    return columns


def task_duration(task: TaskRow, now: datetime) -> str:
    """Return how long the task took, or for a running task how long it has run, ending in "…"."""
    if task.duration_seconds is not None:
        return format_duration(task.duration_seconds)
    start = task.started_at or task.created_at
    if task.status == "running" and start is not None:
        if start.tzinfo is None:
            start = start.replace(tzinfo=timezone.utc)
        return format_duration((now - start).total_seconds()) + ELLIPSIS
    return "-"


def cell_values(task: TaskRow, now: datetime) -> dict[str, str]:
    """Return the plain text of every column for one task."""
    return {
        "status": sanitize_inline(task.status),
        "id": sanitize_inline(task.task_id[:ID_MAX_WIDTH]),
        "title": task_label(task),
        "repo": sanitize_inline(short_repo(task.repo_url)),
        "branch": sanitize_inline(task.branch or ""),
        "model": sanitize_inline(task.model_name or ""),
        "created": format_relative(task.created_at, now),
        "when": format_absolute(task.created_at),
        "duration": task_duration(task, now),
        "messages": str(task.message_count),
        "commands": str(task.command_count),
        "failed": str(task.failed_command_count) if task.failed_command_count else "",
        "edits": str(task.edit_count),
    }


def render_header(columns: list[Column], style: Style) -> Text:
    """Render the header line."""
    line = Text(no_wrap=True, end="")
    for index, column in enumerate(columns):
        if index:
            line.append(SEPARATOR)
        header = fit(column.header, column.width)
        if column.align_right:
            header = column.header[: column.width].rjust(column.width)
        line.append(header)
    line.stylize(style)
    return line


def render_row(
    task: TaskRow,
    columns: list[Column],
    now: datetime,
    style_for: Callable[[str], Style],
    base: Style,
) -> list[Segment]:
    """Render one task as the segments of a line.

    `base` is the line's style, and each cell's own style goes on top of it,
    so status colors stay on the cursor row. `style_for(name)` returns the
    style of a status, of "failed" or of "id". Segments are built directly,
    without a `rich.text.Text`, because the list draws every visible row
    again in the frame that shows a new filter.
    """
    values = cell_values(task, now)
    separator = Segment(SEPARATOR, base)
    segments: list[Segment] = []
    for index, column in enumerate(columns):
        if index:
            segments.append(separator)
        value = values[column.key]
        if column.align_right:
            cell = value[: column.width].rjust(column.width)
        elif column.key == "id":
            # A prefix without an ellipsis, which would hide the character that distinguishes two ids.
            cell = set_cell_size(value, column.width)
        else:
            cell = fit(value, column.width)
        style = None
        if column.key == "status":
            style = style_for(task.status if task.status in STATUS_NAMES else "other")
        elif column.key == "failed" and task.failed_command_count:
            style = style_for("failed")
        elif column.key == "id":
            style = style_for("id")
        segments.append(Segment(cell, base if style is None else base + style))
    return segments
