"""The Chat tab: the task's messages with sender and time, rendered as Markdown.

`MessageList` renders only the messages in and around the view. The pane
loads the first `FIRST_PAGE_MESSAGES` messages of a task, shows them, and
then appends the rest, so a transcript of 10,000 messages opens at once.
A search-hit reveal or a find that arrives before the rest waits for it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from shadow_tui.queries.items import count_through, load_messages, message_key
from shadow_tui.queries.records import MessageRecord, TaskRow
from shadow_tui.tui.messages import FindFinished
from shadow_tui.tui.panes.common import DetailPane, run_to_completion
from shadow_tui.tui.widgets.message_list import MessageList
from shadow_tui.tui.workers import report_error

FIRST_PAGE_MESSAGES = 100
"""Messages loaded before the first screen of a newly opened task."""


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

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rest_pending = False
        """Whether the messages after the first page are still loading."""
        self._reveal_after_rest: tuple[str, int, str] | None = None
        self._find_after_rest: tuple[str, str] | None = None
        """(direction, text) of a find that waits for the rest of the messages; `_run_find` lists the directions."""

    def compose(self) -> ComposeResult:
        yield MessageList(empty_text="No messages.", id="message-list")

    @property
    def message_list(self) -> MessageList:
        return self.query_one("#message-list", MessageList)

    # Loading

    async def fetch(self, task: TaskRow) -> list[MessageRecord]:
        if self._loaded_task_id == task.task_id:
            # A refresh of the shown task reloads every message, to keep the position.
            return await load_messages(self.engine, task.task_id)
        return await load_messages(self.engine, task.task_id, limit=FIRST_PAGE_MESSAGES)

    def apply(self, data: list[MessageRecord], *, keep: bool) -> None:
        self.workers.cancel_group(self, "chat-rest")
        if not keep:
            self._drop_waiting()
        view = self.message_list
        view.set_messages(data, keep_position=keep)
        self.rest_pending = not keep and len(data) == FIRST_PAGE_MESSAGES and self.task_row is not None
        if self.rest_pending and self.task_row is not None:
            # The rest loads after the first page is on screen.
            self.call_after_refresh(self._load_rest, self.task_row.task_id, len(data))
        if data:
            if keep and self.follow:
                view.action_last_message()
            elif view.selected is None:
                view.select(0, scroll=False)
        if not self.rest_pending:
            self._run_waiting()

    async def fetch_added(self, task: TaskRow) -> list[MessageRecord] | None:
        if self.rest_pending:
            # Only the first page is shown, so reading after its last row would repeat the rest.
            return None
        shown = self.message_list.messages
        last = message_key(shown[-1]) if shown else None
        if await count_through(self.engine, "message", task.task_id, last) != len(shown):
            return None
        return await load_messages(self.engine, task.task_id, after=last)

    def apply_added(self, data: list[MessageRecord]) -> None:
        view = self.message_list
        # The rest of the first load may have been appended since the read.
        shown = {message.message_id for message in view.messages}
        view.append_messages([message for message in data if message.message_id not in shown])
        if self.follow and view.messages:
            view.action_last_message()
        elif view.selected is None and view.messages:
            view.select(0, scroll=False)

    def clear(self) -> None:
        self.workers.cancel_group(self, "chat-rest")
        self.rest_pending = False
        self._drop_waiting()
        self.message_list.set_messages([])

    @work(exclusive=True, group="chat-rest", description="_load_rest")
    async def _load_rest(self, task_id: str, offset: int) -> None:
        view = self.message_list
        if not self.rest_pending or self.task_row is None or self.task_row.task_id != task_id:
            return
        try:
            rest = await run_to_completion(load_messages(self.engine, task_id, offset=offset))
        except Exception as error:  # noqa: BLE001 - logged with its traceback and shown
            report_error(self, error, f"Loading the messages of task {task_id} after the first {offset}")
            self.rest_pending = False
            self._drop_waiting()
            return
        if not self.rest_pending or self.task_row is None or self.task_row.task_id != task_id:
            # A refresh or another task replaced the first page meanwhile.
            return
        view.append_messages(rest)
        self.rest_pending = False
        self._run_waiting()

    def _run_waiting(self) -> None:
        """Run the reveal and the find that waited for every message."""
        if self._reveal_after_rest is not None:
            item_id, line, terms = self._reveal_after_rest
            self._reveal_after_rest = None
            self.reveal_item(item_id, line, terms)
        if self._find_after_rest is not None:
            direction, text = self._find_after_rest
            self._find_after_rest = None
            self.message_list.search_term = text
            self.post_message(FindFinished(text, self._run_find(direction)))

    def _drop_waiting(self) -> None:
        self._reveal_after_rest = None
        if self._find_after_rest is not None:
            self.post_message(FindFinished(self._find_after_rest[1], None))
            self._find_after_rest = None

    def reveal_item(self, item_id: str, line: int, terms: str) -> None:
        view = self.message_list
        index = next((i for i, message in enumerate(view.messages) if message.message_id == item_id), None)
        if index is None and self.rest_pending:
            self._reveal_after_rest = (item_id, line, terms)
            return
        if index is None:
            self.notify(f"Message {item_id} is not in this task.", severity="warning", markup=False)
            return
        view.set_search_words(terms)
        view.select(index)
        if terms:
            view.scroll_to_term(index)

    # Find

    def find(self, text: str, forward: bool = True) -> bool | None:
        view = self.message_list
        view.search_term = text
        view.refresh()
        if not text:
            return False
        return self._find_or_wait("first" if forward else "first-backward")

    def find_next(self) -> bool | None:
        if not self.message_list.search_term:
            return False
        return self._find_or_wait("next")

    def find_previous(self) -> bool | None:
        if not self.message_list.search_term:
            return False
        return self._find_or_wait("previous")

    def _find_or_wait(self, direction: str) -> bool | None:
        """Find now when every message is loaded. Otherwise find when the rest arrives, and return None."""
        if self.rest_pending:
            self._find_after_rest = (direction, self.message_list.search_term)
            return None
        return self._run_find(direction)

    def _run_find(self, direction: str) -> bool:
        """Select the next match in `direction`: "first", "first-backward", "next" or "previous"."""
        view = self.message_list
        if direction in ("first", "first-backward"):
            start = view.selected if view.selected is not None else 0
            return self._find_from(start, direction == "first")
        if direction == "next":
            start = (view.selected + 1) if view.selected is not None else 0
            return self._find_from(start, True)
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
        if forward and self.rest_pending:
            self.notify(f"No {sender} message in the first {len(view.messages):,}; the rest are still loading.",
                        markup=False)
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
