"""The Timeline tab: messages, commands and file edits of a task in time order.

Each item is one row. Enter posts `OpenItem`, on which the detail area
switches to the item's tab and reveals the item there.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult

from shadow_tui.queries.records import CommandSummary, EditRecord, MessageRecord, TaskRow
from shadow_tui.render.diff_parse import diff_stats
from shadow_tui.render.terminal import sanitize_inline
from shadow_tui.tui.panes.base import ItemKind, OpenItem
from shadow_tui.tui.panes.command_rows import exit_text
from shadow_tui.tui.panes.common import DetailPane, first_line, format_clock
from shadow_tui.tui.widgets.line_list import LineList
from shadow_tui.tui.widgets.line_source import LineSource
from shadow_tui.tui.widgets.line_view import LineView
from shadow_tui.tui.widgets.message_render import SENDER_STYLES

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

# Items without a time sort after every timed item.
_NEVER = datetime.max.replace(tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One row of the timeline: what its text is made of, so that its `Text` is made only when drawn.

    With a `Text` per row, with its spans, the resident memory after the tab
    was 6 MB higher for a task of 10,000 messages (one run).
    """

    kind: ItemKind
    item_id: str
    created_at: datetime | None
    tag: str
    """The six-cell column after the time: the sender, "$" or "edit"."""
    tag_style: str
    body: str
    exit_code: int | None = None
    added: int = 0
    removed: int = 0

    @property
    def text(self) -> Text:
        """The row as drawn, made on each read."""
        row = Text(no_wrap=True, end="")
        row.append(format_clock(self.created_at), style="bright_black")
        row.append(" ")
        row.append(self.tag, style=self.tag_style)
        row.append(" ")
        row.append(self.body)
        if self.kind == "command":
            row.append("  exit ", style="bright_black")
            row.append_text(exit_text(self.exit_code, width=0))
        elif self.kind == "edit":
            row.append(f"  +{self.added}", style="green")
            row.append(f" -{self.removed}", style="red")
        return row

    @property
    def plain(self) -> str:
        """The row's text without styles, equal to `text.plain`."""
        plain = f"{format_clock(self.created_at)} {self.tag} {self.body}"
        if self.kind == "command":
            plain += "  exit " + exit_text(self.exit_code, width=0).plain
        elif self.kind == "edit":
            plain += f"  +{self.added} -{self.removed}"
        return plain


def _moment(item: TimelineItem) -> datetime:
    moment = item.created_at
    if moment is None:
        return _NEVER
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def message_item(message: MessageRecord) -> TimelineItem:
    sender = sanitize_inline(message.sender)
    return TimelineItem(
        "message", message.message_id, message.created_at, sys.intern(f"{sender:<6}"),
        SENDER_STYLES.get(message.sender, "bold magenta"), first_line(message.content) or "(empty message)",
    )


def command_item(command: CommandSummary) -> TimelineItem:
    return TimelineItem(
        "command", command.command_id, command.created_at, "$     ", "bold yellow",
        first_line(command.command_text) or "(empty command)", exit_code=command.exit_code,
    )


def edit_item(edit: EditRecord) -> TimelineItem:
    added, removed = diff_stats(edit.diff or "")
    return TimelineItem(
        "edit", edit.edit_id, edit.created_at, "edit  ", "bold blue", sanitize_inline(edit.file_path) or "(no path)",
        added=added, removed=removed,
    )


def _width(plain: str) -> int:
    # rich's cell_len keeps every short string it measures in a cache of its own.
    return len(plain) if plain.isascii() else cell_len(plain)


def rows_source(items: Sequence[TimelineItem]) -> LineSource:
    """Serve the rows of `items`, making each row's `Text` when it is drawn."""
    widest = max(map(_width, (item.plain for item in items)), default=0)
    return LineSource(
        count=items.__len__,
        get=lambda index: items[index].text,
        plain=lambda index: items[index].plain,
        width_hint=lambda: widest,
    )


