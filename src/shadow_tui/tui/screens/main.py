"""The browser screen: query bar, summary, task list and the detail area.

Terminals 120 columns or wider show the list and the detail side by side.
Narrower ones show the list, and Enter opens the detail full screen (Esc
goes back).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer

from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.first_page_sqlite import FirstPage
from shadow_tui.queries.records import TaskRow
from shadow_tui.queries.search_records import SearchHit
from shadow_tui.tui.collector import freeze_startup_objects
from shadow_tui.tui.messages import FilterApplied, ListReloaded, TaskChosen, TaskHighlighted
from shadow_tui.tui.screens.task_actions import TaskActionsMixin
from shadow_tui.tui.widgets.connection_status import ConnectionStatus
from shadow_tui.tui.widgets.detail import TABS, DetailView
from shadow_tui.tui.widgets.key_footer import KeyFooter
from shadow_tui.tui.widgets.query_bar import QueryBar, clear_statuses, toggle_status
from shadow_tui.tui.widgets.summary import Summary
from shadow_tui.tui.widgets.task_list import LIVE_STATUSES, TaskList
from shadow_tui.tui.workers import reports_errors

if TYPE_CHECKING:
    # Imported when search opens, so start-up does not load the search screen.
    from shadow_tui.tui.screens.search import SearchState

logger = logging.getLogger(__name__)

# The detail follows the list cursor after it rests this long (wide layout).
HIGHLIGHT_DELAY_SECONDS = 0.12
# How long the first frame waits for the unfiltered first page that the app reads through sqlite3.
FIRST_PAGE_WAIT_SECONDS = 0.05
WIDE_COLUMNS = 120


def _finished_read(read: asyncio.Future[FirstPage | None] | None) -> FirstPage | None:
    """Return the page of a finished read without waiting, or None while it runs, after it failed or without a page."""
    if read is None or not read.done() or read.cancelled() or read.exception() is not None:
        # A failed read is reported by the app's `open_database`, which awaits it.
        return None
    return read.result()


class MainScreen(TaskActionsMixin, Screen[None]):
    """The list of tasks and the open task."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_COLUMNS, "-wide")]
    AUTO_FOCUS = "#task-list"

    BINDINGS = [
        Binding("s,ctrl+f", "search", "Search", id="main.search"),
        Binding("x", "toggle_status('error')", "Errors", id="main.status_error"),
        Binding("R", "toggle_status('running')", "Running", id="main.status_running"),
        Binding("c", "toggle_status('completed')", "Completed", show=False, id="main.status_completed"),
        Binding("p", "toggle_status('pending')", "Pending", show=False, id="main.status_pending"),
        Binding("A", "all_statuses", "All statuses", show=False, id="main.status_all"),
        Binding("r", "refresh", "Refresh", show=False, id="main.refresh"),
        Binding("y", "copy_task_id", "Copy id", show=False, id="main.copy_id"),
        Binding("e", "export", "Export", show=False, id="main.export"),
        Binding("ctrl+l", "focus_filter", "Filter", show=False, id="main.filter"),
        Binding("escape", "back", "Back", show=False, id="main.back"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="main.next_pane"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="main.previous_pane"),
        *(
            Binding(str(number), f"show_tab('{key}')", f"{label} tab", show=False, id=f"main.tab_{key}")
            for number, (key, label, _location) in enumerate(TABS, start=1)
        ),
    ]

    def __init__(
        self, *, query: str = "", task_id: str | None = None,
        first_page_read: asyncio.Future[FirstPage | None] | None = None,
    ) -> None:
        """`first_page_read` is the app's read of the unfiltered first page through `sqlite3`, if any."""
        super().__init__()
        self._initial_query = query
        self._initial_task_id = task_id
        self._hold_detail = False
        self._highlight_timer: Timer | None = None
        self._refresh_timer: Timer | None = None
        self._search_state: SearchState | None = None
        """The query, kind and scope of the last search screen, which the next one opens with."""
        self.started = False
        """True once `start` ran: the engine is open and everything loads through it."""
        self._mounted = False
        self._start_requested = False
        self._list_started = False
        self._first_page_read = first_page_read
        self._pending_first_page: FirstPage | None = None
        self._completions_requested = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="browser"):
            with Vertical(id="list-area"):
                yield QueryBar(self._initial_query, id="query-bar")
                yield Summary(id="summary")
                yield TaskList(id="task-list")
            yield DetailView(id="detail")
        yield ConnectionStatus(id="connection-status")
        yield KeyFooter()

    # Parts -------------------------------------------------------------------

    @property
    def task_list(self) -> TaskList:
        return self.query_one(TaskList)

    @property
    def detail(self) -> DetailView:
        return self.query_one(DetailView)

    @property
    def query_bar(self) -> QueryBar:
        return self.query_one(QueryBar)

    @property
    def summary(self) -> Summary:
        return self.query_one(Summary)

    @property
    def connection_status(self) -> ConnectionStatus:
        return self.query_one(ConnectionStatus)

    @property
    def is_wide(self) -> bool:
        return self.has_class("-wide")

    async def on_mount(self) -> None:
        self._mounted = True
        read = self._first_page_read
        if read is not None and not read.done():
            # The first frame waits briefly for the rows rather than drawing the loading
            # indicator and then the rows. The thread reads faster now that the screen
            # is composed, because it no longer waits for the GIL.
            await asyncio.wait([read], timeout=FIRST_PAGE_WAIT_SECONDS)
        page = self._pending_first_page or _finished_read(read)
        if page is not None:
            self.show_first_page(page)
        else:
            self.task_list.loading = True
        self.task_list.focus()
        if self._start_requested:
            self.start()

    # Start and refresh ---------------------------------------------------------

    def show_first_page(self, page: FirstPage) -> None:
        """Show the unfiltered list from a first page read through `sqlite3`, before the app opens its engine.

        The list then posts ListReloaded, on which the app opens the engine
        and calls `start`, which loads the rest. A second call does nothing.
        """
        if not self._mounted:
            self._pending_first_page = page
            return
        if self._list_started:
            return
        self._list_started = True
        # What a FilterApplied for the empty query would do, without waiting for the message.
        self.summary.set_loading(True)
        self.summary.show_filter(TaskFilter())
        self.task_list.show_first_page(page)

    def start(self) -> None:
        """Load the data once the database is open: the list, completions and the --task task."""
        if not self._mounted:
            # The database can open before the screen has composed its widgets.
            self._start_requested = True
            return
        first_start = not self.started
        self.started = True
        if not self._list_started:
            self._list_started = True
            self._apply_query()
        elif first_start:
            # The list came through sqlite3, and its ListReloaded arrived before the engine was open.
            self.summary.refresh_counts()
            self._request_completions()
        if first_start and self._initial_task_id:
            # The list's first page highlights its top row when it arrives;
            # until a key is pressed that must not replace the --task task.
            self._hold_detail = True
            self._open_initial_task(self._initial_task_id)
        if first_start:
            # The database is open and SQLAlchemy imported, so start-up is over.
            self.call_after_refresh(freeze_startup_objects)
        interval = getattr(self.app, "refresh_interval", 0)
        if first_start and interval > 0:
            self._refresh_timer = self.set_interval(interval, self._live_refresh)

    def _apply_query(self) -> None:
        if not self.query_bar.apply():
            # An invalid --query: show its error and every task.
            self.task_list.set_filter(self.task_list.task_filter)
            self.summary.show_filter(self.task_list.task_filter)

    def _request_completions(self) -> None:
        if not self._completions_requested:
            self._completions_requested = True
            self._load_completions()

    def reload_all(self) -> None:
        """Fetch the list, the summary and the open task again, keeping the selection (r, and after a retry)."""
        self.task_list.refresh_visible(force=True)
        self.summary.refresh_counts()
        if self.detail.task_row is not None:
            self.detail.refresh_running()

    @work(exclusive=True, group="completions", exit_on_error=False, description="_load_completions")
    @reports_errors("Loading completions")
    async def _load_completions(self) -> None:
        # queries.tasks imports SQLAlchemy, which the first frame does without,
        # so the workers of this screen import it when they run.
        from shadow_tui.queries.tasks import distinct_values

        engine = self.app.engine  # type: ignore[attr-defined]
        self.query_bar.set_statuses(await distinct_values(engine, "status"))
        for field in ("repo", "model", "branch", "user"):
            values = await distinct_values(engine, field)  # type: ignore[arg-type]
            self.query_bar.suggester.set_values(field, values)

    @work(exclusive=True, group="initial-task", exit_on_error=False, description="_open_initial_task")
    @reports_errors("Opening the task")
    async def _open_initial_task(self, prefix: str) -> None:
        from shadow_tui.queries.tasks import fetch_task, resolve_task_id

        engine = self.app.engine  # type: ignore[attr-defined]
        task = await fetch_task(engine, await resolve_task_id(engine, prefix))
        self.open_task(task)

    def _live_refresh(self) -> None:
        if self.app.screen is not self or not self.task_list.loaded:
            # Behind another screen, or still loading: a reload now would cancel the first load.
            return
        if getattr(self.app, "connection_lost", False):
            # The app's reconnect worker reloads everything once the server accepts connections again.
            return
        self.task_list.refresh_visible()
        self.summary.refresh_counts()
        task = self.detail.task_row
        if task is not None and task.status in LIVE_STATUSES:
            self._refresh_open_task(task.task_id)

    @work(exclusive=True, group="open-task-refresh", exit_on_error=False, description="_refresh_open_task")
    @reports_errors("Refreshing the task")
    async def _refresh_open_task(self, task_id: str) -> None:
        from shadow_tui.queries.tasks import fetch_task

        task = await fetch_task(self.app.engine, task_id)  # type: ignore[attr-defined]
        self.detail.update_task(task)
        self.detail.refresh_running()

    # Messages ---------------------------------------------------------------------

    def on_filter_applied(self, message: FilterApplied) -> None:
        self.summary.set_loading(True)
        self.summary.show_filter(message.task_filter)
        self.task_list.set_filter(message.task_filter)

    def on_list_reloaded(self, message: ListReloaded) -> None:
        self.summary.set_loading(False)
        if not self.started:
            # The list came through sqlite3. Importing SQLAlchemy with its asyncio
            # extension took about 0.2 s (python -X importtime, 2-core VM), so the
            # engine opens only once the rows are on screen.
            self.call_after_refresh(self.app.open_database)  # type: ignore[attr-defined]
            return
        self.summary.refresh_counts()
        # The completions' queries would otherwise compete with the first page for the CPU.
        self._request_completions()

    def on_key(self, event: events.Key) -> None:
        self._hold_detail = False

    def on_task_highlighted(self, message: TaskHighlighted) -> None:
        if self._hold_detail:
            return
        if self._highlight_timer is not None:
            self._highlight_timer.stop()
            self._highlight_timer = None
        task = message.task
        if task is None:
            if self.is_wide:
                self.detail.show_task(None)
            return
        if self.detail.task_row is not None and task.task_id == self.detail.task_row.task_id:
            self.detail.update_task(task)
            return
        if self.is_wide:
            self._highlight_timer = self.set_timer(HIGHLIGHT_DELAY_SECONDS, lambda: self.detail.show_task(task))

    def on_task_chosen(self, message: TaskChosen) -> None:
        self.open_task(message.task)

    def open_task(self, task: TaskRow) -> None:
        """Show a task in the detail and move the focus there (full screen when narrow)."""
        if self._highlight_timer is not None:
            self._highlight_timer.stop()
            self._highlight_timer = None
        self.task_list.select_task_id(task.task_id)
        self.detail.show_task(task)
        self.add_class("-detail-open")
        self.call_after_refresh(self.detail.focus_active_pane)

    def open_hit(self, hit: SearchHit, terms: str) -> None:
        """Open a search hit's task on the tab that shows the hit, and reveal it."""
        self._open_hit(hit, terms)

    @work(exclusive=True, group="open-hit", exit_on_error=False, description="_open_hit")
    @reports_errors("Opening the search result")
    async def _open_hit(self, hit: SearchHit, terms: str) -> None:
        from shadow_tui.queries.tasks import fetch_task

        task = await fetch_task(self.app.engine, hit.task_id)  # type: ignore[attr-defined]
        self.open_task(task)
        # Chat marks the search's words apart. The output and diff views find one string,
        # so they get the text that matched, which "okapi bank" or "oka*" as typed is not.
        find_text = terms if hit.kind == "message" else (hit.first_match or terms)
        self.detail.open_item(hit.kind, hit.item_id, hit.line, find_text)

    # Actions ------------------------------------------------------------------------

    def action_search(self) -> None:
        from shadow_tui.tui.screens.search import SearchScreen, SearchState

        if self._search_state is None:
            self._search_state = SearchState()

        def chosen(result: tuple[SearchHit, str] | None) -> None:
            if result is not None:
                self.open_hit(*result)

        self.app.push_screen(SearchScreen(task_filter=self.task_list.task_filter, state=self._search_state), chosen)

    def action_show_tab(self, key: str) -> None:
        """Switch the detail tab; in the narrow layout, open the selected task there first."""
        if not self.is_wide and not self.has_class("-detail-open"):
            task = self.task_list.selected_task
            if task is None:
                return
            # Switch first, so only the chosen tab loads the task.
            self.detail.select_tab(key)
            self.open_task(task)
            return
        self.detail.action_show_tab(key)

    def action_toggle_status(self, status: str) -> None:
        self.query_bar.set_query(toggle_status(self.query_bar.value, status))

    def action_all_statuses(self) -> None:
        self.query_bar.set_query(clear_statuses(self.query_bar.value))

    def action_refresh(self) -> None:
        self.reload_all()
        self.notify("Refreshing.", timeout=1.5, markup=False)

    def action_focus_filter(self) -> None:
        self.remove_class("-detail-open")
        self.query_bar.input.focus()

    def action_back(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        focused = self.focused
        in_detail = focused is not None and self.detail in focused.ancestors_with_self
        if self.has_class("-detail-open") and (in_detail or not self.is_wide):
            self.remove_class("-detail-open")
            self.task_list.focus()
        elif in_detail:
            self.task_list.focus()
