"""The query bar: the filter as typed, with completion and a line for syntax errors.

Enter applies the filter. An invalid filter shows the parser's message
under the bar, and the list keeps showing the last valid result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Static

from shadow_tui.errors import QuerySyntaxError
from shadow_tui.queries.filter import FIELDS, parse_filter
from shadow_tui.render.terminal import sanitize_inline
from shadow_tui.tui.messages import FilterApplied
from shadow_tui.tui.widgets.ordered_input import OrderedInput
from shadow_tui.tui.widgets.task_columns import STATUS_NAMES, short_repo

_STATUS_TOKEN = re.compile(r"(?<!\S)status:(?:\"[^\"]*\"|'[^']*'|\S*)", re.IGNORECASE)


def _quoted(value: str) -> str:
    return f'"{value}"' if re.search(r"\s", value) else value


def complete_query(value: str, known: dict[str, list[str]]) -> str | None:
    """Return `value` with its last word completed: a field name, or a known value of a field."""
    if not value or value[-1].isspace():
        return None
    split_at = max(value.rfind(" "), value.rfind("\t")) + 1
    head, token = value[:split_at], value[split_at:]
    name, separator, typed = token.partition(":")
    if not separator:
        lowered = name.lower()
        for field in FIELDS:
            if field.startswith(lowered) and field != lowered:
                return f"{head}{field}:"
        return None
    candidates = known.get(name.lower(), [])
    done, comma, part = typed.rpartition(",")
    prefix = part.lstrip("\"'").lower()
    for candidate in candidates:
        if candidate.lower().startswith(prefix) and len(candidate) > len(prefix):
            return f"{head}{name}:{done}{comma}{_quoted(candidate)}"
    return None


def toggle_status(query: str, status: str) -> str:
    """Return the query with `status` added to or removed from its `status:` part.

    The rest of the query stays as typed. The status part moves to the front.
    """
    try:
        current = list(parse_filter(query).statuses)
    except QuerySyntaxError:
        current = []
        for token in _STATUS_TOKEN.findall(query):
            current += [item.strip("\"' ").lower() for item in token.partition(":")[2].split(",")]
        current = [item for item in current if item]
    if status in current:
        current = [item for item in current if item != status]
    else:
        current.append(status)
    rest = _STATUS_TOKEN.sub("", query)
    rest = " ".join(rest.split())
    if not current:
        return rest
    part = "status:" + ",".join(dict.fromkeys(current))
    return f"{part} {rest}".strip()


def clear_statuses(query: str) -> str:
    """Return the query without its `status:` part."""
    return " ".join(_STATUS_TOKEN.sub("", query).split())


class QuerySuggester(Suggester):
    """Completes field names, statuses, and known repos, models, branches and users."""

    def __init__(self) -> None:
        # Case is handled here, so completions keep the stored spelling.
        super().__init__(use_cache=False, case_sensitive=True)
        self.known: dict[str, list[str]] = {"status": list(STATUS_NAMES)}

    def set_values(self, field: str, values: Iterable[str]) -> None:
        """Set the known values of a field, sanitized for the input line, with repos as owner/name."""
        if field == "repo":
            items = [short_repo(item) for item in values if item]
        else:
            items = [sanitize_inline(item) for item in values]
        self.known[field] = list(dict.fromkeys(items))

    async def get_suggestion(self, value: str) -> str | None:
        return complete_query(value, self.known)


class QueryInput(OrderedInput):
    """The filter input; Tab takes the completion shown in grey."""

    BINDINGS = [
        Binding("tab", "complete", "Complete", show=False, id="query.complete"),
        Binding("escape", "leave", "Back to list", show=False, id="query.leave"),
        Binding("enter", "submit", "Apply the filter", show=False, id="query.apply"),
        Binding("ctrl+w", "delete_left_word", "Delete the term left of the cursor", show=False, id="query.delete_term"),
        Binding("ctrl+u", "delete_left_all", "Delete to the start", show=False, id="query.delete_to_start"),
    ]

    def action_complete(self) -> None:
        if self._suggestion and self._suggestion != self.value:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
            return
        bar = self.query_ancestor(QueryBar)
        if bar.is_edited:
            # Leaving now would let the next letters run list commands while the edit waits.
            self.notify("Enter applies the filter, Esc puts back the one applied.", timeout=3, markup=False)
            return
        self.screen.focus_next()

    def action_leave(self) -> None:
        """Put back the applied filter if the text was edited, and move the focus on."""
        bar = self.query_ancestor(QueryBar)
        if bar.is_edited:
            bar.set_query(bar.applied_query, apply=False)
            bar.show_error(None)
        self.screen.focus_next()

    def action_delete_left_word(self) -> None:
        """Delete the filter term left of the cursor, such as `repo:billing`, as a shell's ctrl+w does.

        Textual's Input stops at punctuation, so it would leave `repo:` behind.
        """
        if not self.selection.is_empty:
            self.delete_selection()
            return
        before = self.value[: self.cursor_position]
        start = len(before.rstrip())
        while start > 0 and not before[start - 1].isspace():
            start -= 1
        self.delete(start, self.cursor_position)


class QueryBar(Vertical):
    """The filter input and its error line."""

    DEFAULT_CSS = """
    QueryBar { height: auto; }
    QueryBar > Horizontal { height: 1; }
    QueryBar .query-label { width: auto; padding: 0 1; color: $text-accent; text-style: bold; }
    QueryBar QueryInput { border: none; height: 1; padding: 0; background: $surface; width: 1fr; }
    QueryBar QueryInput:focus { border: none; background: $boost; }
    QueryBar .query-error { color: $text-error; padding: 0 1; height: auto; display: none; }
    QueryBar.-invalid .query-error { display: block; }
    QueryBar.-warning .query-error { display: block; color: $text-warning; }
    """

    def __init__(self, query: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.suggester = QuerySuggester()
        self._initial = query
        self.applied_query = ""
        """The last query that parsed and was applied."""
        self._set_value: str | None = None
        """Text that `set_query` put in the input, until its Changed event arrives."""
        self.statuses_present: set[str] | None = None
        """The statuses that tasks in the database have, once loaded; a filter on another one gets a warning."""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("filter", classes="query-label")
            yield QueryInput(
                value=self._initial,
                placeholder="status:error repo:NAME since:7d words…  (Enter applies, Tab completes)",
                suggester=self.suggester,
                id="query-input",
            )
        yield Static("", classes="query-error", id="query-error")

    @property
    def input(self) -> QueryInput:
        return self.query_one(QueryInput)

    @property
    def value(self) -> str:
        return self.input.value

    @property
    def is_edited(self) -> bool:
        """Whether the text differs from the applied filter, so the list does not match the bar's text."""
        return self.input.value.strip() != self.applied_query

    def set_query(self, query: str, *, apply: bool = True) -> None:
        """Replace the text, and apply it unless `apply` is False."""
        # The Changed event of this assignment arrives after `apply` and must not hide its error.
        self._set_value = query
        self.input.value = query
        self.input.cursor_position = len(query)
        if apply:
            self.apply()

    def apply(self) -> bool:
        """Parse the text; post FilterApplied when valid, else show the error and return False."""
        query = self.input.value.strip()
        clock = getattr(self.app, "clock", None)
        try:
            task_filter = parse_filter(query, now=clock() if callable(clock) else None)
        except QuerySyntaxError as error:
            self.show_error(str(error))
            return False
        self.show_error(None)
        self._warn_unknown_statuses(task_filter.statuses)
        self.applied_query = query
        # The task list releases the hold once the filter's first page is set (see `tui.repaint_hold`).
        self.app.repaint_hold.start()  # type: ignore[attr-defined]
        self.post_message(FilterApplied(query, task_filter))
        return True

    def set_statuses(self, statuses: Iterable[str]) -> None:
        """Record the statuses in the database, and offer them as completions after the usual four."""
        present = [status for status in statuses if status]
        self.statuses_present = {status.lower() for status in present}
        self.suggester.set_values("status", [*STATUS_NAMES, *present])

    def _warn_unknown_statuses(self, statuses: Iterable[str]) -> None:
        """Show a warning under the bar for a status that no task has; the filter applies anyway."""
        if self.statuses_present is None:
            return
        unknown = [status for status in statuses if status.lower() not in self.statuses_present]
        if not unknown:
            return
        names = ", ".join(repr(status) for status in unknown)
        present = ", ".join(sorted(self.statuses_present)) or "none"
        self.query_one("#query-error", Static).update(
            Text(f"no task has status {names}; the statuses in this database are: {present}")
        )
        self.add_class("-warning")

    def show_error(self, message: str | None) -> None:
        if message is None and not (self.has_class("-invalid") or self.has_class("-warning")):
            # No error is shown, and updating the hidden line would lay out the screen again.
            return
        error_line = self.query_one("#query-error", Static)
        error_line.update(Text(message or ""))
        self.remove_class("-warning")
        self.set_class(message is not None, "-invalid")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.apply():
            self.screen.focus_next()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._set_value is not None and event.value == self._set_value:
            self._set_value = None
            return
        self._set_value = None
        if self.has_class("-invalid") or self.has_class("-warning"):
            self.show_error(None)


__all__ = ["QueryBar", "QuerySuggester", "clear_statuses", "complete_query", "toggle_status"]
