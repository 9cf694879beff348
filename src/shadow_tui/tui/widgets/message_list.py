"""A virtual list of chat messages that renders only the messages on screen.

Each message is a header row, its body and a blank row. Bodies start as
placeholders (plain text folded at the width, with an estimated height) and
are replaced by their Markdown rendering, made in a worker thread for the
messages in and around the view. Rendered bodies are kept in an LRU cache,
and their measured heights are kept for as long as the width stays the same.
When a body above the top of the view changes height, the scroll position
moves by the same amount, so the text in view stays put.
"""

from __future__ import annotations

import logging
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from itertools import accumulate
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from shadow_tui.queries.fts import SearchTerm, parse_search
from shadow_tui.queries.records import MessageRecord
from shadow_tui.tui.widgets.message_render import (
    MARGIN,
    SELECTED_MARGIN,
    estimate_height,
    header_text,
    highlight_strip,
    placeholder_strips,
    render_body,
    term_spans,
)

logger = logging.getLogger(__name__)

BODY_CACHE_MESSAGES = 256
RENDER_MARGIN = 3
"""Messages above and below the view that are rendered ahead of scrolling."""


class MessageList(ScrollView, can_focus=True, inherit_bindings=False):
    """Messages with sender and time, rendered lazily; one message is selected."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_lines(1)", "Scroll down", show=False, id="messages.scroll_down"),
        Binding("up,k", "scroll_lines(-1)", "Scroll up", show=False, id="messages.scroll_up"),
        Binding("pagedown,space", "scroll_pages(1)", "Page down", show=False, id="messages.page_down"),
        Binding("pageup", "scroll_pages(-1)", "Page up", show=False, id="messages.page_up"),
        Binding("ctrl+d", "scroll_half(1)", "Half page down", show=False, id="messages.half_page_down"),
        Binding("ctrl+u", "scroll_half(-1)", "Half page up", show=False, id="messages.half_page_up"),
        Binding("home,g", "first_message", "First message", show=False, id="messages.first"),
        Binding("end,G", "last_message", "Last message", show=False, id="messages.last"),
        Binding("right_curly_bracket", "step(1)", "Next message", key_display="}", show=False,
                id="messages.next"),
        Binding("left_curly_bracket", "step(-1)", "Previous message", key_display="{", show=False,
                id="messages.previous"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "message-list--header",
        "message-list--selected",
        "message-list--match",
        "message-list--empty",
    }

    DEFAULT_CSS = """
    MessageList { background: $surface; color: $foreground; overflow-x: hidden; }
    MessageList > .message-list--header { color: $text-muted; }
    MessageList > .message-list--selected { color: $text-accent; background: $boost; }
    MessageList > .message-list--match { background: $warning 50%; }
    MessageList > .message-list--empty { color: $text-muted; text-style: italic; }
    """

    class SelectionChanged(Message):
        """Another message was selected."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, empty_text: str = "", name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.messages: list[MessageRecord] = []
        self.empty_text = empty_text
        self.selected: int | None = None
        self._search_term = ""
        self._search_terms: list[SearchTerm] | None = None
        self._width = 0
        self._heights: list[int] = []
        self._starts: list[int] = [0]
        self._bodies: OrderedDict[int, Sequence[Strip]] = OrderedDict()
        self._placeholders: OrderedDict[int, Sequence[Strip]] = OrderedDict()
        self._generation = 0
        self._lock = threading.Lock()
        self._render_queue: list[int] = []
        self._worker_running = False
        self._scroll_to_term: int | None = None
        self.rendered_total = 0
        """Message bodies rendered as Markdown since the messages were set."""

    @property
    def search_term(self) -> str:
        """Text highlighted in the rendered messages, matched as typed (find)."""
        return self._search_term

    @search_term.setter
    def search_term(self, text: str) -> None:
        self._search_term = text
        self._search_terms = None

    def set_search_words(self, text: str) -> None:
        """Highlight the words of a global search's text, which match apart and as prefixes (`build*`)."""
        self._search_term = text
        self._search_terms = parse_search(text)

    # Content and geometry

    @property
    def body_width(self) -> int:
        # The vertical scrollbar is counted as present, so bodies keep their
        # width when a long transcript makes it appear.
        width = self.size.width - self.styles.scrollbar_size_vertical
        return max(10, width - len(MARGIN))

    @property
    def rendered_count(self) -> int:
        """Message bodies held as Markdown renderings now."""
        return len(self._bodies)

    def set_messages(self, messages: Sequence[MessageRecord], *, keep_position: bool = False) -> None:
        """Show other messages; with `keep_position` the same message stays at the top."""
        anchor = self._anchor() if keep_position else None
        selected_id = self.messages[self.selected].message_id if keep_position and self.selected is not None else None
        self.messages = list(messages)
        self._reset_layout()
        self.selected = None
        if selected_id is not None:
            self.selected = next((i for i, m in enumerate(self.messages) if m.message_id == selected_id), None)
        if anchor is not None:
            self._restore_anchor(anchor)
        else:
            self._move(0, 0)
        self.refresh()
        # The placeholders are drawn first: Markdown rendering in a thread would slow that frame down.
        self.call_after_refresh(self._request_visible)

    def append_messages(self, messages: Sequence[MessageRecord]) -> None:
        """Add messages after the last one, keeping the rendered bodies, the selection and the scroll position."""
        if not messages:
            return
        if not self.messages:
            self.set_messages(messages)
            return
        self.messages.extend(messages)
        self._heights.extend(estimate_height(message.content, self._width) + 2 for message in messages)
        self._update_starts()
        self.refresh()
        self._request_visible()

    def append_messages(self, messages: Sequence[MessageRecord]) -> None:
        """Add messages at the end, keeping the rendered bodies, the selection and the scroll position."""
        if not messages:
            return
        width = self._width or self.body_width
        self.messages.extend(messages)
        self._heights.extend(estimate_height(message.content, width) + 2 for message in messages)
        self._update_starts()
        self.refresh()
        self._request_visible()

    def _reset_layout(self) -> None:
        self._generation += 1
        self._width = self.body_width
        self._bodies.clear()
        self._placeholders.clear()
        self.rendered_total = 0
        self._heights = [estimate_height(message.content, self._width) + 2 for message in self.messages]
        self._update_starts()

    def _update_starts(self) -> None:
        self._starts = list(accumulate(self._heights, initial=0))
        self.virtual_size = Size(self.size.width, self._starts[-1])

    def _anchor(self) -> tuple[str, int] | None:
        if not self.messages:
            return None
        row = round(self.scroll_y)
        index = self._message_at(row)
        return self.messages[index].message_id, row - self._starts[index]

    def _restore_anchor(self, anchor: tuple[str, int]) -> None:
        message_id, offset = anchor
        index = next((i for i, m in enumerate(self.messages) if m.message_id == message_id), None)
        if index is not None:
            self._move(y=self._starts[index] + offset)

    def _message_at(self, row: int) -> int:
        return max(0, min(bisect_right(self._starts, row) - 1, len(self.messages) - 1))

    def on_resize(self) -> None:
        if self.messages and self.body_width != self._width:
            anchor = self._anchor()
            self._reset_layout()
            if anchor is not None:
                self._restore_anchor(anchor)
            self._request_visible()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._request_visible()

    # Rendering bodies in a thread

    def _request_visible(self) -> None:
        if not self.messages:
            return
        top = self._message_at(round(self.scroll_y))
        bottom = self._message_at(round(self.scroll_y) + max(1, self.size.height))
        first = max(0, top - RENDER_MARGIN)
        last = min(len(self.messages) - 1, bottom + RENDER_MARGIN)
        queue = [index for index in range(top, last + 1) if index not in self._bodies]
        queue += [index for index in range(top - 1, first - 1, -1) if index not in self._bodies]
        with self._lock:
            self._render_queue = queue
            start = bool(queue) and not self._worker_running
            if start:
                self._worker_running = True
        if start:
            self._render_bodies()

    @work(thread=True, group="message-render", description="_render_bodies")
    def _render_bodies(self) -> None:
        while True:
            with self._lock:
                if not self._render_queue:
                    self._worker_running = False
                    return
                index = self._render_queue.pop(0)
                generation = self._generation
                width = self._width
                content = self.messages[index].content if index < len(self.messages) else None
            if content is None:
                continue
            try:
                strips = render_body(content, width)
            except Exception:  # noqa: BLE001 - a message that breaks the renderer stays as plain text
                logger.warning("Rendering message %d as Markdown failed; it stays plain text", index, exc_info=True)
                strips = placeholder_strips(content, width)
            self.app.call_from_thread(self._apply_body, generation, index, strips)

    def _apply_body(self, generation: int, index: int, strips: Sequence[Strip]) -> None:
        if generation != self._generation or index >= len(self.messages):
            return
        self._bodies[index] = strips
        self.rendered_total += 1
        if len(self._bodies) > BODY_CACHE_MESSAGES:
            self._bodies.popitem(last=False)
        height = len(strips) + 2
        delta = height - self._heights[index]
        if delta:
            scroll_y = round(self.scroll_y)
            above = self._starts[index] < scroll_y
            self._heights[index] = height
            self._update_starts()
            if above:
                self._move(y=scroll_y + delta)
        if self._scroll_to_term == index:
            self._scroll_to_term = None
            self._scroll_to_match(index)
        self.refresh()

    # Drawing

    def _body(self, index: int) -> Sequence[Strip]:
        body = self._bodies.get(index)
        if body is not None:
            self._bodies.move_to_end(index)
            return body
        body = self._placeholders.get(index)
        if body is None:
            body = placeholder_strips(self.messages[index].content, self._width)
            self._placeholders[index] = body
            if len(self._placeholders) > BODY_CACHE_MESSAGES:
                self._placeholders.popitem(last=False)
        return body

    def _header(self, index: int, width: int) -> Strip:
        selected = index == self.selected
        base = self.get_component_rich_style("message-list--selected" if selected else "message-list--header")
        text = header_text(self.messages[index], selected=selected)
        strip = Strip(list(Segment.apply_style(text.render(self.app.console), self.rich_style + base)))
        return strip.crop_extend(0, width, self.rich_style + base)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        style = self.rich_style
        if not self.messages:
            if y == 0 and self.empty_text:
                empty = self.get_component_rich_style("message-list--empty")
                return Strip([Segment(MARGIN + self.empty_text, style + empty)]).crop_extend(0, width, style)
            return Strip.blank(width, style)
        row = round(self.scroll_y) + y
        if row >= self._starts[-1]:
            return Strip.blank(width, style)

        index = self._message_at(row)
        local = row - self._starts[index]
        if local == 0:
            return self._header(index, width)
        if local == self._heights[index] - 1:
            return Strip.blank(width, style)

        body = self._body(index)
        line = body[local - 1] if local - 1 < len(body) else Strip([])
        if self.search_term:
            spans = term_spans(line.text, self.search_term, self._search_terms)
            line = highlight_strip(line, spans, self.get_component_rich_style("message-list--match"))
        line = line.apply_style(style)
        if index == self.selected:
            margin_style = style + Style(color=self.get_component_rich_style("message-list--selected").color)
            margin = Strip([Segment(SELECTED_MARGIN, margin_style)])
        else:
            margin = Strip([Segment(MARGIN, style)])
        return Strip.join([margin, line.crop_extend(0, width - len(MARGIN), style)])

    # Selection and scrolling

    def _move(self, x: float | None = None, y: float | None = None) -> None:
        """Scroll without animation, also before the scrollbars are shown.

        Textual ignores a scroll request while the scrollbar of that axis is
        hidden, which it is until the next layout after the content changed.
        `force` lifts that check.
        """
        self.scroll_to(x, y, animate=False, immediate=True, force=True)


    def select(self, index: int, *, scroll: bool = True) -> None:
        """Select message `index` (clamped) and, with `scroll`, put its header near the top."""
        if not self.messages:
            return
        index = max(0, min(index, len(self.messages) - 1))
        changed = index != self.selected
        self.selected = index
        if scroll:
            self._move(y=max(0, self._starts[index] - 1))
        self.refresh()
        if changed:
            self.post_message(self.SelectionChanged(index))

    def scroll_to_term(self, index: int) -> None:
        """Scroll to the first body row of message `index` that shows the search term."""
        if index in self._bodies:
            self._scroll_to_match(index)
        else:
            self._scroll_to_term = index

    def _scroll_to_match(self, index: int) -> None:
        if not self.search_term:
            return
        body = self._body(index)
        for number, strip in enumerate(body):
            if term_spans(strip.text, self.search_term, self._search_terms):
                row = self._starts[index] + 1 + number
                if not self.scroll_y <= row < self.scroll_y + self.size.height:
                    self._move(y=max(0, row - self.size.height // 3))
                return

    def scroll_to_end(self) -> None:
        self._move(y=self.max_scroll_y)

    def sync_selection(self) -> None:
        """Select the top message when the selected one has left the view."""
        if not self.messages:
            return
        top = round(self.scroll_y)
        bottom = top + self.size.height
        if self.selected is not None:
            start = self._starts[self.selected]
            end = self._starts[self.selected + 1]
            if start < bottom and end > top:
                return
        self.select(self._message_at(top), scroll=False)

    def on_click(self, event: events.Click) -> None:
        if self.messages:
            self.select(self._message_at(round(self.scroll_y) + event.y), scroll=False)

    # Keys

    def _scroll_by(self, rows: int) -> None:
        self._move(y=self.scroll_y + rows)
        self.sync_selection()

    def action_scroll_lines(self, count: int) -> None:
        self._scroll_by(count)

    def action_scroll_pages(self, count: int) -> None:
        self._scroll_by(count * max(1, self.size.height - 1))

    def action_scroll_half(self, count: int) -> None:
        self._scroll_by(count * max(1, self.size.height // 2))

    def action_first_message(self) -> None:
        self.select(0)

    def action_last_message(self) -> None:
        if self.messages:
            self.select(len(self.messages) - 1, scroll=False)
            self.scroll_to_end()

    def action_step(self, delta: int) -> None:
        if self.messages:
            if self.selected is not None:
                current = self.selected
            elif delta > 0:
                current = -1
            else:
                current = len(self.messages)
            self.select(current + delta)
