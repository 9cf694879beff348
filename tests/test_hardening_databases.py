"""Broken databases give a clear error and exit status 2; unusual rows still load and list.

The databases come from tests/hostile/generate.py, written into a temporary
folder. The command tests run the real `shadow-tui` entry point in process
(click's CliRunner), and a few run it as a separate process.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from hostile.backends import BACKENDS, isolated_user_folders, shared_database

from hostile.content import UNSAFE_FOR_TERMINAL
from hostile.databases import (
    FILE_PROBLEMS,
    MUTATIONS,
    TIMESTAMP_CASES,
    UNKNOWN_STATUSES,
    apply_mutation,
    build_database,
    write_odd_values,
)
from hostile.generate import DEFAULT_SEED, write_databases
from shadow_tui.cli import main
from shadow_tui.cli_common import EXIT_ERROR
from shadow_tui.db.access import open_reader
from shadow_tui.db.models import TABLES

# The words that name each problem in the error message.
PROBLEM_WORDS = {
    "missing": "not found",
    "folder": "folder",
    "empty": "empty",
    "not-sqlite": "not a SQLite database",
    "corrupt-pages": "damaged",
    "corrupt-tasks": "damaged",
    "missing-table": "table artifacts is missing",
    "missing-column": "column tasks.title is missing",
    "old-version": "older than version",
    "new-version": "newer than version",
}
COMMANDS = {
    "tasks": ["tasks"],
    "show": ["show", "base001"],
    "search": ["search", "prompt"],
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("broken")
    return asyncio.run(write_databases(folder, DEFAULT_SEED))


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def task_list(database: str) -> list[dict[str, Any]]:
    result = run_cli("tasks", "--db", database, "--format", "json", "--limit", "0")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]



@pytest.fixture(scope="module", autouse=True)
def _module_user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with isolated_user_folders(tmp_path_factory.mktemp("home")):
        yield

# --- Broken SQLite files --------------------------------------------------------------------


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("name", [*FILE_PROBLEMS, *MUTATIONS])
def test_broken_database_error(broken: dict[str, Path], name: str, command: str) -> None:
    result = run_cli(*COMMANDS[command], "--db", str(broken[name]))
    assert result.exit_code == EXIT_ERROR, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, (SystemExit, type(None))), result.exception
    assert str(broken[name]) in result.stderr
    assert PROBLEM_WORDS[name] in result.stderr


@pytest.mark.parametrize(("command", "name"), [("tasks", "corrupt-tasks"), ("show", "corrupt-pages")])
def test_broken_separate_process(broken: dict[str, Path], name: str, command: str, tmp_path: Path) -> None:
    environment = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    completed = subprocess.run(
        [sys.executable, "-m", "shadow_tui", *COMMANDS[command], "--db", str(broken[name])],
        capture_output=True, text=True, timeout=120, env=environment,
    )
    assert completed.returncode == EXIT_ERROR
    assert "Traceback" not in completed.stderr
    assert completed.stderr.startswith("error: ")
    assert str(broken[name]) in completed.stderr


def test_corrupt_pages_keep_header(broken: dict[str, Path]) -> None:
    assert broken["corrupt-pages"].read_bytes()[:16] == b"SQLite format 3\x00"


async def test_reader_rejects_writes(database_url: str) -> None:
    await build_database(database_url)
    async with open_reader(database_url) as (_target, engine):
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError):
                await connection.execute(text("UPDATE tasks SET status = 'written'"))
    async with open_reader(database_url) as (_target, engine):
        async with engine.connect() as connection:
            statuses = {row[0] for row in await connection.execute(text("SELECT DISTINCT status FROM tasks"))}
    assert statuses == {"completed"}


# --- The same damage on PostgreSQL ----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_broken_postgres_tasks(pg_database: str, name: str) -> None:
    asyncio.run(build_database(pg_database))
    asyncio.run(apply_mutation(pg_database, name))
    result = run_cli("tasks", "--db", pg_database)
    assert result.exit_code == EXIT_ERROR
    assert "Traceback" not in result.output
    assert PROBLEM_WORDS[name] in result.stderr


# --- Unknown values, NULLs and timestamps ---------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def odd_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of unusual rows on each backend, shared by the tests of this module."""
    with shared_database(request.param, tmp_path_factory.mktemp("odd"), write_odd_values) as database:
        yield database


@pytest.fixture(scope="module")
def odd_tasks(odd_database: str) -> dict[str, dict[str, Any]]:
    """`tasks --format json` of the unusual database, by task id."""
    return {task["task_id"]: task for task in task_list(odd_database)}


def test_odd_values_json_lists_all(odd_tasks: dict[str, dict[str, Any]]) -> None:
    expected = {f"status-{index}" for index in range(len(UNKNOWN_STATUSES))} | {case.task_id for case in TIMESTAMP_CASES}
    assert set(odd_tasks) == expected


@pytest.mark.parametrize("index", range(len(UNKNOWN_STATUSES)))
def test_unknown_status_kept(odd_tasks: dict[str, dict[str, Any]], index: int) -> None:
    assert odd_tasks[f"status-{index}"]["status"] == UNKNOWN_STATUSES[index]


@pytest.mark.parametrize("field", [
    "user", "repo_url", "branch", "model_name", "started_at", "completed_at", "error_message", "title",
    "input_tokens", "output_tokens", "cost_usd", "source", "duration_seconds",
])
def test_null_fields_json(odd_tasks: dict[str, dict[str, Any]], field: str) -> None:
    assert odd_tasks["status-1"][field] is None


def test_odd_values_table(odd_database: str) -> None:
    result = run_cli("tasks", "--db", odd_database)
    assert result.exit_code == 0, result.output
    assert "paused-by-operator" in result.stdout
    assert "\U0001f986 quacking" in result.stdout
    assert UNSAFE_FOR_TERMINAL.search(result.stdout) is None


def test_odd_values_csv(odd_database: str) -> None:
    result = run_cli("tasks", "--db", odd_database, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "paused-by-operator" in result.stdout


def test_odd_json_escapes_controls(odd_database: str) -> None:
    result = run_cli("tasks", "--db", odd_database, "--format", "json")
    assert UNSAFE_FOR_TERMINAL.search(result.stdout) is None


def test_odd_task_shows(odd_database: str) -> None:
    result = run_cli("show", "status-0", "--db", odd_database, "--format", "text")
    assert result.exit_code == 0, result.output
    assert "narrator" in result.stdout
    assert "hologram" in result.stdout


async def test_every_nullable_column_null(odd_database: str) -> None:
    async with open_reader(odd_database) as (_target, engine):
        async with engine.connect() as connection:
            for table in TABLES:
                for column in table.columns:
                    if not column.nullable:
                        continue
                    nulls = await connection.scalar(select(func.count()).select_from(table).where(column.is_(None)))
                    assert nulls, f"{table.name}.{column.name} has no NULL row"


@pytest.mark.parametrize("case", TIMESTAMP_CASES, ids=lambda case: case.task_id)
def test_timestamp_utc_instant(odd_tasks: dict[str, dict[str, Any]], case: Any) -> None:
    assert datetime.fromisoformat(odd_tasks[case.task_id]["created_at"]) == case.expected


@pytest.mark.parametrize("case", TIMESTAMP_CASES, ids=lambda case: case.task_id)
def test_timestamp_written_as_utc(odd_tasks: dict[str, dict[str, Any]], case: Any) -> None:
    assert odd_tasks[case.task_id]["created_at"].endswith("+00:00")
