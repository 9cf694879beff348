"""Shared parts of the detail panes: loading a task's rows in a worker, and cell formats."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import events, work

from shadow_tui.heap import release_free_memory
from shadow_tui.queries.records import TaskRow
from shadow_tui.render.terminal import sanitize_inline
from shadow_tui.tui import clipboard
from shadow_tui.tui.panes.base import TaskPane
from shadow_tui.tui.widgets.line_source import scan_lines
from shadow_tui.tui.widgets.line_view import LineView
from shadow_tui.tui.widgets.task_columns import format_utc
from shadow_tui.tui.workers import report_error

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger(__name__)


T = TypeVar("T")


async def run_to_completion(call: Awaitable[T]) -> T:
    """Await a database call that cancelling the calling worker does not interrupt.

    With SQLAlchemy 2.1.9 and aiosqlite, a task cancelled inside a query can
    check its pooled connection in twice ("Double checkin attempted"), and a
    later query on that connection fails with "ValueError: Connection
    closed". So the call runs to its end in a task of its own. When the
    worker is cancelled, that task's result is dropped and its error logged.
    """
    task = asyncio.ensure_future(call)
    task.add_done_callback(_log_dropped_error)
    return await asyncio.shield(task)


def _log_dropped_error(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("A database call failed after its worker was cancelled", exc_info=task.exception())


def format_time(moment: datetime | None) -> str:
    """Return a time in UTC as "2025-09-24 19:22:20", or "-" when unknown."""
    return format_utc(moment, "%Y-%m-%d %H:%M:%S")


def format_clock(moment: datetime | None) -> str:
    """Return the time of day in UTC as "19:22:20", or "--:--:--" when unknown."""
    return format_utc(moment, "%H:%M:%S", unknown="--:--:--")


def format_size(characters: int) -> str:
    """Return a length in characters as "812 ch", "4.5k ch" or "12.0M ch"."""
    if characters < 1000:
        return f"{characters} ch"
    if characters < 1_000_000:
        return f"{characters / 1000:.1f}k ch"
    return f"{characters / 1_000_000:.1f}M ch"


def format_seconds(seconds: float | None) -> str:
    """Return a command duration as "0.42s", "12.3s" or "4m05s"; empty when unknown."""
    if seconds is None or seconds < 0:
        return ""
    if seconds < 10:
        return f"{seconds:.2f}s"
    if seconds < 60:
        return f"{seconds:.1f}s"
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def first_line(value: str | None) -> str:
    """Return the first non-blank line of a text, safe to print on one line."""
    for line in (value or "").split("\n"):
        if line.strip():
            return sanitize_inline(line).strip()
    return ""


def one_line(value: str | None) -> Text:
    """Return a one-line field as `Text`: escapes and controls visible, never markup."""
    return Text(sanitize_inline(value or ""), no_wrap=True, end="")


class DetailPane(TaskPane):
    """A task pane that loads its rows in an exclusive worker.

    Subclasses implement `fetch` (async, reads the database) and `apply`
    (UI thread, shows the rows). Results for a task that is no longer shown
    are dropped. A `reveal` that arrives before the rows is kept and run
    after `apply`.
    """

    LOAD_ACTION = "Loading the task"
    """Names the work in error messages, such as "Loading commands"."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._task_row: TaskRow | None = None
        self._engine: AsyncEngine | None = None
        self._loaded_task_id: str | None = None
        self._pending_reveal: tuple[str, int, str] | None = None
        self._last_focused_view: LineView | None = None
        """The pane's view that had the focus last, so the find bar searches it while its input has the focus."""
        self._find_target: LineView | None = None

    @property
    def engine(self) -> AsyncEngine:
        """The engine to read from: set on the pane, else the app's `engine`."""
        if self._engine is not None:
            return self._engine
        engine = getattr(self.app, "engine", None)
        if engine is None:
            raise RuntimeError(f"{type(self).__name__} needs an engine: set pane.engine or app.engine")
        return engine

    @engine.setter
    def engine(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @property
    def task_row(self) -> TaskRow | None:
        """The task shown, or None."""
        return self._task_row

    @property
    def follow(self) -> bool:
        """Whether the app's follow mode is on (keep the newest row in view on refresh)."""
        return bool(getattr(self.app, "follow", False))

    def show_task(self, task: TaskRow | None) -> None:
        self._task_row = task
        self._loaded_task_id = None
        self._pending_reveal = None
        if task is None:
            self.workers.cancel_group(self, "pane-load")
            self.clear()
            return
        self._load(task, keep=False)

    def refresh_task(self) -> None:
        if self._task_row is not None:
            self._load(self._task_row, keep=True)

    def reveal(self, item_id: str, line: int = 0, terms: str = "") -> None:
        if self._task_row is not None and self._loaded_task_id == self._task_row.task_id:
            self.reveal_item(item_id, line, terms)
        else:
            self._pending_reveal = (item_id, line, terms)

    @work(exclusive=True, group="pane-load", description="_load")
    async def _load(self, task: TaskRow, keep: bool) -> None:
        try:
            if keep and self._loaded_task_id == task.task_id:
                # A refresh of the rows on screen: read only what was added, if the pane can.
                added = await run_to_completion(self.fetch_added(task))
                if added is not None:
                    if self._is_shown(task):
                        self.apply_added(added)
                    return
            data = await run_to_completion(self.fetch(task))
            if not self._is_shown(task):
                logger.debug("Dropping rows of task %s, which is no longer shown", task.task_id)
                return
            self.apply(data, keep=keep)
            del data
            # The query's rows and records are garbage now, so their pages go back after the next frame.
            self.call_after_refresh(release_free_memory)
        except Exception as error:  # noqa: BLE001 - logged with its traceback and shown
            report_error(self, error, f"{self.LOAD_ACTION} of task {task.task_id}")
            return
        self._loaded_task_id = task.task_id
        if self._pending_reveal is not None:
            item_id, line, terms = self._pending_reveal
            self._pending_reveal = None
            self.reveal_item(item_id, line, terms)

    def _is_shown(self, task: TaskRow) -> bool:
        if self._task_row is None or self._task_row.task_id != task.task_id:
            logger.debug("Dropping rows of task %s, which is no longer shown", task.task_id)
            return False
        return True

    async def fetch(self, task: TaskRow) -> Any:
        """Read the task's rows; runs in the worker."""
        raise NotImplementedError(f"{type(self).__name__} must implement fetch()")

    async def fetch_added(self, task: TaskRow) -> Any | None:
        """Read the rows added after the ones shown; runs in the worker on a refresh.

        Returns None when the pane must read everything again with `fetch`:
        it cannot append, or rows changed before the last one shown. Panes
        that append override this and `apply_added`.
        """
        return None

    def apply_added(self, data: Any) -> None:
        """Append the rows that `fetch_added` returned, keeping the selection and scroll (follow moves to the end)."""
        raise NotImplementedError(f"{type(self).__name__} must implement apply_added() with fetch_added()")

    def apply(self, data: Any, *, keep: bool) -> None:
        """Show rows that `fetch` returned; `keep` preserves the selection and scroll."""
        raise NotImplementedError(f"{type(self).__name__} must implement apply()")

    def clear(self) -> None:
        """Show no task."""
        raise NotImplementedError(f"{type(self).__name__} must implement clear()")

    def reveal_item(self, item_id: str, line: int, terms: str) -> None:
        """Scroll to an item of the loaded task; panes without items ignore it."""

    def find_view(self) -> LineView | None:
        """Return the view that the find bar searches, or None when the pane has nothing to search."""
        return None

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, LineView):
            self._last_focused_view = event.widget

    def focused_view(self, *views: LineView) -> LineView:
        """Return the one of `views` that has the focus, else the one that had it last, else the last of them.

        The find bar's input takes the focus while the user types, so the
        view to search is the one focused before it.
        """
        for view in views:
            if view.has_focus:
                return view
        if self._last_focused_view in views:
            return self._last_focused_view
        return views[-1]

    def content_view(self) -> LineView | None:
        """Return the view of the text beside the pane's list, or None when the pane has no list."""
        return None

    def choose_find_view(self, text: str) -> None:
        """Search the content view instead of the focused list when no list row contains `text`.

        With the focus on the list of commands or files, a find is more likely
        meant for the output or diff, which the list rows only summarise. The list has one row per
        command or file, so checking it on the UI thread is cheap.
        """
        content = self.content_view()
        view = self.find_view()
        if content is None or view is None or view is content or not text:
            return
        if scan_lines(view.source, text, 0, backwards=False) is None:
            self._last_focused_view = content

    def find(self, text: str, forward: bool = True) -> bool | None:
        self.choose_find_view(text)
        view = self.find_view()
        self._find_target = view
        return view.find(text, forward) if view is not None else False

    def repeat_find_view(self) -> LineView | None:
        """Return the view that `n` and `N` search: the one the last find searched, else the focused one.

        Closing the find bar gives the focus back to the pane's list, so
        the focus alone would send `n` to the list after a find in the output.
        """
        if self._find_target is not None and self._find_target.search_term:
            return self._find_target
        return self.find_view()

    def find_next(self) -> bool | None:
        view = self.repeat_find_view()
        return view.find_next() if view is not None else False

    def find_previous(self) -> bool | None:
        view = self.repeat_find_view()
        return view.find_previous() if view is not None else False

    def copy_text(self, text: str, description: str) -> None:
        """Copy text with OSC 52 and notify the user, naming the copy by `description`."""
        clipboard.copy_text(self.app, text)
        self.notify(f"Copied {description} ({len(text):,} characters).", markup=False)
