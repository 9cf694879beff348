"""The task list: a virtual, paged list that scrolls through any number of tasks.

Only the pages under the viewport are fetched (see `task_pages`), so
jumping to the end of 50,000 tasks reads one page. Line 0 of the viewport
is the column header; list row i is drawn at viewport line i - scroll_y + 1.
"""

from __future__ import annotations

import asyncio
import logging

from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView

from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.first_page_sqlite import FirstPage
from shadow_tui.queries.records import TaskRow
from shadow_tui.tui.messages import ListReloaded, TaskChosen, TaskHighlighted
from shadow_tui.tui.widgets.task_columns import (
    ID_MIN_WIDTH, Column, format_absolute, layout_columns, task_id_width,
)
from shadow_tui.tui.widgets.task_list_drawing import TaskListDrawing
from shadow_tui.tui.widgets.task_pages import PageCache, fetch_pages, page_runs
from shadow_tui.tui.workers import reports_errors

logger = logging.getLogger(__name__)

# Tasks in these states can still change, so the live refresh reads them again.
LIVE_STATUSES = ("running", "pending")


class TaskList(TaskListDrawing, ScrollView, can_focus=True):
    """Tasks matching the current filter, newest first, with a cursor."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("ctrl+d", "half_page_down", "Half page down", show=False, id="list.half_page_down"),
        Binding("ctrl+u", "half_page_up", "Half page up", show=False, id="list.half_page_up"),
        Binding("home,g", "first", "First task", show=False, id="list.first"),
        Binding("end,G", "last", "Last task", show=False, id="list.last"),
        Binding("enter", "choose", "Open", id="list.open"),
        Binding("slash", "screen.focus_filter", "Filter", id="list.filter"),
    ]

    COMPONENT_CLASSES = {
        "task-list--header",
        "task-list--cursor",
        "task-list--cursor-blurred",
        "task-list--placeholder",
        "task-list--id",
        "task-list--failed",
        "task-list--status-completed",
        "task-list--status-error",
        "task-list--status-running",
        "task-list--status-pending",
        "task-list--status-other",
    }

    DEFAULT_CSS = """
    TaskList {
        background: $surface;
        overflow-x: hidden;
    }
    TaskList > .task-list--header { text-style: bold; color: $text-muted; background: $panel; }
    TaskList > .task-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    TaskList > .task-list--cursor-blurred { background: $block-cursor-blurred-background; }
    TaskList > .task-list--placeholder { color: $text-disabled; }
    TaskList > .task-list--id { color: $text-muted; }
    TaskList > .task-list--failed { color: $text-error; text-style: bold; }
    TaskList > .task-list--status-completed { color: $text-success; }
    TaskList > .task-list--status-error { color: $text-error; text-style: bold; }
    TaskList > .task-list--status-running { color: $text-warning; text-style: bold; }
    TaskList > .task-list--status-pending { color: $text-primary; }
    TaskList > .task-list--status-other { color: $text-secondary; }
    """

    cursor: reactive[int] = reactive(0, always_update=False)
    total: reactive[int] = reactive(0)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.cache = PageCache()
        self.task_filter = TaskFilter()
        self.loaded = False
        """True once the first page has arrived (the count can still be pending)."""
        self._generation = 0
        self._last_posted: TaskRow | None = None
        self._id_width = ID_MIN_WIDTH
        """The id column's width, set from the ids of each first page."""
        self._columns: list[Column] = layout_columns(80)
        self._columns_width = 80
        """The content width that `_columns` was laid out for."""
        self._pass_styles: dict[str, Style] | None = None
        """Styles looked up during the current `render_lines` pass, by component name."""

    # Data -------------------------------------------------------------------

    @property
    def selected_task(self) -> TaskRow | None:
        """The task under the cursor, or None when the list is empty or its page is loading."""
        if self.total == 0:
            return None
        return self.cache.row(self.cursor)

    def set_filter(self, task_filter: TaskFilter) -> None:
        """Show the tasks that match a filter, starting from the top."""
        self.task_filter = task_filter
        self._generation += 1
        self._reload(self._generation, task_filter)

    def reload(self) -> None:
        """Fetch the count and first page again with the current filter."""
        self.set_filter(self.task_filter)

    @work(exclusive=True, group="task-list-reload", exit_on_error=False, description="_reload")
    @reports_errors("Loading tasks")
    async def _reload(self, generation: int, task_filter: TaskFilter) -> None:
        """Show the first page as soon as it arrives, then count the matching tasks.

        Counting reads every matching task, while the first page stops after
        its rows, so the rows appear before the count for large results.
        Until the count arrives, `total` is the number of rows on that page.
        """
        reader = self.app.task_reader  # type: ignore[attr-defined]
        fresh = PageCache(self.cache.page_size, self.cache.max_pages)
        # The first read brings every page that the list shows, so one frame shows them all.
        limit = fresh.page_size * fresh.pages_for(self.size.height - 1)
        try:
            first = await reader.page(task_filter, limit=limit)
        finally:
            # Repaints held since the filter was applied (`tui.repaint_hold`) go on
            # with these rows, or without them when the read failed. A newer
            # filter's reload, which cancels this one, releases them itself.
            if generation == self._generation:
                self._release_repaints()
        if generation != self._generation:
            return
        self._show_first_rows(fresh, first.rows)
        if len(first.rows) == limit:
            # The first pages are full, so only a count gives the number of tasks after them.
            # The count starts once the page is painted, so it cannot delay that frame.
            await self._painted()
            total = await reader.count(task_filter)
            if generation != self._generation:
                return
            self.total = total
            self._request_pages()
        self.post_message(ListReloaded(self.total))

    def show_first_page(self, page: FirstPage) -> None:
        """Show the unfiltered list from a first page and count read without the engine.

        The app reads them through `sqlite3` while the screen is composed, so
        this runs before the first frame when the read is quick enough.
        """
        self.task_filter = TaskFilter()
        self._generation += 1
        self._show_first_rows(PageCache(self.cache.page_size, self.cache.max_pages), page.rows)
        self.total = page.total
        self._request_pages()
        self.post_message(ListReloaded(self.total))

    def _release_repaints(self) -> None:
        self.app.repaint_hold.release()  # type: ignore[attr-defined]

    async def _painted(self) -> None:
        """Wait until the screen has painted the refreshes requested so far."""
        painted: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def set_painted() -> None:
            # A newer reload cancels this worker, and with it the future, before the frame.
            if not painted.done():
                painted.set_result(None)

        self.call_after_refresh(set_painted)
        await painted

    def _show_first_rows(self, fresh: PageCache, rows: list[TaskRow]) -> None:
        if rows:
            fresh.put_from_start(rows)
            id_width = task_id_width(row.task_id for row in rows)
            if id_width != self._id_width:
                self._id_width = id_width
                self._set_columns(self._columns_width)
        self.cache = fresh
        self.loaded = True
        self.loading = False
        self.total = len(rows)
        self._last_posted = None
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        self._post_highlight()

    def refresh_visible(self, *, force: bool = False) -> None:
        """Fetch the count and the visible pages again, keeping the selection.

        Without `force` (the live refresh), unchanged pages of finished tasks
        deep in the list are not read again.
        """
        if not self.loaded:
            self.reload()
            return
        self._refresh_pages(self._generation, self.task_filter, force)

    @work(exclusive=True, group="task-list-refresh", exit_on_error=False, description="_refresh_pages")
    @reports_errors("Refreshing tasks")
    async def _refresh_pages(self, generation: int, task_filter: TaskFilter, force: bool) -> None:
        reader = self.app.task_reader  # type: ignore[attr-defined]
        total = await reader.count(task_filter)
        first, last = self._visible_range()
        if not force and total == self.total and not self._visible_needs_refresh(first, last):
            return
        fresh = PageCache(self.cache.page_size, self.cache.max_pages)
        if total:
            first_page, last_page = self.cache.page_of(first), self.cache.page_of(min(last, total - 1))
            pages = await fetch_pages(reader, task_filter, first_page, last_page, fresh, total=total, by_offset=True)
            for page, rows in pages.items():
                fresh.put(page, rows)
        if generation != self._generation:
            return
        selected = self.selected_task
        self.cache = fresh
        self.total = total
        if selected is not None:
            moved_to = fresh.find(selected.task_id)
            if moved_to is not None and moved_to != self.cursor:
                # New tasks above the cursor shift it down; scroll by as much so the view stays put.
                shift = moved_to - self.cursor
                self.set_reactive(TaskList.cursor, moved_to)
                self.scroll_to(y=self.scroll_y + shift, animate=False, immediate=True)
        self.cursor = min(self.cursor, max(0, total - 1))
        self.refresh()
        self._post_highlight()
        self._request_pages()

    def _visible_needs_refresh(self, first: int, last: int) -> bool:
        """Return whether the visible rows may have changed although the count has not.

        Pages near the top are cheap to read again and hold the newest tasks.
        Deeper down, only running or pending tasks change, so a view of
        finished tasks is not read again. Reading a deep page by offset can
        take about a second with 50,000 tasks, too long for every refresh tick.
        """
        if first < 2 * self.cache.page_size:
            return True
        for index in range(first, min(last, self.total - 1) + 1):
            task = self.cache.row(index)
            if task is None or task.status in LIVE_STATUSES:
                return True
        return False

    def _visible_range(self) -> tuple[int, int]:
        first = int(self.scroll_y)
        return first, first + max(1, self.size.height - 1) - 1

    def _request_pages(self) -> None:
        if not self.loaded:
            return
        first, last = self._visible_range()
        # The cursor may sit outside the viewport right after a jump.
        missing = self.cache.missing(first, last, self.total)
        missing += [page for page in self.cache.missing(self.cursor, self.cursor, self.total) if page not in missing]
        if missing:
            self._fetch_pages(self._generation, self.task_filter, missing)

    @work(exclusive=True, group="task-list-pages", exit_on_error=False, description="_fetch_pages")
    @reports_errors("Loading tasks")
    async def _fetch_pages(self, generation: int, task_filter: TaskFilter, pages: list[int]) -> None:
        reader = self.app.task_reader  # type: ignore[attr-defined]
        cache = self.cache
        for first, last in page_runs(pages):
            fetched = await fetch_pages(reader, task_filter, first, last, cache, total=self.total)
            # A reload or live refresh replaced the cache meanwhile, so these rows may be stale.
            if generation != self._generation or cache is not self.cache:
                return
            for page, rows in fetched.items():
                cache.put(page, rows)
            self.refresh()
        self._post_highlight()

    def _post_highlight(self) -> None:
        task = self.selected_task
        if self.total and task is None:
            return
        if task == self._last_posted and task is not None:
            return
        self._last_posted = task
        self.post_message(TaskHighlighted(task))

    def select_task_id(self, task_id: str) -> bool:
        """Move the cursor to a loaded task; return False when it is not loaded."""
        index = self.cache.find(task_id)
        if index is None:
            return False
        self.cursor = index
        return True

    # Cursor and scrolling ---------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self.total - 1)) if self.total else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self._request_pages()
        self._post_highlight()

    def watch_total(self, total: int) -> None:
        self.virtual_size = Size(self.size.width, total + 1)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._request_pages()

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self._set_columns(self.scrollable_content_region.width)
        self.virtual_size = Size(self.scrollable_content_region.width, self.total + 1)
        self._scroll_to_cursor()
        self._request_pages()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _page_rows(self) -> int:
        return max(1, self.size.height - 2)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += self._page_rows()

    def action_page_up(self) -> None:
        self.cursor -= self._page_rows()

    def action_half_page_down(self) -> None:
        self.cursor += max(1, self._page_rows() // 2)

    def action_half_page_up(self) -> None:
        self.cursor -= max(1, self._page_rows() // 2)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = max(0, self.total - 1)

    def action_choose(self) -> None:
        task = self.selected_task
        if task is not None:
            self.post_message(TaskChosen(task))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        # The list shows relative times; the tooltip gives the exact one.
        index = int(self.scroll_y) + event.y - 1
        task = self.cache.row(index) if event.y > 0 and 0 <= index < self.total else None
        if task is None or task.created_at is None:
            self.tooltip = None
        else:
            # Content, not str: a str tooltip would be parsed as markup.
            self.tooltip = Content(f"{task.task_id}\ncreated {format_absolute(task.created_at)} UTC")

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < self.total:
            self.cursor = index
            if event.chain >= 2:
                self.action_choose()
