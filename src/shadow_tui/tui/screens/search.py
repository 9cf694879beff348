"""Global search: full-text results as you type, Enter opens the hit in its task."""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.search_records import SEARCH_KINDS, SearchHit, SearchKind
from shadow_tui.queries.search import search
from shadow_tui.queries.sqlite_searcher import SqliteSearcher
from shadow_tui.render.terminal import sanitize_inline
from shadow_tui.tui.widgets.hit_list import HitList
from shadow_tui.tui.widgets.ordered_input import OrderedInput
from shadow_tui.tui.widgets.task_columns import format_relative
from shadow_tui.tui.workers import reports_errors

logger = logging.getLogger(__name__)

# Typing pauses this long before a search starts.
SEARCH_DELAY_SECONDS = 0.15
RESULT_LIMIT = 100
# "Searching…" appears only when a search takes longer than this, because
# drawing it costs a frame while the search runs, and most searches of the
# benchmark's large database (50,000 tasks, `benchmarks/run.py --only
# search_app`) show their results sooner.
SEARCHING_NOTICE_DELAY_SECONDS = 0.2
KIND_STYLES = {"message": "cyan", "command": "yellow", "output": "green", "diff": "magenta"}


def hit_text(hit: SearchHit, now: datetime) -> Text:
    """Render a hit as two lines: kind, task and time, then the snippet with its matches marked."""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(f"{hit.kind:<7}", style=f"bold {KIND_STYLES.get(hit.kind, '')}".strip())
    text.append(" ")
    text.append(hit.task_id[:8], style="dim")
    text.append(" ")
    text.append(f"{format_relative(hit.created_at, now):>8}", style="dim")
    if hit.task_title:
        text.append("  ")
        text.append(sanitize_inline(hit.task_title), style="italic")
    text.append("\n  ")
    text.append_text(snippet_text(hit))
    return text


def snippet_text(hit: SearchHit) -> Text:
    """Return the snippet as text with each match span highlighted.

    The snippet is one line already. Control characters are made visible,
    which keeps every character in place, so the offsets still apply.
    """
    safe = sanitize_inline(hit.snippet)
    if len(safe) != len(hit.snippet):
        # Escape sequences were removed, so the offsets no longer line up; show the text unmarked.
        return Text(safe, no_wrap=True, overflow="ellipsis", end="")
    snippet = Text(safe, no_wrap=True, overflow="ellipsis", end="")
    for start, end in hit.offsets:
        if 0 <= start < end <= len(safe):
            snippet.stylize("bold reverse", start, end)
    return snippet


@dataclass
class SearchState:
    """The query, kind and scope of a search screen, so that the next one opens with them."""

    query: str = ""
    kind: SearchKind | None = None
    within_filter: bool = False


class SearchInput(OrderedInput):
    """The search text. Up, down, page down and page up move through the results."""

    BINDINGS = [
        Binding("down", "screen.move(1)", "Next result", show=False, id="search.next"),
        Binding("up", "screen.move(-1)", "Previous result", show=False, id="search.previous"),
        Binding("pagedown", "screen.move_page(1)", "Results page down", show=False, id="search.page_down"),
        Binding("pageup", "screen.move_page(-1)", "Results page up", show=False, id="search.page_up"),
    ]


