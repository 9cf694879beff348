"""Pages of the task list, fetched on demand and kept in a small LRU cache.

The list never loads every task: it stores the total from `count_tasks` and
fetches the pages under the viewport. A page that follows a cached page is
fetched by keyset, which is fast at any depth. A jump, such as to the end,
is fetched by offset.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.records import TaskCursor, TaskRow

if TYPE_CHECKING:
    from shadow_tui.queries.task_reader import TaskReader

# Rows per page. A page of 50 covers the list of a terminal up to about 55
# lines high, and a taller list reads as many pages as it shows in its first
# read. A free-text filter on SQLite walks tasks until its page is full, so
# fewer rows per page make that read shorter (`queries.text_plan`).
PAGE_SIZE = 50
# At most this many pages stay in memory (PAGE_SIZE rows each).
MAX_CACHED_PAGES = 80


class PageCache:
    """Fetched pages by page number, least recently used dropped first."""

    def __init__(self, page_size: int = PAGE_SIZE, max_pages: int = MAX_CACHED_PAGES) -> None:
        self.page_size = page_size
        self.max_pages = max_pages
        self._pages: OrderedDict[int, list[TaskRow]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pages)

    def page_of(self, index: int) -> int:
        return index // self.page_size

    def has_page(self, page: int) -> bool:
        return page in self._pages

    def row(self, index: int) -> TaskRow | None:
        """Return the row at a list index, or None when its page is not loaded."""
        page = self.page_of(index)
        rows = self._pages.get(page)
        if rows is None:
            return None
        self._pages.move_to_end(page)
        offset = index - page * self.page_size
        return rows[offset] if offset < len(rows) else None

    def pages_for(self, row_count: int) -> int:
        """Return how many pages hold `row_count` rows, at least one."""
        return max(1, -(-row_count // self.page_size))

    def put_from_start(self, rows: list[TaskRow]) -> None:
        """Store the first rows of the list, a page at a time."""
        for start in range(0, len(rows), self.page_size):
            self.put(start // self.page_size, rows[start : start + self.page_size])

    def put(self, page: int, rows: list[TaskRow]) -> None:
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)

    def clear(self) -> None:
        self._pages.clear()

    def missing(self, first_index: int, last_index: int, total: int) -> list[int]:
        """Return the pages not loaded that cover list indexes first..last (inclusive)."""
        if total <= 0:
            return []
        first = self.page_of(max(0, first_index))
        last = self.page_of(min(total - 1, max(0, last_index)))
        return [page for page in range(first, last + 1) if page not in self._pages]

    def keyset_cursor(self, page: int) -> TaskCursor | None:
        """Return where `page` starts when the page before it is loaded and full."""
        previous = self._pages.get(page - 1)
        if not previous or len(previous) < self.page_size:
            return None
        last = previous[-1]
        if last.created_at is None:
            return None
        return TaskCursor(last.created_at, last.task_id)

    def find(self, task_id: str) -> int | None:
        """Return the list index of a loaded task, or None."""
        for page, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if row.task_id == task_id:
                    return page * self.page_size + offset
        return None


def page_runs(pages: list[int]) -> list[tuple[int, int]]:
    """Group page numbers into runs of consecutive pages, as (first, last) pairs in ascending order."""
    runs: list[tuple[int, int]] = []
    for page in sorted(set(pages)):
        if runs and page == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], page)
        else:
            runs.append((page, page))
    return runs


async def fetch_pages(
    reader: TaskReader,
    task_filter: TaskFilter,
    first: int,
    last: int,
    cache: PageCache,
    *,
    total: int,
    by_offset: bool = False,
) -> dict[int, list[TaskRow]]:
    """Fetch the consecutive pages first..last in one query, by keyset after the cached page before them, else by offset.

    The viewport often spans two pages, such as at the end of the list,
    and one query for both saves a round trip. Pages in the older half are
    read in reverse order, with the offset counted from the end. A database
    skips offset rows one by one, so the last page of 50,000 tasks then
    costs little more than the first. A page in the middle still pays for
    skipping half of the rows.
    """
    size = cache.page_size
    start = first * size
    count = min(total, (last + 1) * size) - start
    if count <= 0:
        return {page: [] for page in range(first, last + 1)}
    cursor = None if by_offset else cache.keyset_cursor(first)
    if cursor is not None:
        rows = (await reader.page(task_filter, limit=count, after=cursor)).rows
    elif start > total // 2:
        from_end = total - start - count
        result = await reader.page(task_filter, limit=count, offset=from_end, sort="oldest")
        rows = list(reversed(result.rows))
    else:
        rows = (await reader.page(task_filter, limit=count, offset=start)).rows
    return {page: rows[(page - first) * size:(page - first + 1) * size] for page in range(first, last + 1)}
