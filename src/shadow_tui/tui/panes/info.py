"""The Info tab: every field of the task, its counts, usage and full error message."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from shadow_tui.queries.records import TaskRow
from shadow_tui.queries.tasks import fetch_task
from shadow_tui.render.terminal import ansi_to_text, sanitize_inline
from shadow_tui.tui.panes.common import DetailPane, format_time
from shadow_tui.tui.widgets.task_columns import format_duration

STATUS_STYLES = {"completed": "green", "error": "bold red", "running": "yellow", "pending": "bright_black"}
UNKNOWN = Text("-", style="bright_black")


def _field(value: str | None) -> Text:
    if value is None or value == "":
        return UNKNOWN
    return Text(sanitize_inline(value))


def _tokens(task: TaskRow) -> Text:
    if task.input_tokens is None and task.output_tokens is None:
        return UNKNOWN
    parts = []
    if task.input_tokens is not None:
        parts.append(f"{task.input_tokens:,} in")
    if task.output_tokens is not None:
        parts.append(f"{task.output_tokens:,} out")
    if task.input_tokens is not None and task.output_tokens is not None:
        parts.append(f"{task.input_tokens + task.output_tokens:,} total")
    return Text(" / ".join(parts))


def _cost(task: TaskRow) -> Text:
    if task.cost_usd is None:
        return UNKNOWN
    return Text(f"${task.cost_usd:,.4f}")


def _count(number: int, noun: str) -> str:
    """Return "1 message" or "3 messages": the count with the noun in singular or plural."""
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def _counts(task: TaskRow) -> Text:
    text = Text(f"{_count(task.message_count, 'message')}, {_count(task.command_count, 'command')}")
    if task.failed_command_count:
        text.append(f" ({task.failed_command_count:,} failed)", style="red")
    text.append(f", {_count(task.edit_count, 'file edit')}, {_count(task.artifact_count, 'artifact')}")
    return text


def task_table(task: TaskRow) -> Table:
    """Lay out every task field as a two-column table of plain `Text`."""
    table = Table.grid(padding=(0, 2))
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    status = Text(sanitize_inline(task.status), style=STATUS_STYLES.get(task.status, ""))
    rows: list[tuple[str, RenderableType]] = [
        ("title", _field(task.title)),
        ("task id", _field(task.task_id)),
        ("status", status),
        ("user", _field(task.user or task.user_id)),
        ("user id", _field(task.user_id)),
        ("repository", _field(task.repo_url)),
        ("branch", _field(task.branch)),
        ("model", _field(task.model_name)),
        ("source", _field(task.source)),
        ("source ref", _field(task.source_ref)),
        ("created (UTC)", Text(format_time(task.created_at))),
        ("started (UTC)", Text(format_time(task.started_at))),
        ("completed (UTC)", Text(format_time(task.completed_at))),
        ("duration", Text(format_duration(task.duration_seconds))),
        ("tokens", _tokens(task)),
        ("cost (USD)", _cost(task)),
        ("counts", _counts(task)),
    ]
    for name, value in rows:
        table.add_row(name, value)
    if task.error_message:
        # The message keeps its lines and colours; escapes are removed or made visible.
        table.add_row(Text("error", style="bold red"), ansi_to_text(task.error_message.rstrip("\n")))
    else:
        table.add_row("error", UNKNOWN)
    return table


class InfoPane(DetailPane):
    """Every field of the task; refreshed from the database on `refresh_task`."""

    LOAD_ACTION = "Loading task details"

    DEFAULT_CSS = """
    InfoPane > VerticalScroll { height: 1fr; }
    InfoPane Static { padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("No task selected.", style="italic"), id="task-info")

    def show_task(self, task: TaskRow | None) -> None:
        # The row from the list already contains every field, so it is shown at once.
        if task is not None and self.is_mounted:
            self._show(task)
        super().show_task(task)

    def _show(self, task: TaskRow) -> None:
        self.query_one("#task-info", Static).update(task_table(task))

    async def fetch(self, task: TaskRow) -> TaskRow:
        return await fetch_task(self.engine, task.task_id)

    def apply(self, data: TaskRow, *, keep: bool) -> None:
        self._task_row = data
        self._show(data)

    def clear(self) -> None:
        self.query_one("#task-info", Static).update(Text("No task selected.", style="italic"))
