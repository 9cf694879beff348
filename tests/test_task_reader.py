"""The task list's reader: pages read in a thread on SQLite match the async engine's, on both backends."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from factories import make_session, write_sessions
from shadow_tui.db.access import open_reader
from shadow_tui.db.engine import create_sqlite_thread_reader
from shadow_tui.demo import write_demo_database
from shadow_tui.queries.filter import parse_filter
from shadow_tui.queries.records import TaskPage
from shadow_tui.queries.task_reader import TaskReader
from shadow_tui.queries.tasks import TaskSort, count_tasks, fetch_task_page

DEMO_NOW = datetime(2025, 7, 1, 12, 0, tzinfo=timezone.utc)
# Indexed columns, the window of newest tasks, substrings, id prefixes, dates
# and free text, which chooses between two plans on SQLite.
QUERIES = (
    "",
    "status:error",
    "status:running,pending",
    "repo:payments-api",
    "branch:fix/",
    "since:30d",
    "until:2025-05-01",
    "id:a",
    "timeout",
    "timeout status:error",
    "migration until:2025-06-01",
    '"time zone"',
    "deadlock",
)


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("task-reader") / "demo.db"
    asyncio.run(write_demo_database(str(path), tasks=150, seed=7, now=DEMO_NOW))
    return path


async def _pages(read: TaskReader | AsyncEngine, query: str, sort: TaskSort) -> list[TaskPage]:
    """Read a filter's pages of 7 tasks by keyset, then one page by offset."""
    task_filter = parse_filter(query, now=DEMO_NOW)
    pages: list[TaskPage] = []
    cursor = None
    while True:
        if isinstance(read, TaskReader):
            page = await read.page(task_filter, limit=7, after=cursor, sort=sort)
        else:
            page = await fetch_task_page(read, task_filter, limit=7, after=cursor, sort=sort)
        pages.append(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    if isinstance(read, TaskReader):
        pages.append(await read.page(task_filter, limit=5, offset=3, sort=sort))
    else:
        pages.append(await fetch_task_page(read, task_filter, limit=5, offset=3, sort=sort))
    return pages


@pytest.mark.parametrize("sort", ["newest", "oldest"])
async def test_thread_pages_match_engine(demo_database: Path, sort: TaskSort) -> None:
    thread_engine = create_sqlite_thread_reader(demo_database)
    try:
        async with open_reader(str(demo_database)) as (_target, engine):
            reader = TaskReader(engine, thread_engine)
            for query in QUERIES:
                expected = await _pages(engine, query, sort)
                assert await _pages(reader, query, sort) == expected, query
                task_filter = parse_filter(query, now=DEMO_NOW)
                assert await reader.count(task_filter) == await count_tasks(engine, task_filter), query
    finally:
        thread_engine.dispose()


async def test_demo_queries_match_tasks(demo_database: Path) -> None:
    """The comparison above is only worth something when the filters match tasks."""
    async with open_reader(str(demo_database)) as (_target, engine):
        counts = {query: await count_tasks(engine, parse_filter(query, now=DEMO_NOW)) for query in QUERIES}
    assert counts[""] == 150
    matched = [query for query, count in counts.items() if 0 < count < 150]
    assert len(matched) >= len(QUERIES) - 3, counts


async def test_reader_pages_cover_every_task(database_url: str) -> None:
    sessions = [make_session(index, status="error" if index % 2 else "completed") for index in range(9)]
    await write_sessions(database_url, sessions)
    expected_counts = {"": 9, "status:error": 4, "hello": 9}
    async with open_reader(database_url) as (target, engine):
        thread_engine = create_sqlite_thread_reader(target.path) if target.path is not None else None
        reader = TaskReader(engine, thread_engine)
        try:
            for query, expected_count in expected_counts.items():
                pages = await _pages(reader, query, "newest")
                keyset_ids = [row.task_id for page in pages[:-1] for row in page.rows]
                assert await reader.count(parse_filter(query)) == expected_count, query
                assert len(keyset_ids) == expected_count, query
                assert len(set(keyset_ids)) == expected_count, query
                assert [row.task_id for row in pages[-1].rows] == keyset_ids[3:8], query
        finally:
            if thread_engine is not None:
                thread_engine.dispose()


def test_thread_reader_rejects_writes(demo_database: Path) -> None:
    thread_engine = create_sqlite_thread_reader(demo_database)
    try:
        with thread_engine.connect() as connection, pytest.raises(OperationalError, match="readonly|read-only|query_only"):
            connection.execute(text("DELETE FROM tasks"))
    finally:
        thread_engine.dispose()
    with thread_engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM tasks")) == 150
