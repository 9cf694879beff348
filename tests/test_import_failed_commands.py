"""Failed Claude Code commands: counted by `tasks`, `stats` and the Commands pane, and filled in on re-import."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text

from shadow_tui.cli import main
from shadow_tui.db.access import open_reader, open_writer
from shadow_tui.importers import import_sources
from shadow_tui.queries.items import load_commands

LARGE_TASK = "cc-fe5e1c67-53e7-4862-81ae-d0e013e3270b"
SMALL_TASK = "cc-c64cc478-3430-40fe-8e9c-4ee9986e9754"

# Bash results of the large session that are errors without "Exit code N".
LARGE_ERRORS = 9


async def execute(database: str, sql: str) -> None:
    async with open_writer(database) as (_target, engine):
        async with engine.begin() as connection:
            await connection.execute(text(sql))


async def exit_codes(database: str, task_id: str) -> list[int | None]:
    async with open_reader(database) as (_target, engine):
        return [command.exit_code for command in await load_commands(engine, task_id)]


def cli_json(*args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


async def load_failed(database: str, task_id: str) -> list[int | None]:
    async with open_reader(database) as (_target, engine):
        return [command.exit_code for command in await load_commands(engine, task_id) if command.failed]


def test_error_results_counted_failed(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    asyncio.run(import_sources(db, [str(corpus / "claude-code")]))

    tasks = {row["task_id"]: row for row in cli_json("tasks", "--db", db, "--format", "json")}
    assert tasks[LARGE_TASK]["command_count"] == 61
    assert tasks[LARGE_TASK]["failed_command_count"] == LARGE_ERRORS
    assert tasks[SMALL_TASK]["failed_command_count"] == 1

    [stats] = cli_json("stats", "--db", db, "--format", "json")
    assert stats["failed_commands"] == LARGE_ERRORS + 1

    # The Commands pane's failed-only filter (x) keeps the commands whose `failed` is true.
    failed_codes = asyncio.run(load_failed(db, LARGE_TASK))
    assert failed_codes == [1] * LARGE_ERRORS


async def test_reimport_fills_unknown_exit_codes(corpus: Path, database_url: str) -> None:
    source = [str(corpus / "claude-code")]
    await import_sources(database_url, source)
    # An import by an earlier version stored these exit codes as unknown.
    await execute(
        database_url,
        f"UPDATE task_commands SET exit_code = NULL WHERE task_id = '{LARGE_TASK}' AND exit_code = 1",
    )
    # A stored exit code, even one that differs from the source, is kept.
    await execute(
        database_url,
        f"UPDATE task_commands SET exit_code = 5 WHERE command_id = "
        f"(SELECT min(command_id) FROM task_commands WHERE task_id = '{LARGE_TASK}' AND exit_code = 0)",
    )

    again = await import_sources(database_url, source)

    assert again.updated == 1
    assert again.unchanged == 1
    assert sum(again.rows.values()) == 0
    codes = await exit_codes(database_url, LARGE_TASK)
    assert codes.count(1) == LARGE_ERRORS
    assert codes.count(None) == 0
    assert codes.count(5) == 1

    third = await import_sources(database_url, source)
    assert third.unchanged == 2
