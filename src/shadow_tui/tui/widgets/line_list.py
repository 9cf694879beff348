"""A `LineView` with a cursor: a virtualised list of one-line rows.

The marked line is the cursor. The movement keys of `LineView` move it
instead of the scroll position, and Enter or a click selects the row. The
panes use it for lists that can hold thousands of rows (timeline, commands,
files, artifacts), because it renders only the rows on screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message

from shadow_tui.tui.widgets.line_view import LineView


class LineList(LineView):
    """A list of rows with a cursor; posts `Highlighted` and `Selected` messages."""

    DEFAULT_CSS = """
    LineList > .line-view--marked-line { background: $accent 30%; color: $text; text-style: bold; }
    LineList:focus > .line-view--marked-line { background: $accent 60%; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="line_list.select"),
    ]

    class Highlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, line_list: LineList, index: int) -> None:
            super().__init__()
            self.line_list = line_list
            self.index = index

        @property
        def control(self) -> LineList:
            return self.line_list

    class Selected(Message):
        """Enter was pressed, or a row was clicked."""

        def __init__(self, line_list: LineList, index: int) -> None:
            super().__init__()
            self.line_list = line_list
            self.index = index

        @property
        def control(self) -> LineList:
            return self.line_list

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("show_line_numbers", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Rows are one line each, so wrapping, line numbers and go-to-line are off.
        if action in ("goto_line", "toggle_wrap", "toggle_line_numbers"):
            return False
        return super().check_action(action, parameters)

    @property
    def cursor(self) -> int | None:
        """The row under the cursor, or None when the list is empty."""
        return self.marked_line

    def move_cursor(self, index: int, *, notify: bool = True) -> None:
        """Put the cursor on row `index` (clamped) and scroll it into view."""
        count = self.line_count
        if count == 0:
            self._set_marked_line(None)
            return
        index = max(0, min(index, count - 1))
        changed = index != self.marked_line
        self._set_marked_line(index)
        self._scroll_row_into_view(index)
        if changed and notify:
            self.post_message(self.Highlighted(self, index))

    def _scroll_row_into_view(self, index: int) -> None:
        row = self._row_of_line(index)
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if row < top:
            self._move(y=row)
        elif row >= top + height:
            self._move(y=row - height + 1)

    def _step(self, delta: int) -> None:
        current = self.marked_line
        if current is None:
            self.move_cursor(0 if delta > 0 else self.line_count - 1)
        else:
            self.move_cursor(current + delta)

    def action_line_down(self) -> None:
        self._step(1)

    def action_line_up(self) -> None:
        self._step(-1)

    def action_page_down(self) -> None:
        self._step(max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self._step(-max(1, self.scrollable_content_region.height - 1))

    def action_half_page_down(self) -> None:
        self._step(max(1, self.scrollable_content_region.height // 2))

    def action_half_page_up(self) -> None:
        self._step(-max(1, self.scrollable_content_region.height // 2))

    def action_first_line(self) -> None:
        self.move_cursor(0)

    def action_last_line(self) -> None:
        self.move_cursor(self.line_count - 1)

    def action_select(self) -> None:
        if self.marked_line is not None:
            self.post_message(self.Selected(self, self.marked_line))

    def scroll_to_line(self, line: int, *, mark: bool = True, center: bool = True) -> None:
        previous = self.marked_line
        super().scroll_to_line(line, mark=mark, center=center)
        if mark and self.marked_line is not None and self.marked_line != previous:
            self.post_message(self.Highlighted(self, self.marked_line))

    def on_click(self, event: events.Click) -> None:
        if self._wrap_index is not None:
            line = self._wrap_index.locate(round(self.scroll_y) + event.y)[0]
        else:
            line = round(self.scroll_y) + event.y
        if 0 <= line < self.line_count:
            self.move_cursor(line)
            if event.chain >= 2:
                self.post_message(self.Selected(self, line))
