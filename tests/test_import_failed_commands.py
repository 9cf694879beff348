"""Failed Claude Code commands: counted by `tasks`, `stats` and the Commands pane."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import CliRunner

from shadow_tui.cli import main
from shadow_tui.db.access import open_reader
from shadow_tui.importers import import_sources
from shadow_tui.queries.items import load_commands

LARGE_TASK = "cc-fe5e1c67-53e7-4862-81ae-d0e013e3270b"
SMALL_TASK = "cc-c64cc478-3430-40fe-8e9c-4ee9986e9754"

# Bash results of the large session that are errors without "Exit code N".
LARGE_ERRORS = 9


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

