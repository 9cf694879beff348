"""The list's first page through `sqlite3` matches the SQLAlchemy query, and the browser shows it first."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from textual.pilot import Pilot

from factories import BOB, make_session, write_sessions
from shadow_tui.config import Config
from shadow_tui.db.access import open_reader
from shadow_tui.db.sqlite_reader import open_current_sqlite
from shadow_tui.db.writer import UserData
from shadow_tui.demo import write_demo_database
from shadow_tui.queries.filter import TaskFilter, parse_filter
from shadow_tui.queries.first_page_sqlite import FirstPage, count_all_tasks, read_first_page, read_first_page_file
from shadow_tui.queries.records import TaskRow
from shadow_tui.queries.tasks import count_tasks, fetch_task_page
from shadow_tui.tui.app import ShadowTuiApp, create_app

DEMO_NOW = datetime(2025, 7, 1, 12, 0, tzinfo=timezone.utc)
LIMITS = (1, 7, 100, 1000)


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("first-page") / "demo.db"
    asyncio.run(write_demo_database(str(path), tasks=150, seed=5, now=DEMO_NOW))
    return path


def _engine_page(database: Path, task_filter: TaskFilter, limit: int) -> tuple[list[TaskRow], int]:
    async def run() -> tuple[list[TaskRow], int]:
        async with open_reader(str(database)) as (_target, engine):
            page = await fetch_task_page(engine, task_filter, limit=limit)
            return page.rows, await count_tasks(engine, task_filter)

    return asyncio.run(run())


def _sqlite_page(database: Path, limit: int) -> tuple[list[TaskRow], int]:
    connection = open_current_sqlite(str(database))
    assert connection is not None
    try:
        return read_first_page(connection, limit), count_all_tasks(connection)
    finally:
        connection.close()


@pytest.mark.parametrize("limit", LIMITS)
def test_first_page_matches_engine(demo_database: Path, limit: int) -> None:
    expected_rows, expected_total = _engine_page(demo_database, TaskFilter(), limit)
    rows, total = _sqlite_page(demo_database, limit)
    assert [row.task_id for row in rows] == [row.task_id for row in expected_rows]
    assert rows == expected_rows
    assert total == expected_total


def test_first_page_ties_and_stored_formats(tmp_path: Path) -> None:
    path = tmp_path / "ties.db"
    nameless = UserData("u-nameless", email="nameless@example.com", username=None, display_name=None)
    sessions = [make_session(index, days_ago=1.0, user=(BOB if index % 2 else nameless)) for index in range(6)]
    sessions.append(make_session(7, status="running"))
    asyncio.run(write_sessions(str(path), sessions))
    # Timestamps that other tools write: epoch seconds, epoch milliseconds and zone-less or "Z" text.
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE tasks SET started_at = 1751371200 WHERE task_id = 'task0001'")
        connection.execute("UPDATE tasks SET completed_at = 1751371200123 WHERE task_id = 'task0002'")
        connection.execute("UPDATE tasks SET started_at = '2025-07-01T12:00:00Z' WHERE task_id = 'task0003'")
        connection.execute("UPDATE tasks SET cost_usd = 0.25, input_tokens = 1200 WHERE task_id = 'task0004'")
    expected_rows, expected_total = _engine_page(path, TaskFilter(), 100)
    rows, total = _sqlite_page(path, 100)
    assert [row.task_id for row in rows] == [row.task_id for row in expected_rows]
    assert rows == expected_rows
    assert total == expected_total
    users = {row.task_id: row.user for row in rows}
    assert users["task0000"] == "nameless@example.com"
    assert users["task0001"] == "Bob"


def test_first_page_file_reads_rows_and_total(demo_database: Path) -> None:
    expected_rows, expected_total = _engine_page(demo_database, TaskFilter(), 100)
    assert read_first_page_file(str(demo_database), 100) == FirstPage(expected_rows, expected_total)
    all_rows, _total = _engine_page(demo_database, TaskFilter(), 1000)
    assert read_first_page_file(str(demo_database), 1000) == FirstPage(all_rows, expected_total)


def test_first_page_file_declines_other_databases(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    asyncio.run(write_sessions(str(old), [make_session(1)]))
    with sqlite3.connect(old) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0'")
    assert read_first_page_file(str(old), 100) is None
    assert read_first_page_file(str(tmp_path / "missing.db"), 100) is None
    assert read_first_page_file("postgresql://nobody@127.0.0.1:9/none", 100) is None


def _shown_rows(database: Path, query: str | None) -> list[TaskRow]:
    app = create_app(str(database), query=query, config=Config(refresh_interval=0), now=DEMO_NOW)

    async def run() -> list[TaskRow]:
        async with app.run_test(size=(160, 45)) as pilot:
            await _wait_until_started(pilot, app)
            main = app.main_screen
            assert main is not None
            # The rows cached from the top, which cover at least the list's height.
            rows: list[TaskRow] = []
            while (row := main.task_list.cache.row(len(rows))) is not None:
                rows.append(row)
            assert len(rows) >= min(main.task_list.total, main.task_list.size.height - 1)
            return rows

    return asyncio.run(run())


async def _wait_until_started(pilot: Pilot[None], app: ShadowTuiApp) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while app.main_screen is None or not (app.main_screen.started and app.main_screen.task_list.loaded):
        assert loop.time() < deadline, "the list did not load within 30 s"
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()


@pytest.mark.parametrize("query", [None, "", "status:completed", "repo:api", "status:error since:30d"])
def test_app_first_page_matches_engine(demo_database: Path, query: str | None) -> None:
    task_filter = parse_filter(query or "", now=DEMO_NOW)
    expected_rows, _total = _engine_page(demo_database, task_filter, 100)
    assert expected_rows, f"the demo database has no task for {query!r}, so the comparison would prove nothing"
    shown_rows = _shown_rows(demo_database, query)
    assert shown_rows
    assert shown_rows == expected_rows[: len(shown_rows)]


FIRST_ROW_PROBE = """
import asyncio, sys
from datetime import datetime, timezone
from shadow_tui.config import Config
from shadow_tui.tui.app import create_app

async def main(database):
    app = create_app(database, config=Config(refresh_interval=0), now=datetime(2025, 7, 1, tzinfo=timezone.utc))
    async with app.run_test(size=(160, 45)) as pilot:
        while app.main_screen is None or app.main_screen.task_list.cache.row(0) is None:
            await pilot.pause(0.01)
        print("sqlalchemy" in sys.modules, app.main_screen.task_list.total, flush=True)
        while not app.main_screen.started:
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        print(app.main_screen.summary.facets.total, flush=True)

asyncio.run(main(sys.argv[1]))
"""


def test_first_row_without_sqlalchemy(demo_database: Path) -> None:
    before = demo_database.read_bytes()
    result = subprocess.run(
        [sys.executable, "-c", FIRST_ROW_PROBE, str(demo_database)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    first_row, counts = result.stdout.splitlines()
    assert first_row == "False 150"
    assert counts == "150"
    assert demo_database.read_bytes() == before
