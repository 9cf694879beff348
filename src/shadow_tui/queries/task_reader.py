"""Pages and counts of the task list, read in one hand-off per call on SQLite.

Through aiosqlite, every statement and every fetch of a read goes to
aiosqlite's thread and back to the event loop, and each read opens a new
connection because the reading engine has no pool. Each of these steps
waits while the event loop paints a frame. On a SQLite file, `TaskReader` runs
the same SQLAlchemy statements (`queries.tasks.read_task_page` and
`read_task_count`) on a synchronous `sqlite3` connection in a worker
thread, so a read costs one hand-off. On PostgreSQL, or when no file is
known, it awaits the async engine.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.records import TaskCursor, TaskPage
from shadow_tui.queries.tasks import TaskSort, count_tasks, fetch_task_page, read_task_count, read_task_page

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.ext.asyncio import AsyncEngine


class TaskReader:
    """Reads pages and counts of tasks, in a worker thread when a synchronous SQLite engine is given."""

    def __init__(self, engine: AsyncEngine, thread_engine: Engine | None = None) -> None:
        self.engine = engine
        self.thread_engine = thread_engine
        """A synchronous engine on the same SQLite file (`db.engine.create_sqlite_thread_reader`), or None."""

    async def page(
        self,
        task_filter: TaskFilter,
        *,
        limit: int = 100,
        after: TaskCursor | None = None,
        offset: int | None = None,
        sort: TaskSort = "newest",
    ) -> TaskPage:
        """Fetch one page of tasks with their counts (see `queries.tasks.read_task_page`)."""
        thread_engine = self.thread_engine
        if thread_engine is None:
            return await fetch_task_page(self.engine, task_filter, limit=limit, after=after, offset=offset, sort=sort)

        def read() -> TaskPage:
            with thread_engine.connect() as connection:
                return read_task_page(connection, task_filter, limit=limit, after=after, offset=offset, sort=sort)

        return await asyncio.to_thread(read)

    async def count(self, task_filter: TaskFilter) -> int:
        """Count the tasks that match a filter."""
        thread_engine = self.thread_engine
        if thread_engine is None:
            return await count_tasks(self.engine, task_filter)

        def read() -> int:
            with thread_engine.connect() as connection:
                return read_task_count(connection, task_filter)

        return await asyncio.to_thread(read)
