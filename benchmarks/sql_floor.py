"""The SQL floor of the filter measure: the query layer's own SQL, run through sqlite3.

The list's reload runs `count_tasks` and the first page of
`fetch_task_page`. This module runs both through the product's engine
once per filter and captures the SQL and parameters that SQLAlchemy sends
to the driver (a `before_cursor_execute` listener). It then times those
statements with the standard library's sqlite3 module, which has no
asyncio, thread or ORM layer in between.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import event

from shadow_tui.db.engine import create_engine_for, resolve_database
from shadow_tui.queries.filter import parse_filter
from shadow_tui.queries.tasks import count_tasks, fetch_task_page

from benchmarks.heavy_task import demo_now

PAGE_SIZE = 100
"""Rows of the list's first page, as the task list fetches them."""

Statement = tuple[str, tuple[Any, ...]]


async def _capture(database: Path, queries: list[str]) -> dict[str, list[Statement]]:
    engine = create_engine_for(resolve_database(str(database)), write=False)
    captured: list[Statement] = []

    def record(_connection: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
               _executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, tuple(parameters or ())))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    statements: dict[str, list[Statement]] = {}
    try:
        for query in queries:
            task_filter = parse_filter(query, now=demo_now())
            captured.clear()
            await count_tasks(engine, task_filter)
            await fetch_task_page(engine, task_filter, limit=PAGE_SIZE, offset=0)
            statements[query] = list(captured)
    finally:
        await engine.dispose()
    return statements


def capture_statements(database: Path, queries: list[str]) -> dict[str, list[Statement]]:
    """Return the SELECT statements that the list's reload sends for each filter."""
    return asyncio.run(_capture(database, queries))


def time_statements(database: Path, statements: dict[str, list[Statement]]) -> dict[str, float]:
    """Run each filter's statements once through sqlite3 and return the milliseconds per filter."""
    connection = sqlite3.connect(f"file:{quote(str(database.resolve()))}?mode=ro", uri=True)
    timings: dict[str, float] = {}
    try:
        for query, items in statements.items():
            started = time.perf_counter()
            for sql, parameters in items:
                connection.execute(sql, parameters).fetchall()
            timings[query] = (time.perf_counter() - started) * 1000
    finally:
        connection.close()
    return timings
