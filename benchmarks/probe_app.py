"""The subprocess side of the app measures: `python -m benchmarks.probe_app MODE ...`.

Each run is a fresh process, so every figure includes what a person pays:
interpreter start, imports, opening the database. The process writes its
timings as JSON to `--result`, and the harness reads its peak memory from
the kernel when it exits. The app runs headless through Textual's test
driver at `--width` x `--height` cells.

Modes:
- `startup`: shadow-tui until the first task row is on screen.
- `minimal`: a bare Textual app with a DataTable of the same 200 rows from
  a list in memory, until they are on screen.
- `filters`, `scroll`, `search`: see `probe_views`.
- `heavy`, `memory`: see `probe_task`.
- `hostile`: see `probe_hostile`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

DEFAULT_WIDTH = 160
DEFAULT_HEIGHT = 45
SHUTDOWN_TIMEOUT_SECONDS = 20.0
EXIT_SHUTDOWN_HUNG = 3
"""Exit status when the timings were written but the app did not shut down in time."""


def finish(args: argparse.Namespace, result: dict[str, Any]) -> None:
    """Write the timings now, and end the process if the app's shutdown then hangs.

    Called inside the app's `run_test` block, so a shutdown that never
    finishes still leaves the timings behind. The harness reads the exit
    status EXIT_SHUTDOWN_HUNG as "measured, but the app hung on exit" and
    reports how often that happened.
    """
    args.result.write_text(json.dumps(result), encoding="utf-8")

    def give_up() -> None:
        sys.stderr.write(f"the app did not shut down within {SHUTDOWN_TIMEOUT_SECONDS:.0f} s\n")
        sys.stderr.flush()
        os._exit(EXIT_SHUTDOWN_HUNG)

    timer = threading.Timer(SHUTDOWN_TIMEOUT_SECONDS, give_up)
    timer.daemon = True
    timer.start()


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.probe_app")
    parser.add_argument("mode", choices=("startup", "minimal", "filters", "scroll", "search", "heavy", "memory", "hostile"))
    parser.add_argument("--db", help="Database path.")
    parser.add_argument("--result", required=True, type=Path, help="File to write the JSON timings to.")
    parser.add_argument("--t0", type=float, default=None,
                        help="Wall-clock time (time.time()) just before the harness started this process.")
    parser.add_argument("--rows", type=Path, help="JSON file of the rows the minimal app shows.")
    parser.add_argument("--params", type=Path, help="JSON file of the mode's inputs (queries, words, task ids).")
    parser.add_argument("--width", type=int, default=DEFAULT_WIDTH, help="Terminal width in cells.")
    parser.add_argument("--height", type=int, default=DEFAULT_HEIGHT, help="Terminal height in cells.")
    return parser.parse_args(argv)


async def _startup(args: argparse.Namespace, started: float) -> dict[str, Any]:
    from datetime import datetime

    from shadow_tui.config import Config
    from shadow_tui.tui.app import create_app

    from benchmarks.probe_frames import FrameWatcher
    from benchmarks.scales import DEMO_NOW

    now = datetime.fromisoformat(DEMO_NOW.replace("Z", "+00:00"))
    app = create_app(args.db, config=Config(), now=now)
    watcher = FrameWatcher(app)

    def first_row_shown() -> bool:
        main = app.main_screen
        if main is None or not main.is_mounted:
            return False
        task_list = main.task_list
        return task_list.loaded and task_list.total > 0 and task_list.cache.row(0) is not None

    watcher.arm(first_row_shown)
    async with app.run_test(size=(args.width, args.height)):
        _frame, wall = await watcher.wait("the first task row")
        total = app.main_screen.task_list.total if app.main_screen else 0
        result = {"seconds": wall - started, "tasks": total, "frames": watcher.frames}
        finish(args, result)
    return result


async def _minimal(args: argparse.Namespace, started: float) -> dict[str, Any]:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from benchmarks.probe_frames import FrameWatcher

    rows: list[list[str]] = json.loads(args.rows.read_text(encoding="utf-8"))

    class MinimalApp(App[None]):
        """A DataTable of rows held in memory: the floor for a Textual app's start-up."""

        def compose(self) -> ComposeResult:
            yield DataTable(id="table")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("id", "status", "title", "repo", "created")
            table.add_rows(rows)

    app = MinimalApp()
    watcher = FrameWatcher(app)
    watcher.arm(lambda: app.is_mounted and len(app.query(DataTable)) == 1 and app.query_one(DataTable).row_count == len(rows))
    async with app.run_test(size=(args.width, args.height)):
        _frame, wall = await watcher.wait("the DataTable rows")
        result = {"seconds": wall - started, "rows": len(rows), "frames": watcher.frames}
        finish(args, result)
    return result


def main(argv: list[str] | None = None) -> None:
    args = _parse(sys.argv[1:] if argv is None else argv)
    started = args.t0 if args.t0 is not None else time.time()
    if args.mode == "startup":
        result = asyncio.run(_startup(args, started))
    elif args.mode == "minimal":
        result = asyncio.run(_minimal(args, started))
    elif args.mode in ("filters", "scroll", "search"):
        from benchmarks.probe_views import run_view_probe

        result = asyncio.run(run_view_probe(args))
    elif args.mode == "hostile":
        from benchmarks.probe_hostile import run_hostile_probe

        result = asyncio.run(run_hostile_probe(args))
    else:
        from benchmarks.probe_task import run_task_probe

        result = asyncio.run(run_task_probe(args))
    logger_line = f"{args.mode} probe finished: {json.dumps(result)[:200]}"
    sys.stderr.write(logger_line + "\n")


if __name__ == "__main__":
    main()
