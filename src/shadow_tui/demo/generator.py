"""Writing a deterministic demo database.

The same seed, task count and `now` always produce the same rows: every
value comes from `random.Random` generators seeded from `seed`, never from
the global generator, the clock or `uuid4`. Task number `i` has its own
generator, drawn in order from one seeded with `seed`, so a database of N
tasks contains the first N tasks of any larger one with the same seed and
`now`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shadow_tui.db.access import open_writer
from shadow_tui.db.models import Artifact, ChatMessage, FileEdit, Task, TaskCommand, User
from shadow_tui.db.writer import (
    ArtifactData, CommandData, EditData, MessageData, SessionData, TaskData, ensure_user, insert_rows,
    write_session,
)
from shadow_tui.demo.sessions import DemoPerson, build_people, build_session

logger = logging.getLogger(__name__)

BATCH_TASKS = 200
"""Tasks written per transaction. Only the rows of this batch and of the next one are in memory."""

# SQLite page cache of the writing connection, in KiB (the default since SQLite 3.12 is
# 2,000 KiB). Random ids insert into random pages of each primary-key index,
# so a larger cache saves re-reading those pages once the tables grow.
SQLITE_CACHE_KIB = 65_536

_TASK_COLUMNS = tuple(item.name for item in fields(TaskData) if item.name != "user")
_CHILD_TABLES: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("messages", ChatMessage.__table__, tuple(item.name for item in fields(MessageData))),
    ("commands", TaskCommand.__table__, tuple(item.name for item in fields(CommandData))),
    ("edits", FileEdit.__table__, tuple(item.name for item in fields(EditData))),
    ("artifacts", Artifact.__table__, tuple(item.name for item in fields(ArtifactData))),
)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """Rows that writing the demo database inserted, per table."""

    users: int
    tasks: int
    chat_messages: int
    task_commands: int
    file_edits: int
    artifacts: int

    def rows(self) -> dict[str, int]:
        """Return the counts keyed by table name."""
        return {item.name: getattr(self, item.name) for item in fields(self)}

    @property
    def total(self) -> int:
        return sum(self.rows().values())


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


async def _count(engine: AsyncEngine, table: Any) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


async def _write_people(engine: AsyncEngine, people: Sequence[DemoPerson]) -> int:
    """Insert the demo users that are missing and return how many were inserted."""
    users: Table = User.__table__  # type: ignore[assignment]
    async with engine.begin() as connection:
        before = int(await connection.scalar(select(func.count()).select_from(users)) or 0)
        if before == 0:
            rows = [{item.name: getattr(person.user, item.name) for item in fields(person.user)}
                    | {"last_login_at": person.last_login_at} for person in people]
            await insert_rows(connection, users, rows)
            return len(rows)
        for person in people:
            await ensure_user(connection, person.user)
        after = int(await connection.scalar(select(func.count()).select_from(users)) or 0)
    return after - before


async def _insert_sessions(
    connection: AsyncConnection, sessions: Sequence[SessionData], counts: Counter[str]
) -> None:
    """Insert whole sessions into tables known to contain none of their ids."""
    task_rows = []
    for session in sessions:
        row = {name: getattr(session.task, name) for name in _TASK_COLUMNS}
        row["user_id"] = session.task.user.user_id
        task_rows.append(row)
    await insert_rows(connection, Task.__table__, task_rows)  # type: ignore[arg-type]
    counts["tasks"] += len(task_rows)

    for attribute, table, columns in _CHILD_TABLES:
        rows: list[dict[str, Any]] = []
        for session in sessions:
            task_id = session.task.task_id
            for item in getattr(session, attribute):
                row = {name: getattr(item, name) for name in columns}
                row["task_id"] = task_id
                rows.append(row)
        await insert_rows(connection, table, rows)
        counts[table.name] += len(rows)


async def _write_batch(engine: AsyncEngine, sessions: Sequence[SessionData], is_empty: bool,
                       counts: Counter[str]) -> None:
    """Write one batch of sessions in one transaction."""
    async with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            await connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        if is_empty:
            await _insert_sessions(connection, sessions, counts)
            return
        for session in sessions:
            outcome = await write_session(connection, session)
            counts.update(outcome.rows)


def _build_batch(master: random.Random, start: int, stop: int, people: Sequence[DemoPerson],
                 now: datetime, source_ref: str) -> list[SessionData]:
    """Build tasks `start` to `stop - 1`.

    Call it for consecutive ranges only, because every task draws its seed from `master`.
    """
    return [
        build_session(random.Random(master.getrandbits(64)), index, people, now, source_ref)
        for index in range(start, stop)
    ]


async def write_demo_database(
    db: str,
    *,
    tasks: int = 200,
    seed: int = 0,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Write `tasks` demo sessions into the database `db` (a path or URL).

    A new or task-less database gets plain batched inserts, one transaction
    per BATCH_TASKS tasks. A database that already has tasks gets each
    session through `write_session`, which skips rows whose ids exist, so
    writing the same seed twice adds nothing. `now` (default: the current
    time; a naive value is taken as UTC) ends the 90 days the tasks are
    spread over. `progress` is called with (tasks written, tasks) after
    each batch.
    """
    if tasks < 1:
        raise ValueError(f"invalid task count {tasks}: expected 1 or more")
    now = _as_utc(now if now is not None else datetime.now(timezone.utc))
    people = build_people(now)
    master = random.Random(seed)
    source_ref = f"seed={seed}"
    counts: Counter[str] = Counter()
    logger.info("Writing %d demo tasks (seed %d, now %s) to %s", tasks, seed, now.isoformat(), db)

    async with open_writer(db) as (target, engine):
        counts["users"] = await _write_people(engine, people)
        is_empty = await _count(engine, Task.__table__) == 0
        if not is_empty:
            logger.info("%s already has tasks, so sessions are written one by one, skipping existing rows",
                        target.display)

        def build(start: int) -> asyncio.Future[list[SessionData]]:
            stop = min(start + BATCH_TASKS, tasks)
            return asyncio.ensure_future(
                asyncio.to_thread(_build_batch, master, start, stop, people, now, source_ref)
            )

        # The next batch is built in a thread while SQLite, which releases the
        # GIL, writes the current one. Batches are built strictly in order, so
        # `master` is never used by two threads at once.
        next_batch = build(0)
        try:
            for start in range(0, tasks, BATCH_TASKS):
                sessions = await next_batch
                stop = min(start + BATCH_TASKS, tasks)
                if stop < tasks:
                    next_batch = build(stop)
                await _write_batch(engine, sessions, is_empty, counts)
                if progress is not None:
                    progress(stop, tasks)
        finally:
            # After a failed write, the batch being built is not needed. Its
            # thread runs to the end and its result is dropped.
            next_batch.cancel()

    summary = DemoSummary(
        users=counts["users"], tasks=counts["tasks"], chat_messages=counts["chat_messages"],
        task_commands=counts["task_commands"], file_edits=counts["file_edits"], artifacts=counts["artifacts"],
    )
    logger.info("Wrote the demo database %s: %s", db, summary.rows())
    return summary
