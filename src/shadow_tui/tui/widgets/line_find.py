"""Find and go-to-line in a `LineView`: the `Findable` methods and the / n N : keys.

The keys search in a thread worker, because scanning a 50 MB output for a
rare word takes seconds. The `Findable` methods that the app's find bar
calls return a result, so they search on the calling thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.worker import get_current_worker

from shadow_tui.tui.widgets.line_source import LineSource, scan_lines
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

    def find(self, text: str, forward: bool = True) -> bool:
        """Mark the first line containing `text` from the top visible line; False when none.

        Matching ignores case and wraps around the end (or the start when
        searching backwards).
        """
        self.search_term = text
        self._clear_cache()
        self.refresh()
        if not text:
            return False
        start = self.top_line if self.marked_line is None else self.marked_line
        return self._search(start, forward)

    def find_next(self) -> bool:
        """Mark the next line that contains the search term; False when none."""
        if not self.search_term:
            return False
        start = (self.marked_line + 1) if self.marked_line is not None else self.top_line
        return self._search(start, True)

    def find_previous(self) -> bool:
        """Mark the previous line that contains the search term; False when none."""
        if not self.search_term:
            return False
        start = (self.marked_line - 1) if self.marked_line is not None else self.top_line
        return self._search(start, False)

    def _locate(self, term: str, start: int, forward: bool) -> int | None:
        count = self.line_count
        if count == 0 or not term:
            return None
        found = scan_lines(self._source, term, start, not forward)
        if found is None:
            found = scan_lines(self._source, term, 0 if forward else count - 1, not forward)
        return found

    def _search(self, start: int, forward: bool) -> bool:
        found = self._locate(self.search_term, start, forward)
        if found is None:
            return False
        self.scroll_to_line(found)
        return True

    @work(thread=True, exclusive=True, group="line-view-find")
    def _search_in_thread(self, start: int, forward: bool) -> None:
        """Search off the UI thread, for the keys: a 50 MB output takes seconds to scan."""
        term = self.search_term
        found = self._locate(term, start, forward)
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._show_search_result, term, found)

    def _show_search_result(self, term: str, found: int | None) -> None:
        if term != self.search_term:
            return
        if found is None:
            self.notify(f"No match for {term!r}.", severity="warning", markup=False)
        else:
            self.scroll_to_line(found)

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
                self._search_in_thread(start, True)

        self.app.push_screen(PromptScreen("Find:", value=self.search_term), submitted)

    def action_find_next(self) -> None:
        if not self.search_term:
            self.notify("No search yet: press / to find text.", markup=False)
            return
        start = (self.marked_line + 1) if self.marked_line is not None else self.top_line
        self._search_in_thread(start, True)

    def action_find_previous(self) -> None:
        if not self.search_term:
            self.notify("No search yet: press / to find text.", markup=False)
            return
        start = (self.marked_line - 1) if self.marked_line is not None else self.top_line
        self._search_in_thread(start, False)

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
