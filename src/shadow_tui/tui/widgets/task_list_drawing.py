"""Drawing the task list: the column header, one line per task, and messages for empty states.

`TaskList` draws its lines with these methods, which read its rows, cursor
and filter.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip

from shadow_tui.tui.widgets.task_columns import Column, layout_columns, render_header, render_row

if TYPE_CHECKING:
    from shadow_tui.queries.filter import TaskFilter
    from shadow_tui.tui.widgets.task_pages import PageCache


class TaskListDrawing:
    """The line-drawing methods of `TaskList`, which provides the attributes declared here."""

    cache: PageCache
    cursor: int
    total: int
    loaded: bool
    task_filter: TaskFilter
    _id_width: int
    _columns: list[Column]
    _columns_width: int
    _pass_styles: dict[str, Style] | None

    def _style(self, name: str) -> Style:
        """Return a component's style, or the widget's own style for the name ""."""
        styles = self._pass_styles
        if styles is not None and name in styles:
            return styles[name]
        style = self.get_component_rich_style(f"task-list--{name}") if name else self.rich_style
        if styles is not None:
            styles[name] = style
        return style

    def _set_columns(self, width: int) -> None:
        self._columns = layout_columns(width, self._id_width)
        self._columns_width = width

    def render_lines(self, crop: Region) -> list[Strip]:
        # Looking up a style walks the CSS of the widget and its ancestors.
        # The styles cannot change while the lines of one pass are drawn, so
        # each is looked up once per pass instead of once per line.
        self._pass_styles = {}
        # The vertical scrollbar comes and goes with the number of rows, which
        # changes the content width without a Resize event.
        width = self.scrollable_content_region.width
        if width != self._columns_width:
            self._set_columns(width)
        try:
            return super().render_lines(crop)
        finally:
            self._pass_styles = None

    def _style_for(self, name: str) -> Style:
        if name in ("failed", "id"):
            return self._style(name)
        return self._style(f"status-{name}")

    def _now(self) -> datetime:
        clock = getattr(self.app, "clock", None)
        return clock() if callable(clock) else datetime.now(timezone.utc)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._style("")
        if y == 0:
            header_style = base + self._style("header")
            header = render_header(self._columns, header_style)
            return Strip(header.render(self.app.console), header.cell_len).crop_extend(0, width, header_style)
        index = int(self.scroll_y) + y - 1
        if index >= self.total:
            if index == 0 and self.loaded:
                return self._message_line(self._empty_message(), width)
            return Strip.blank(width, base)
        task = self.cache.row(index)
        if task is None:
            return self._message_line("…", width)
        style = base
        if index == self.cursor:
            style = base + self._style("cursor" if self.has_focus else "cursor-blurred")
        line = Strip(render_row(task, self._columns, self._now(), self._style_for, style))
        # The columns fill the width exactly unless it is below their minimum.
        return line if line.cell_length == width else line.crop_extend(0, width, style)

    def _message_line(self, message: str, width: int) -> Strip:
        style = self._style("") + self._style("placeholder")
        text = Text(message, style=style, no_wrap=True, end="")
        return Strip(text.render(self.app.console), text.cell_len).crop_extend(0, width, style)

    def _empty_message(self) -> str:
        if self.task_filter.is_empty():
            return "The database has no tasks. Import sessions with `shadow-tui import`, or try `shadow-tui --demo`."
        return "No tasks match this filter."
