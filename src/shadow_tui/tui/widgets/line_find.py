"""Find and go-to-line in a `LineView`: the `Findable` methods and the / n N : keys.

Every search runs in a thread worker, because scanning a 20 MB output for a
word it lacks took 0.3 to 0.5 s on a shared 2-core VM. The `Findable` methods that the app's
find bar calls report their result with a `FindFinished` message, and the
keys with a notification when nothing matches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from shadow_tui.tui.messages import FindFinished
from shadow_tui.tui.widgets.line_source import CancelCheck, LineSource, scan_lines
from shadow_tui.tui.widgets.prompt import PromptScreen

if TYPE_CHECKING:
    from textual.scroll_view import ScrollView as _Base
else:
    _Base = object


class LineFindMixin(_Base):
    """Find and go-to-line for `LineView`; the view supplies the attributes declared here."""

    _source: LineSource
    marked_line: int | None
    search_term: str
    find_prompt: bool

    if TYPE_CHECKING:

        @property
        def line_count(self) -> int: ...

        @property
        def top_line(self) -> int: ...

        def scroll_to_line(self, line: int, *, mark: bool = True, center: bool = True) -> None: ...

        def _clear_cache(self) -> None: ...

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without its own prompt the view lets / n N reach the app's find bar.
        if action in ("find", "find_next", "find_previous") and not self.find_prompt:
            return False
        return True

    def find(self, text: str, forward: bool = True) -> bool | None:
        """Start a search for the first line containing `text` from the top visible line.

        Matching ignores case and wraps around the end (or the start when
        searching backwards). The search runs in a thread worker, so this
        returns None for a non-empty `text` and the view posts `FindFinished`
        when it has marked the match or found none. An empty `text` returns False.
        """
        self.search_term = text
        self._clear_cache()
        self.refresh()
        if not text:
            return False
        start = self.top_line if self.marked_line is None else self.marked_line
        self._search_in_thread(self._source, text, start, forward, from_keys=False)
        return None

    def find_next(self) -> bool | None:
        """Start a search for the next line with the search term; False when there is no term."""
        if not self.search_term:
            return False
        start = (self.marked_line + 1) if self.marked_line is not None else self.top_line
        self._search_in_thread(self._source, self.search_term, start, True, from_keys=False)
        return None

    def find_previous(self) -> bool | None:
        """Start a search for the previous line with the search term; False when there is no term."""
        if not self.search_term:
            return False
        start = (self.marked_line - 1) if self.marked_line is not None else self.top_line
        self._search_in_thread(self._source, self.search_term, start, False, from_keys=False)
        return None

    @staticmethod
    def _locate(
        source: LineSource, term: str, start: int, forward: bool, cancelled: CancelCheck
    ) -> int | None:
        count = source.count()
        if count == 0 or not term:
            return None
        found = scan_lines(source, term, start, not forward, cancelled)
        if found is None and not cancelled():
            found = scan_lines(source, term, 0 if forward else count - 1, not forward, cancelled)
        return found

    @work(thread=True, exclusive=True, group="line-view-find", description="_search_in_thread")
    def _search_in_thread(self, source: LineSource, term: str, start: int, forward: bool, *, from_keys: bool) -> None:
        """Search `source` off the UI thread. Starting another search cancels this one at its next check."""
        worker = get_current_worker()
        found = self._locate(source, term, start, forward, lambda: worker.is_cancelled)
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._show_search_result, source, term, start, forward, found, from_keys)

    def _show_search_result(
        self, source: LineSource, term: str, start: int, forward: bool, found: int | None, from_keys: bool
    ) -> None:
        if term != self.search_term:
            # Another search or a new source replaced this one.
            if not from_keys:
                self.post_message(FindFinished(term, None))
            return
        if source is not self._source:
            # The lines changed while the search ran, so search the new ones.
            self._search_in_thread(self._source, term, start, forward, from_keys=from_keys)
            return
        if found is not None:
            self.scroll_to_line(found)
        if not from_keys:
            self.post_message(FindFinished(term, found is not None))
        elif found is None:
            self.notify(f"No match for {term!r}.", severity="warning", markup=False)

    def clear_find(self) -> None:
        """Remove the search highlight."""
        self.search_term = ""
        self._clear_cache()
        self.refresh()

    def action_find(self) -> None:
        def submitted(value: str | None) -> None:
            if value is None:
                return
            self.search_term = value
            self._clear_cache()
            self.refresh()
            if value:
                start = self.top_line if self.marked_line is None else self.marked_line
                self._search_in_thread(self._source, value, start, True, from_keys=True)

        self.app.push_screen(PromptScreen("Find:", value=self.search_term), submitted)

    def action_find_next(self) -> None:
        if not self.search_term:
            self.notify("No search yet: press / to find text.", markup=False)
            return
        start = (self.marked_line + 1) if self.marked_line is not None else self.top_line
        self._search_in_thread(self._source, self.search_term, start, True, from_keys=True)

    def action_find_previous(self) -> None:
        if not self.search_term:
            self.notify("No search yet: press / to find text.", markup=False)
            return
        start = (self.marked_line - 1) if self.marked_line is not None else self.top_line
        self._search_in_thread(self._source, self.search_term, start, False, from_keys=True)

    # Go to line

    def goto_line(self, number: int) -> None:
        """Scroll to a 1-based line number and mark it."""
        self.scroll_to_line(number - 1)

    def action_goto_line(self) -> None:
        def submitted(value: str | None) -> None:
            if not value:
                return
            try:
                number = int(value)
            except ValueError:
                self.notify(f"Invalid line number {value!r}: type digits only.", severity="error", markup=False)
                return
            self.goto_line(number)

        label = f"Go to line (1-{self.line_count:,}):"
        self.app.push_screen(PromptScreen(label, restrict=r"[0-9]*"), submitted)
