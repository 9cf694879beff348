"""Free-text filters: the walk and the set plan return the same pages, and the share estimate."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from sqlalchemy.ext.asyncio import AsyncEngine

from factories import make_session, write_sessions
from shadow_tui.db.access import open_reader
from shadow_tui.db.writer import MessageData, SessionData
from shadow_tui.queries import text_plan
from shadow_tui.queries.conditions import filter_terms
from shadow_tui.queries.filter import parse_filter
from shadow_tui.queries.tasks import TaskSort, count_tasks, fetch_task_page

TASKS = 40
SPARSE_TASKS = len(range(0, TASKS, 3))
# Every task has "common" in a message, every third task "sparse", and only
# the newest task has the forty messages that contain "clustered".
QUERIES = [
    "common",
    "sparse",
    "clustered",
    "common sparse",
    '"sparse word"',
    "spar*",
    "absent",
    '"Task number 7"',
    "sparse status:error",
    "common until:2026-11-20",
    "悬空",
]


def _session(index: int) -> SessionData:
    words = "common" + (" sparse word" if index % 3 == 0 else "")
    if index == 0:
        words += " 步2重跑gen-itgc后50条悬空引用清零"
    session = make_session(index, message=words, status="error" if index % 2 else "completed")
    if index == 0:
        created = session.task.created_at
        extra = [
            MessageData(f"task0000-x{n}", "agent", f"clustered line {n}", created + timedelta(seconds=10 + n), 2 + n)
            for n in range(40)
        ]
        session = replace(session, messages=session.messages + extra)
    return session


@pytest.fixture
async def texts(database_url: str) -> str:
    await write_sessions(database_url, [_session(index) for index in range(TASKS)])
    return database_url


@pytest.fixture
async def sqlite_texts(tmp_path: Path) -> str:
    """The same tasks in a SQLite file: the share estimate and the plan choice exist on SQLite only."""
    database = str(tmp_path / "texts.db")
    await write_sessions(database, [_session(index) for index in range(TASKS)])
    return database


async def _all_pages(engine: AsyncEngine, query: str, sort: TaskSort) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        page = await fetch_task_page(engine, parse_filter(query), limit=4, after=cursor, sort=sort)
        seen += [row.task_id for row in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            return seen


@pytest.mark.parametrize("sort", ["newest", "oldest"])
async def test_text_plans_return_same_pages(texts: str, monkeypatch: pytest.MonkeyPatch, sort: TaskSort) -> None:
    results: dict[str, dict[str, list[str]]] = {}
    counts: dict[str, int] = {}
    async with open_reader(texts) as (_target, engine):
        for plan, share in (("walk", 0.0), ("set", 2.0)):
            monkeypatch.setattr(text_plan, "WALK_MIN_SHARE", share)
            results[plan] = {query: await _all_pages(engine, query, sort) for query in QUERIES}
        for query in QUERIES:
            counts[query] = await count_tasks(engine, parse_filter(query))
    for query in QUERIES:
        assert results["walk"][query] == results["set"][query], query
        assert len(results["walk"][query]) == counts[query], query
        assert len(set(results["walk"][query])) == counts[query], query


async def test_text_filter_counts(texts: str) -> None:
    async with open_reader(texts) as (_target, engine):
        counts = {query: await count_tasks(engine, parse_filter(query)) for query in QUERIES}
    assert counts["common"] == TASKS
    assert counts["sparse"] == SPARSE_TASKS
    assert counts["clustered"] == 1
    assert counts["absent"] == 0
    assert counts['"Task number 7"'] == 1
    assert counts["悬空"] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [("common", 1.0), ("sparse", SPARSE_TASKS / TASKS), ("clustered", 1 / TASKS), ("absent", 0.0)],
)
async def test_matching_task_share(sqlite_texts: str, query: str, expected: float) -> None:
    async with open_reader(sqlite_texts) as (_target, engine), engine.connect() as connection:
        share = await connection.run_sync(text_plan.matching_task_share, filter_terms(parse_filter(query)))
    assert share == pytest.approx(expected)


async def test_walk_chosen_for_frequent_word(sqlite_texts: str) -> None:
    async with open_reader(sqlite_texts) as (_target, engine), engine.connect() as connection:
        frequent = await connection.run_sync(text_plan.walk_pays_off, filter_terms(parse_filter("common")))
        clustered = await connection.run_sync(text_plan.walk_pays_off, filter_terms(parse_filter("clustered")))
    assert frequent
    assert not clustered
