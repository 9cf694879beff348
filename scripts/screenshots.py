"""Write SVG screenshots of the main views to screenshots/, from demo data.

Run with `uv run python scripts/screenshots.py`. The demo database is
generated with a fixed seed and clock, so the pictures change only when
the code does.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path

from textual.pilot import Pilot

from shadow_tui.demo import write_demo_database
from shadow_tui.tui.app import create_app

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
OUTPUT = Path(__file__).resolve().parents[1] / "screenshots"

Action = Callable[[Pilot[None]], Awaitable[None]]


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every worker has finished and the screen has repainted."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.3)


async def press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def showcase_task(database: Path) -> str:
    """Return the task whose failed test run has colors and a progress bar."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = connection.execute(
            "SELECT task_id FROM task_commands WHERE exit_code <> 0 "
            "AND instr(output, char(13)) > 0 AND instr(output, char(27)) > 0 "
            "ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    if row is None:
        raise SystemExit("the demo database has no failed test run with a progress bar")
    return str(row[0])


async def shoot(database: Path, name: str, size: tuple[int, int], action: Action, **options: str) -> None:
    app = create_app(str(database), now=NOW, **options)  # type: ignore[arg-type]
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await action(pilot)
        path = app.save_screenshot(filename=f"{name}.svg", path=str(OUTPUT))
    print(f"wrote {path}")


async def main() -> None:
    OUTPUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "demo.db"
        await write_demo_database(str(database), tasks=200, seed=0, now=NOW)
        task_id = showcase_task(database)

        async def nothing(pilot: Pilot[None]) -> None:
            return None

        async def chat(pilot: Pilot[None]) -> None:
            await press(pilot, "2")

        async def commands(pilot: Pilot[None]) -> None:
            await press(pilot, "3")

        async def diffs(pilot: Pilot[None]) -> None:
            await press(pilot, "4")

        async def search(pilot: Pilot[None]) -> None:
            await press(pilot, "s")
            for key in "FAILED":
                await pilot.press(key)
            await asyncio.sleep(0.5)
            await settle(pilot)

        async def help_screen(pilot: Pilot[None]) -> None:
            await press(pilot, "question_mark")

        await shoot(database, "tasks", (200, 50), nothing)
        await shoot(database, "tasks-80x24", (80, 24), nothing)
        await shoot(database, "filter-errors", (200, 50), nothing, query="status:error since:30d")
        await shoot(database, "timeline", (200, 50), nothing, query=f"id:{task_id}")
        await shoot(database, "chat", (200, 50), chat, query=f"id:{task_id}")
        await shoot(database, "commands", (200, 50), commands, query=f"id:{task_id}")
        await shoot(database, "diffs", (200, 50), diffs, query=f"id:{task_id}")
        await shoot(database, "search", (200, 50), search)
        await shoot(database, "help", (120, 40), help_screen)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