@dataclass
class TimelineRows:
    """A task's messages, commands and edits as rows of each kind, in the order they were loaded."""

    messages: list[TimelineItem] = field(default_factory=list)
    commands: list[TimelineItem] = field(default_factory=list)
    edits: list[TimelineItem] = field(default_factory=list)
    last_keys: dict[str, tuple[Any, ...] | None] = field(
        default_factory=lambda: {"message": None, "command": None, "edit": None}
    )
    """The order key (see `shadow_tui.queries.items`) of the last row of each kind."""

    def count(self, kind: str) -> int:
        return len({"message": self.messages, "command": self.commands, "edit": self.edits}[kind])

    def merged(self) -> list[TimelineItem]:
        """Return every row in time order.

        Sorting is stable, so rows with equal times keep messages, then
        commands, then edits, each in their loaded order.
        """
        return sorted([*self.messages, *self.commands, *self.edits], key=_moment)


async def load_timeline_rows(engine: AsyncEngine, task_id: str, after: TimelineRows | None = None) -> TimelineRows:
    """Read a task's messages, commands and edits, or with `after` only those added after its rows."""
    # Imported here: queries.items imports SQLAlchemy, which the browser imports after its first frame.
    from shadow_tui.queries.items import command_key, edit_key, load_commands, load_edits, load_messages, message_key

    keys = after.last_keys if after is not None else {"message": None, "command": None, "edit": None}
    messages = await load_messages(engine, task_id, after=keys["message"])
    # The rows show no output size, and counting one makes SQLite read the whole output.
    commands = await load_commands(engine, task_id, after=keys["command"], with_sizes=False)
    edits = await load_edits(engine, task_id, with_diff=True, after=keys["edit"])
    rows = TimelineRows(
        messages=[message_item(message) for message in messages],
        commands=[command_item(command) for command in commands],
        edits=[edit_item(edit) for edit in edits],
        last_keys=dict(keys),
    )
    if messages:
        rows.last_keys["message"] = message_key(messages[-1])
    if commands:
        rows.last_keys["command"] = command_key(commands[-1])
    if edits:
        rows.last_keys["edit"] = edit_key(edits[-1])
    return rows


async def load_timeline(engine: AsyncEngine, task_id: str) -> list[TimelineItem]:
    """Read a task's messages, commands and edits and merge them in time order."""
    return (await load_timeline_rows(engine, task_id)).merged()


class TimelinePane(DetailPane):
    """Every item of the task on one line each; Enter opens the item in its tab."""

    LOAD_ACTION = "Loading the timeline"

    DEFAULT_CSS = """
    TimelinePane > LineList { height: 1fr; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.items: list[TimelineItem] = []
        self._rows = TimelineRows()

    def compose(self) -> ComposeResult:
        yield LineList(empty_text="Nothing happened in this task.", find_prompt=False, id="timeline-list")

    @property
    def list_view(self) -> LineList:
        return self.query_one("#timeline-list", LineList)

    def find_view(self) -> LineView | None:
        return self.list_view

    async def fetch(self, task: TaskRow) -> TimelineRows:
        return await load_timeline_rows(self.engine, task.task_id)

    async def fetch_added(self, task: TaskRow) -> TimelineRows | None:
        from shadow_tui.queries.items import count_through

        for kind in ("message", "command", "edit"):
            shown = await count_through(self.engine, kind, task.task_id, self._rows.last_keys[kind])
            if shown != self._rows.count(kind):
                return None
        return await load_timeline_rows(self.engine, task.task_id, after=self._rows)

    def apply_added(self, data: TimelineRows) -> None:
        if not (data.messages or data.commands or data.edits):
            if self.follow and self.items:
                self.list_view.move_cursor(len(self.items) - 1, notify=False)
            return
        self.apply(TimelineRows(
            messages=self._rows.messages + data.messages,
            commands=self._rows.commands + data.commands,
            edits=self._rows.edits + data.edits,
            last_keys=data.last_keys,
        ), keep=True)

    def apply(self, data: TimelineRows, *, keep: bool) -> None:
        view = self.list_view
        cursor = view.cursor
        selected_id = self.items[cursor].item_id if keep and cursor is not None and cursor < len(self.items) else None
        self._rows = data
        data = data.merged()
        self.items = data
        view.set_source(rows_source(data), keep_position=keep)
        if not data:
            return
        if keep and self.follow:
            view.move_cursor(len(data) - 1, notify=False)
            return
        index = next((i for i, item in enumerate(data) if item.item_id == selected_id), 0)
        view.move_cursor(index, notify=False)

    def clear(self) -> None:
        self.items = []
        self._rows = TimelineRows()
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
