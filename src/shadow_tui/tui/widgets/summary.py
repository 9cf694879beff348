"""The summary line: how many tasks match, by status."""

from __future__ import annotations

from dataclasses import replace

from textual import work
from textual.content import Content
from textual.widgets import Static

from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.records import Facets
from shadow_tui.tui.widgets.task_columns import STATUS_NAMES
from shadow_tui.tui.workers import reports_errors

# Theme variables, so the colors follow the theme and stay readable under NO_COLOR.
STATUS_STYLES = {
    "completed": "$text-success",
    "error": "$text-error bold",
    "running": "$text-warning bold",
    "pending": "$text-primary",
}
OTHER_STATUS_STYLE = "$text-secondary"


def summary_text(facets: Facets | None, selected: tuple[str, ...], *, follow: bool = False, loading: bool = False) -> Content:
    """Render per-status counts; statuses in the filter are bracketed, the rest dimmed when some are selected.

    `facets` are counted without the filter's statuses, so every status shows
    how many tasks it would add.
    """
    if facets is None:
        return Content.styled("counting tasks…", "$text-muted")
    parts: list[str | tuple[str, str]] = []
    matching = sum(facets.by_status.get(status, 0) for status in selected) if selected else facets.total
    parts += [(f"{matching:,}", "bold"), " tasks" if matching != 1 else " task"]
    statuses = list(STATUS_NAMES) + sorted(set(facets.by_status) - set(STATUS_NAMES))
    for status in statuses:
        count = facets.by_status.get(status, 0)
        if not count and status not in selected:
            continue
        style = STATUS_STYLES.get(status, OTHER_STATUS_STYLE)
        if selected and status not in selected:
            style = "$text-muted"
        label = f"{status} {count:,}"
        parts += ["  ", (f"[{label}]" if status in selected else label, style)]
    if follow:
        parts += ["  ", ("following", "bold reverse")]
    if loading:
        parts += ["  ", ("loading…", "$text-muted italic")]
    return Content.assemble(*parts)


class Summary(Static):
    """Counts per status for the current filter, fetched in a worker."""

    DEFAULT_CSS = """
    Summary { height: 1; padding: 0 1; background: $panel; color: $text; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.facets: Facets | None = None
        self.selected: tuple[str, ...] = ()
        self.follow = False
        self.loading_tasks = True
        self._generation = 0
        self._filter: TaskFilter | None = None

    def on_mount(self) -> None:
        self._paint()

    def show_filter(self, task_filter: TaskFilter) -> None:
        """Mark the counts as loading for a new filter, which `refresh_counts` counts later.

        The screen calls `refresh_counts` once the list has loaded the
        filter's first page and count, so counting does not compete with the
        list for the database.
        """
        self._generation += 1
        self._filter = task_filter
        self.selected = task_filter.statuses
        self.loading_tasks = True
        self._paint()

    def refresh_counts(self) -> None:
        """Count tasks per status for the current filter, ignoring its own statuses.

        The numbers on screen stay until the new ones arrive.
        """
        self._generation += 1
        task_filter = self._filter if self._filter is not None else TaskFilter()
        self._load(self._generation, replace(task_filter, statuses=()))

    def set_follow(self, follow: bool) -> None:
        self.follow = follow
        self._paint()

    def set_loading(self, loading: bool) -> None:
        self.loading_tasks = loading
        self._paint()

    @work(exclusive=True, group="summary", exit_on_error=False, description="_load")
    @reports_errors("Counting tasks")
    async def _load(self, generation: int, task_filter: TaskFilter) -> None:
        # Imported here: the browser's first frame comes before SQLAlchemy is imported.
        from shadow_tui.queries.tasks import fetch_facets

        facets = await fetch_facets(self.app.engine, task_filter)  # type: ignore[attr-defined]
        if generation != self._generation:
            return
        self.facets = facets
        self._paint()

    def _paint(self) -> None:
        # The line is one cell high and as wide as the screen whatever its text,
        # so a new text needs no layout of the screen.
        self.update(summary_text(self.facets, self.selected, follow=self.follow, loading=self.loading_tasks), layout=False)
