"""The Chat tab: the task's messages with sender and time, rendered as Markdown.

`MessageList` renders only the messages in and around the view, so a
transcript of 10,000 messages opens at once.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from shadow_tui.queries.items import count_through, load_messages, message_key
from shadow_tui.queries.records import MessageRecord, TaskRow
from shadow_tui.tui.panes.common import DetailPane
from shadow_tui.tui.widgets.message_list import MessageList


class ChatPane(DetailPane):
    """The task's messages; keys jump between user messages and copy the selected one."""

    LOAD_ACTION = "Loading messages"

    DEFAULT_CSS = """
    ChatPane > MessageList { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right_square_bracket", "next_user", "Next user message", key_display="]", id="chat.next_user"),
        Binding("left_square_bracket", "previous_user", "Previous user message", key_display="[",
                id="chat.previous_user"),
        Binding("y", "copy_message", "Copy message", id="chat.copy_message"),
    ]

    def compose(self) -> ComposeResult:
        yield MessageList(empty_text="No messages.", id="message-list")

    @property
    def message_list(self) -> MessageList:
        return self.query_one("#message-list", MessageList)

    # Loading

    async def fetch(self, task: TaskRow) -> list[MessageRecord]:
        return await load_messages(self.engine, task.task_id)

    def apply(self, data: list[MessageRecord], *, keep: bool) -> None:
        view = self.message_list
        view.set_messages(data, keep_position=keep)
        if not data:
            return
        if keep and self.follow:
            view.action_last_message()
        elif view.selected is None:
            view.select(0, scroll=False)

    async def fetch_added(self, task: TaskRow) -> list[MessageRecord] | None:
        shown = self.message_list.messages
        last = message_key(shown[-1]) if shown else None
        if await count_through(self.engine, "message", task.task_id, last) != len(shown):
            return None
        return await load_messages(self.engine, task.task_id, after=last)

    def apply_added(self, data: list[MessageRecord]) -> None:
        view = self.message_list
        view.append_messages(data)
        if self.follow and view.messages:
            view.action_last_message()
        elif view.selected is None and view.messages:
            view.select(0, scroll=False)

    def clear(self) -> None:
        self.message_list.set_messages([])

    def reveal_item(self, item_id: str, line: int, terms: str) -> None:
        view = self.message_list
        index = next((i for i, message in enumerate(view.messages) if message.message_id == item_id), None)
        if index is None:
            self.notify(f"Message {item_id} is not in this task.", severity="warning", markup=False)
            return
        view.search_term = terms
        view.select(index)
        if terms:
            view.scroll_to_term(index)

    # Find

    def find(self, text: str, forward: bool = True) -> bool:
        view = self.message_list
        view.search_term = text
        view.refresh()
        if not text:
            return False
        start = view.selected if view.selected is not None else 0
        return self._find_from(start, forward)

    def find_next(self) -> bool:
        view = self.message_list
        if not view.search_term:
            return False
        start = (view.selected + 1) if view.selected is not None else 0
        return self._find_from(start, True)

    def find_previous(self) -> bool:
        view = self.message_list
        if not view.search_term:
            return False
        start = (view.selected - 1) if view.selected is not None else len(view.messages) - 1
        return self._find_from(start, False)

    def _find_from(self, start: int, forward: bool) -> bool:
        """Select the first message from `start` whose text contains the term, wrapping around."""
        view = self.message_list
        count = len(view.messages)
        if count == 0:
            return False
        needle = view.search_term.casefold()
        step = 1 if forward else -1
        for offset in range(count):
            index = (start + step * offset) % count
            if needle in view.messages[index].content.casefold():
                view.select(index)
                view.scroll_to_term(index)
                return True
        return False

    # Keys

    def _jump_to_sender(self, sender: str, forward: bool) -> None:
        view = self.message_list
        if not view.messages:
            return
        if view.selected is not None:
            current = view.selected
        elif forward:
            current = -1
        else:
            current = len(view.messages)
        indices = range(current + 1, len(view.messages)) if forward else range(current - 1, -1, -1)
        for index in indices:
            if view.messages[index].sender == sender:
                view.select(index)
                return
        where = "after" if forward else "before"
        self.notify(f"No {sender} message {where} this one.", markup=False)

    def action_next_user(self) -> None:
        self._jump_to_sender("user", True)

    def action_previous_user(self) -> None:
        self._jump_to_sender("user", False)

    def action_copy_message(self) -> None:
        view = self.message_list
        if view.selected is None:
            self.notify("No message selected.", severity="warning", markup=False)
            return
        self.copy_text(view.messages[view.selected].content, "the message")
