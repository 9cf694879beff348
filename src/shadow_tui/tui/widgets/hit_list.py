"""A list of fixed-height rows that renders only the rows on screen.

The search screen shows up to 100 results of two lines each. Textual's
`OptionList` measures the height of every option it is given and renders
options through its `Content` pipeline. With it, showing the first 23
results took 5 to 8 ms and the frame that drew them 15 to 25 ms. With
`HitList` these took 1 ms and 7 to 14 ms (`benchmarks/run.py --only
search_app`, traced in-process on a shared 2-core machine). `HitList` is a
Line API widget: a row's text is built and rendered only when the row
scrolls into view, and the rendered lines are kept until the rows change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

ROW_HEIGHT = 2
"""Lines per row. A row's text is cut or padded to this many lines."""


class HitList(ScrollView, can_focus=True):
    """A list of rows, ROW_HEIGHT lines each, with one highlighted row. Enter or a click posts `Selected`."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"hit-list--highlighted"}

    # The colours of a highlighted option in Textual's OptionList (textual 8.2).
    DEFAULT_CSS = """
    HitList {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
    }
    HitList > .hit-list--highlighted {
        color: $foreground;
        background: $block-cursor-blurred-background;
        text-style: $block-cursor-blurred-text-style;
    }
    HitList:focus { background-tint: $foreground 5%; }
    HitList:focus > .hit-list--highlighted {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False, id="hit_list.down"),
        Binding("up", "cursor_up", "Up", show=False, id="hit_list.up"),
        Binding("home", "first", "First", show=False, id="hit_list.first"),
        Binding("end", "last", "Last", show=False, id="hit_list.last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="hit_list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="hit_list.page_up"),
        Binding("enter", "select", "Open", show=False, id="hit_list.select"),
    ]

    class Selected(Message):
        """Enter was pressed on a row, or a row was clicked."""

        def __init__(self, hit_list: HitList, index: int) -> None:
            super().__init__()
            self.hit_list = hit_list
            self.index = index

        @property
        def control(self) -> HitList:
            return self.hit_list

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._row_count = 0
        self._render_row: Callable[[int], Text] | None = None
        self._strips: dict[tuple[int, bool], list[Strip]] = {}
        self._base_style: Style | None = None
        self.highlighted: int | None = None
        """The index of the highlighted row, or None when the list is empty."""

    @property
    def row_count(self) -> int:
        return self._row_count

    def set_rows(self, count: int, render_row: Callable[[int], Text]) -> None:
        """Show `count` rows, highlight the first and scroll to the top.

        `render_row(index)` returns a row's text; it is called when the row
        is first drawn, and again after a resize or a change of theme.
        """
        self._row_count = count
        self._render_row = render_row
        self._strips.clear()
        self.highlighted = 0 if count else None
        self.virtual_size = Size(0, count * ROW_HEIGHT)
        self._scroll(0)
        self.refresh()

    def move_highlight(self, index: int) -> None:
        """Highlight row `index`, clamped to the rows, and scroll it into view."""
        if not self._row_count:
            return
        index = max(0, min(index, self._row_count - 1))
        if index != self.highlighted:
            self.highlighted = index
            self.refresh()
        top = round(self.scroll_y)
        height = max(ROW_HEIGHT, self.scrollable_content_region.height)
        first_line = index * ROW_HEIGHT
        if first_line < top:
            self._scroll(first_line)
        elif first_line + ROW_HEIGHT > top + height:
            self._scroll(first_line + ROW_HEIGHT - height)

    def _scroll(self, y: int) -> None:
        # `force`, because Textual ignores a scroll request while the scrollbar
        # is hidden, which it is until the next layout after the rows changed.
        self.scroll_to(None, y, animate=False, immediate=True, force=True)

    # Drawing -------------------------------------------------------------------

    @property
    def base_style(self) -> Style:
        """The widget's `rich_style`, kept until the styles change."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._strips.clear()

    def on_resize(self) -> None:
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        index, part = divmod(round(self.scroll_y) + y, ROW_HEIGHT)
        if self._render_row is None or not 0 <= index < self._row_count:
            return Strip.blank(width, self.base_style)
        highlighted = index == self.highlighted
        strips = self._strips.get((index, highlighted))
        if strips is None or strips[0].cell_length != width:
            strips = self._render_strips(index, highlighted, width)
            self._strips[(index, highlighted)] = strips
        return strips[part]

    def _render_strips(self, index: int, highlighted: bool, width: int) -> list[Strip]:
        """Render a row's lines at `width` cells, cut with an ellipsis and padded."""
        assert self._render_row is not None
        style = self.base_style
        if highlighted:
            style = style + self.get_component_rich_style("hit-list--highlighted")
        lines = list(self._render_row(index).split("\n", allow_blank=True))[:ROW_HEIGHT]
        lines += [Text() for _missing in range(ROW_HEIGHT - len(lines))]
        strips: list[Strip] = []
        for line in lines:
            line.end = ""
            line.truncate(width, overflow="ellipsis")
            segments = list(Segment.apply_style(line.render(self.app.console), style))
            strips.append(Strip(segments, line.cell_len).crop_extend(0, width, style))
        return strips

    # Keys and mouse ------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.move_highlight(0 if self.highlighted is None else self.highlighted + 1)

    def action_cursor_up(self) -> None:
        self.move_highlight(0 if self.highlighted is None else self.highlighted - 1)

    def action_first(self) -> None:
        self.move_highlight(0)

    def action_last(self) -> None:
        self.move_highlight(self._row_count - 1)

    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT - 1)

    def action_page_down(self) -> None:
        self.move_highlight((self.highlighted or 0) + self._page_rows())

    def action_page_up(self) -> None:
        self.move_highlight((self.highlighted or 0) - self._page_rows())

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self, self.highlighted))

    def on_click(self, event: events.Click) -> None:
        index = (round(self.scroll_y) + event.y) // ROW_HEIGHT
        if 0 <= index < self._row_count:
            self.move_highlight(index)
            self.post_message(self.Selected(self, index))
