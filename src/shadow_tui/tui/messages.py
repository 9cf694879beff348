"""Messages that the browser's widgets post to each other."""

from __future__ import annotations

from textual.message import Message

from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.records import TaskRow
from shadow_tui.queries.search_records import SearchHit


class TaskHighlighted(Message):
    """The task list's cursor rests on a task (None when the list is empty)."""

    def __init__(self, task: TaskRow | None) -> None:
        super().__init__()
        self.task = task


class TaskChosen(Message):
    """Enter was pressed on a task in the list."""

    def __init__(self, task: TaskRow) -> None:
        super().__init__()
        self.task = task


class FilterApplied(Message):
    """The query bar contains a valid filter that the list should show."""

    def __init__(self, query: str, task_filter: TaskFilter) -> None:
        super().__init__()
        self.query = query
        self.task_filter = task_filter


class ListReloaded(Message):
    """The task list has fetched its count and first page for a new filter."""

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total


class SearchHitChosen(Message):
    """A global search result was chosen; the main screen opens it."""

    def __init__(self, hit: SearchHit, terms: str) -> None:
        super().__init__()
        self.hit = hit
        self.terms = terms


class FindRequested(Message):
    """The find bar's text changed or n/N was pressed."""

    def __init__(self, text: str, direction: str) -> None:
        super().__init__()
        self.text = text
        self.direction = direction
        """"first" for new text, "next" or "previous" for n and N."""


class FindFinished(Message):
    """A find that ran in a worker ended. Panes whose `find` returned None post it."""

    def __init__(self, text: str, found: bool | None) -> None:
        super().__init__()
        self.text = text
        self.found = found
        """Whether a match was marked, or None when the search was abandoned for a newer one."""


class FindClosed(Message):
    """The find bar was closed with Enter or Escape."""


class ErrorReported(Message):
    """A worker failed; the app shows the message (an error screen for database failures)."""

    def __init__(self, message: str, *, database: bool, severity: str = "error") -> None:
        super().__init__()
        self.message = message
        self.database = database
        """True when the database is missing, unreadable or unreachable, so retrying may help."""
        self.severity = severity


class ConnectionLost(Message):
    """A read failed because the connection to the database server broke or was refused."""

    def __init__(self, error: BaseException, action: str) -> None:
        super().__init__()
        self.error = error
        self.action = action
        """The work that failed, such as "Loading tasks"."""