class SearchScreen(Screen[tuple[SearchHit, str] | None]):
    """Searches messages, commands, outputs and diffs of every task."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="search.close"),
        Binding("ctrl+o", "next_kind", "Kind", id="search.kind"),
        Binding("ctrl+t", "toggle_scope", "Within filter", id="search.scope"),
    ]

    DEFAULT_CSS = """
    SearchScreen { background: $surface; }
    SearchScreen > Vertical { height: 1fr; }
    SearchScreen .search-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    SearchScreen SearchInput, SearchScreen SearchInput:focus { border: none; height: 1; padding: 0 1; background: $boost; }
    SearchScreen .search-status { height: 1; padding: 0 1; color: $text-muted; }
    SearchScreen HitList { height: 1fr; border: none; padding: 0; }
    """

    def __init__(
        self, *, task_filter: TaskFilter | None = None, query: str = "", state: SearchState | None = None
    ) -> None:
        """Open with `query`, or with the query, kind and scope of `state`, which the screen keeps up to date."""
        super().__init__()
        self.list_filter = task_filter if task_filter is not None and not task_filter.is_empty() else None
        self._state = state
        self.within_filter = state is not None and state.within_filter and self.list_filter is not None
        self.kind: SearchKind | None = state.kind if state is not None else None
        self._initial = query or (state.query if state is not None else "")
        self._timer: Timer | None = None
        self._searching_notice: Timer | None = None
        self._generation = 0
        self._running: int | None = None
        """The generation of the search that runs now, if any."""
        self._open_when_shown = False
        """True when Enter came before the current text's results, so the first hit opens when they arrive."""
        self.hits: list[SearchHit] = []
        self._searcher: SqliteSearcher | None = None
        self.searched = ""
        """The text of the results on screen."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title(), classes="search-title", id="search-title")
            yield SearchInput(value=self._initial, placeholder="words, \"a phrase\", prefix*", id="search-input")
            yield Static(Text(f"Type to search {self._kinds_text()}."), classes="search-status", id="search-status")
            yield HitList(id="search-results")
        yield Footer()

    def on_mount(self) -> None:
        target = self.app.target  # type: ignore[attr-defined]
        if target is not None and target.path is not None:
            self._searcher = SqliteSearcher(target.path)
        self.query_one(SearchInput).focus()
        if self._initial:
            self._schedule()

    def on_unmount(self) -> None:
        if self._searcher is not None:
            # Closing waits for a search that still runs, so it happens off the UI thread.
            threading.Thread(target=self._searcher.close, name="close-search-connection").start()

    def _kinds_text(self) -> str:
        return f"{self.kind}s" if self.kind else "messages, commands, outputs and diffs"

    def _title(self) -> Text:
        scope = "tasks matching the list filter" if self.within_filter else "all tasks"
        return Text(f"Search {self._kinds_text()} in {scope}")

    def _set_status(self, message: str) -> None:
        # The status line is one row high and as wide as the screen (CSS above), so
        # new text never changes its size, and a layout would measure the whole screen.
        self.query_one("#search-status", Static).update(Text(message), layout=False)

    # Searching ---------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._state is not None:
            self._state.query = event.value
        self._schedule()

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._stop_searching_notice()
        self._generation += 1
        self._open_when_shown = False
        self._timer = self.set_timer(SEARCH_DELAY_SECONDS, self._start_search)

    def _start_search(self) -> None:
        self._timer = None
        self._stop_searching_notice()
        query = self.query_one(SearchInput).value
        if not query.strip():
            self._open_when_shown = False
            self._show([], query)
            self._set_status(f"Type to search {self._kinds_text()}.")
            return
        self._searching_notice = self.set_timer(SEARCHING_NOTICE_DELAY_SECONDS, self._show_searching_notice)
        # Repaints wait for the results (`tui.repaint_hold`), so that a repaint of the
        # input cannot take the next frame and leave the results for a later tick.
        self.app.repaint_hold.start()  # type: ignore[attr-defined]
        kinds = (self.kind,) if self.kind else SEARCH_KINDS
        scope = self.list_filter if self.within_filter else None
        self._running = self._generation
        self._run_search(self._generation, query, kinds, scope)

    @work(exclusive=True, group="search", exit_on_error=False, description="_run_search")
    @reports_errors("Searching")
    async def _run_search(
        self, generation: int, query: str, kinds: tuple[SearchKind, ...], scope: TaskFilter | None
    ) -> None:
        try:
            try:
                hits = await self._search(query, kinds, scope)
            finally:
                if generation == self._generation:
                    self._stop_searching_notice()
            if generation != self._generation:
                logger.debug("Dropping stale results for %r", query)
                return
            self._show(hits, query)
            if hits:
                more = f" (the best {RESULT_LIMIT})" if len(hits) >= RESULT_LIMIT else ""
                count = "1 result" if len(hits) == 1 else f"{len(hits)} results"
                self._set_status(f"{count}{more}. Enter opens, ↑↓ move, Esc closes.")
            else:
                self._set_status(f"No match for {query!r}.")
            if self._open_when_shown:
                self._open_when_shown = False
                self._choose(self.query_one(HitList).highlighted)
        finally:
            # A newer search keeps the hold until its own results are shown.
            if generation == self._generation:
                self._running = None
                self.app.repaint_hold.release()  # type: ignore[attr-defined]

    async def _search(self, query: str, kinds: tuple[SearchKind, ...], scope: TaskFilter | None) -> list[SearchHit]:
        """Search a SQLite file through sqlite3 in one thread, else through the engine.

        The engine hands each statement to its driver's thread and resumes
        on the event loop, which also draws the frames, so every one of a
        search's statements can wait for a frame. `search_sqlite` returns
        the same hits as `search` (tests/test_search_sqlite.py). Searches
        within the list's filter, on PostgreSQL, or on a file that
        `open_current_sqlite` cannot vouch for go through the engine.
        """
        if scope is None and self._searcher is not None:
            hits = await asyncio.to_thread(self._searcher.search, query, kinds=kinds, limit=RESULT_LIMIT)
            if hits is not None:
                return hits
        return await search(self.app.engine, query, kinds=kinds, task_filter=scope, limit=RESULT_LIMIT)  # type: ignore[attr-defined]

    def _show_searching_notice(self) -> None:
        self._searching_notice = None
        self._set_status("Searching…")

    def _stop_searching_notice(self) -> None:
        if self._searching_notice is not None:
            self._searching_notice.stop()
            self._searching_notice = None

    def _show(self, hits: list[SearchHit], query: str) -> None:
        """Show the hits. The list builds the text of a hit when the hit scrolls into view."""
        self.hits = hits
        self.searched = query
        clock = getattr(self.app, "clock", None)
        now = clock() if callable(clock) else datetime.now(timezone.utc)
        self.query_one(HitList).set_rows(len(hits), lambda index: hit_text(hits[index], now))

    # Keys ------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        results = self.query_one(HitList)
        current = results.highlighted if results.highlighted is not None else -step
        results.move_highlight(current + step)

    def action_move_page(self, direction: int) -> None:
        results = self.query_one(HitList)
        if direction > 0:
            results.action_page_down()
        else:
            results.action_page_up()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            # Enter before the delay ran out: search now, and open the best hit once it is shown.
            self._timer.stop()
            self._start_search()
            self._open_when_shown = self._running is not None
            return
        if self._running is not None:
            # The results on screen are for an older text: wait for the current one's.
            self._open_when_shown = True
            return
        self._choose(self.query_one(HitList).highlighted)

    def on_hit_list_selected(self, event: HitList.Selected) -> None:
        event.stop()
        self._choose(event.index)

    def _choose(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self.hits):
            return
        self.dismiss((self.hits[index], self.searched))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_next_kind(self) -> None:
        order: list[SearchKind | None] = [None, *SEARCH_KINDS]
        self.kind = order[(order.index(self.kind) + 1) % len(order)]
        if self._state is not None:
            self._state.kind = self.kind
        self.query_one("#search-title", Static).update(self._title())
        self._schedule()

    def action_toggle_scope(self) -> None:
        if self.list_filter is None:
            self.notify("The list has no filter to search within.", markup=False)
            return
        self.within_filter = not self.within_filter
        if self._state is not None:
            self._state.within_filter = self.within_filter
        self.query_one("#search-title", Static).update(self._title())
        self._schedule()

    def on_key(self, event: events.Key) -> None:
        # Printable keys typed while the results have focus go to the search text.
        search_input = self.query_one(SearchInput)
        if event.is_printable and not search_input.has_focus and event.character:
            search_input.focus()
            search_input.insert_text_at_cursor(event.character)
            event.stop()
