"""Broken and unusual shadow-tui databases.

`build_database` writes a real database through the project's writer.
The broken variants are made from it: pages overwritten with seeded random
bytes, a dropped table or column, another schema version. `write_odd_values`
adds rows that only raw SQL can write: unknown status values, NULL in every
nullable column, and timestamps in every form other tools store.

The mutations take a SQLite path or a PostgreSQL URL, so one definition
serves both backends.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from shadow_tui.db.access import open_writer
from shadow_tui.db.writer import (
    ArtifactData, CommandData, EditData, MessageData, SessionData, TaskData, UserData, write_session,
)

BASE_TIME: Final = datetime(2026, 2, 1, 9, 0, tzinfo=timezone.utc)
BASE_USER: Final = UserData("u-base", email="base@example.com", username="base", display_name="Base",
                            created_at=BASE_TIME)
BASE_TASKS: Final = 12

MUTATIONS: Final = {
    "missing-table": ("DROP TABLE artifacts",),
    "missing-column": ("ALTER TABLE tasks DROP COLUMN title",),
    "old-version": ("UPDATE alembic_version SET version_num = '0'",),
    "new-version": ("UPDATE alembic_version SET version_num = '9999'",),
}
"""SQL that turns a current database into each broken variant, on SQLite and PostgreSQL."""

FILE_PROBLEMS: Final = ("missing", "folder", "empty", "not-sqlite", "corrupt-pages", "corrupt-tasks")
"""Broken SQLite files that only exist as files (no PostgreSQL form)."""

UNKNOWN_STATUSES: Final = ("paused-by-operator", "", "COMPLETED", "\U0001f986 quacking",
                           "\x1b]0;owned-icon-title\x07weird\x9b31m")


@dataclass(frozen=True, slots=True)
class TimestampCase:
    """A created_at value as another tool stored it, and the UTC instant it means."""

    task_id: str
    stored: str | int | float
    expected: datetime


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)  # type: ignore[misc]


TIMESTAMP_CASES: Final = (
    TimestampCase("ts-offset", "2026-03-01T10:00:00+02:00", _utc(2026, 3, 1, 8, 0)),
    TimestampCase("ts-negative-offset", "2026-03-04T23:30:00-05:00", _utc(2026, 3, 5, 4, 30)),
    TimestampCase("ts-zulu", "2026-03-03T05:06:07.890Z", _utc(2026, 3, 3, 5, 6, 7, 890_000)),
    TimestampCase("ts-naive", "2026-03-02 10:00:00", _utc(2026, 3, 2, 10, 0)),
    TimestampCase("ts-stored-format", "2026-03-08 09:10:11.123456", _utc(2026, 3, 8, 9, 10, 11, 123_456)),
    TimestampCase("ts-epoch-seconds", 1_772_704_800, _utc(2026, 3, 5, 10, 0)),
    TimestampCase("ts-epoch-millis", 1_772_791_200_123, _utc(2026, 3, 6, 10, 0, 0, 123_000)),
    TimestampCase("ts-epoch-float", 1_772_877_600.5, _utc(2026, 3, 7, 10, 0, 0, 500_000)),
)


def _base_session(index: int) -> SessionData:
    created = BASE_TIME + timedelta(hours=index)
    task_id = f"base{index:03d}"
    return SessionData(
        task=TaskData(task_id=task_id, user=BASE_USER, created_at=created, status="completed",
                      repo_url="https://github.com/acme/api", branch="main", model_name="model-a",
                      started_at=created, completed_at=created + timedelta(minutes=3), title=f"Base task {index}"),
        messages=[MessageData(f"{task_id}-m0", "user", f"prompt {index}", created, 0),
                  MessageData(f"{task_id}-m1", "agent", f"answer {index}", created + timedelta(seconds=1), 1)],
        commands=[CommandData(f"{task_id}-c0", "make test", f"ok {index}\n" * 50, created + timedelta(seconds=2),
                              exit_code=0, duration_seconds=1.0)],
        edits=[EditData(f"{task_id}-e0", "src/app.py", f"@@ -1 +1 @@\n-a{index}\n+b{index}\n",
                        created + timedelta(seconds=3))],
        artifacts=[ArtifactData(f"{task_id}-a0", "log", f"s3://bucket/{task_id}.log", created)],
    )


async def build_database(target: str) -> None:
    """Create a shadow-tui database at `target` (a path or URL) holding BASE_TASKS ordinary tasks."""
    async with open_writer(target) as (_target, engine):
        async with engine.begin() as connection:
            for index in range(BASE_TASKS):
                await write_session(connection, _base_session(index))


def _raw_engine(target: str) -> AsyncEngine:
    """Return a plain read-write engine, without shadow-tui's checks, for raw SQL."""
    if target.startswith("postgresql"):
        return create_async_engine(make_url(target).set(drivername="postgresql+asyncpg"))
    return create_async_engine(f"sqlite+aiosqlite:///{target}")


async def execute(target: str, statements: list[tuple[str, dict[str, Any]]]) -> None:
    """Run SQL statements with their parameters in one transaction on `target`."""
    engine = _raw_engine(target)
    try:
        async with engine.begin() as connection:
            for statement, parameters in statements:
                await connection.execute(text(statement), parameters)
    finally:
        await engine.dispose()


