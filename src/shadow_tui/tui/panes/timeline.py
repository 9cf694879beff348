"""The Timeline tab: messages, commands and file edits of a task in time order.

Each item is one row. Enter posts `OpenItem`, on which the detail area
switches to the item's tab and reveals the item there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from rich.text import Text
from sqlalchemy.ext.asyncio import AsyncEngine
from textual.app import ComposeResult

from shadow_tui.queries.items import load_commands, load_edits, load_messages
from shadow_tui.queries.records import TaskRow
from shadow_tui.render.diff_parse import diff_stats
from shadow_tui.render.terminal import sanitize_inline
from shadow_tui.tui.panes.base import ItemKind, OpenItem
from shadow_tui.tui.panes.command_rows import exit_text
from shadow_tui.tui.panes.common import DetailPane, first_line, format_clock
from shadow_tui.tui.widgets.line_list import LineList
from shadow_tui.tui.widgets.line_source import LineSource
from shadow_tui.tui.widgets.line_view import LineView

SENDER_STYLES = {"user": "bold cyan", "agent": "bold green"}
# Items without a time sort after every timed item.
_NEVER = datetime.max.replace(tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One row of the timeline."""

    kind: ItemKind
    item_id: str
    created_at: datetime | None
    text: Text


def _sort_key(item: TimelineItem, position: int) -> tuple[datetime, int]:
    moment = item.created_at
    if moment is None:
        moment = _NEVER
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment, position


def _row(moment: datetime | None) -> Text:
    row = Text(no_wrap=True, end="")
    row.append(format_clock(moment), style="bright_black")
    row.append(" ")
    return row


async def load_timeline(engine: AsyncEngine, task_id: str) -> list[TimelineItem]:
    """Read a task's messages, commands and edits and merge them in time order."""
    messages = await load_messages(engine, task_id)
    commands = await load_commands(engine, task_id)
    edits = await load_edits(engine, task_id, with_diff=True)

    items: list[TimelineItem] = []
    for message in messages:
        row = _row(message.created_at)
        sender = sanitize_inline(message.sender)
        row.append(f"{sender:<6}", style=SENDER_STYLES.get(message.sender, "bold magenta"))
        row.append(" ")
        row.append(first_line(message.content) or "(empty message)")
        items.append(TimelineItem("message", message.message_id, message.created_at, row))
    for command in commands:
        row = _row(command.created_at)
        row.append("$     ", style="bold yellow")
        row.append(" ")
        row.append(first_line(command.command_text) or "(empty command)")
        row.append("  exit ", style="bright_black")
        row.append_text(exit_text(command.exit_code, width=0))
        items.append(TimelineItem("command", command.command_id, command.created_at, row))
    for edit in edits:
        row = _row(edit.created_at)
        row.append("edit  ", style="bold blue")
        row.append(" ")
        row.append(sanitize_inline(edit.file_path) or "(no path)")
        added, removed = diff_stats(edit.diff or "")
        row.append(f"  +{added}", style="green")
        row.append(f" -{removed}", style="red")
        items.append(TimelineItem("edit", edit.edit_id, edit.created_at, row))

    # Sorting is stable, so items with equal times keep messages, then
    # commands, then edits, each in their loaded order.
    order = sorted(range(len(items)), key=lambda index: _sort_key(items[index], index))
    return [items[index] for index in order]


class TimelinePane(DetailPane):
    """Every item of the task on one line each; Enter opens the item in its tab."""

    LOAD_ACTION = "Loading the timeline"

    DEFAULT_CSS = """
    TimelinePane > LineList { height: 1fr; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.items: list[TimelineItem] = []

    def compose(self) -> ComposeResult:
        yield LineList(empty_text="Nothing happened in this task.", find_prompt=False, id="timeline-list")

    @property
    def list_view(self) -> LineList:
        return self.query_one("#timeline-list", LineList)

    def find_view(self) -> LineView | None:
        return self.list_view

    async def fetch(self, task: TaskRow) -> list[TimelineItem]:
        return await load_timeline(self.engine, task.task_id)

    def apply(self, data: list[TimelineItem], *, keep: bool) -> None:
        view = self.list_view
        cursor = view.cursor
        selected_id = self.items[cursor].item_id if keep and cursor is not None and cursor < len(self.items) else None
        self.items = data
        view.set_source(LineSource.from_texts([item.text for item in data]), keep_position=keep)
        if not data:
            return
        if keep and self.follow:
            view.move_cursor(len(data) - 1, notify=False)
            return
        index = next((i for i, item in enumerate(data) if item.item_id == selected_id), 0)
        view.move_cursor(index, notify=False)

    def clear(self) -> None:
        self.items = []
        self.list_view.set_source(LineSource.empty())

    def reveal_item(self, item_id: str, line: int, terms: str) -> None:
        for index, item in enumerate(self.items):
            if item.item_id == item_id:
                self.list_view.move_cursor(index)
                return

    def on_line_list_selected(self, event: LineList.Selected) -> None:
        event.stop()
        if 0 <= event.index < len(self.items):
            item = self.items[event.index]
            self.post_message(OpenItem(item.kind, item.item_id))