async def apply_mutation(target: str, name: str) -> None:
    """Turn the current database at `target` into the broken variant `name` of MUTATIONS."""
    await execute(target, [(statement, {}) for statement in MUTATIONS[name]])


def _timestamp_value(dialect: str, value: str | int | float) -> tuple[str, Any]:
    """Return the SQL expression and parameter that store `value` as another tool would."""
    if dialect == "sqlite":
        return ":created_at", value
    if isinstance(value, str):
        return "CAST(CAST(:created_at AS text) AS timestamptz)", value
    seconds = value / 1000 if value >= 1e11 else value
    return "to_timestamp(:created_at)", float(seconds)


def odd_value_statements(dialect: str) -> list[tuple[str, dict[str, Any]]]:
    """Return the raw SQL that adds the unusual rows (see the module docstring) on `dialect`."""
    statements: list[tuple[str, dict[str, Any]]] = []
    if dialect == "postgresql":
        # Text without a zone is read in the session's zone; UTC matches how SQLite rows are read.
        statements.append(("SET LOCAL TIME ZONE 'UTC'", {}))
    statements.append((
        "INSERT INTO users (user_id, created_at) VALUES ('u-null', :created_at)",
        {"created_at": "2026-01-01 00:00:00" if dialect == "sqlite" else BASE_TIME},
    ))
    for index, status in enumerate(UNKNOWN_STATUSES):
        statements.append((
            "INSERT INTO tasks (task_id, user_id, status, created_at) VALUES (:task_id, 'u-null', :status, :created_at)",
            {"task_id": f"status-{index}", "status": status,
             "created_at": f"2026-02-0{index + 1} 08:00:00" if dialect == "sqlite" else BASE_TIME + timedelta(days=index)},
        ))
    for case in TIMESTAMP_CASES:
        expression, value = _timestamp_value(dialect, case.stored)
        statements.append((
            f"INSERT INTO tasks (task_id, user_id, status, created_at) VALUES (:task_id, 'u-null', 'completed', {expression})",
            {"task_id": case.task_id, "created_at": value},
        ))
    created = "'2026-02-01 08:00:01'" if dialect == "sqlite" else "CAST('2026-02-01 08:00:01+00' AS timestamptz)"
    statements += [
        (f"INSERT INTO chat_messages (message_id, task_id, sender, content, created_at) "
         f"VALUES ('odd-m0', 'status-0', 'narrator', 'a message from an unknown sender', {created})", {}),
        (f"INSERT INTO task_commands (command_id, task_id, command_text, output, created_at) "
         f"VALUES ('odd-c0', 'status-0', 'true', '', {created})", {}),
        (f"INSERT INTO file_edits (edit_id, task_id, file_path, diff, created_at) "
         f"VALUES ('odd-e0', 'status-0', 'odd.txt', '', {created})", {}),
        (f"INSERT INTO artifacts (artifact_id, task_id, type, s3_url, created_at) "
         f"VALUES ('odd-a0', 'status-0', 'hologram', 'hologram://odd', {created})", {}),
    ]
    return statements


async def write_odd_values(target: str) -> None:
    """Create an empty shadow-tui database at `target`, then add the unusual rows with raw SQL."""
    async with open_writer(target):
        pass
    dialect = "postgresql" if target.startswith("postgresql") else "sqlite"
    await execute(target, odd_value_statements(dialect))


def _overwrite_pages(path: Path, pages: list[int] | None, seed: int) -> None:
    """Overwrite 1-based pages of a SQLite file with seeded random bytes; None means pages 2 to the last."""
    connection = sqlite3.connect(path)
    # Rollback journal mode leaves no -wal or -shm file beside the damaged file.
    connection.execute("PRAGMA journal_mode = DELETE")
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    page_count = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.close()
    if pages is None:
        pages = list(range(2, page_count + 1))
    rng = random.Random(seed)
    with path.open("r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * page_size)
            handle.write(rng.randbytes(page_size))


def _root_page(path: Path, table: str) -> int:
    connection = sqlite3.connect(path)
    row = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    connection.close()
    return int(row[0])


async def write_broken_files(folder: Path, *, seed: int) -> dict[str, Path]:
    """Write every broken SQLite database and file; return their paths by name.

    The "missing" path is returned but never created.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / f"{name}.db" for name in (*FILE_PROBLEMS, *MUTATIONS)}
    paths["missing"].unlink(missing_ok=True)
    paths["folder"].mkdir(exist_ok=True)
    paths["empty"].write_bytes(b"")
    paths["not-sqlite"].write_bytes(b"PK\x03\x04 this is a zip header, not a database\n" * 20)

    for name in ("corrupt-pages", "corrupt-tasks", *MUTATIONS):
        paths[name].unlink(missing_ok=True)
        await build_database(str(paths[name]))
    _overwrite_pages(paths["corrupt-pages"], None, seed)
    _overwrite_pages(paths["corrupt-tasks"], [_root_page(paths["corrupt-tasks"], "tasks")], seed)
    for name in MUTATIONS:
        await apply_mutation(str(paths[name]), name)
    return paths
