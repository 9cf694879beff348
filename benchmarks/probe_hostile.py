"""The `hostile` mode of `probe_app`: open each task of hostile content and watch the event loop.

For each case the probe opens the task on the tab that shows its content
and times the first frame of that tab. It then waits until the app's
workers are done (the rendering of the whole content), at most
`SETTLE_TIMEOUT_SECONDS`. All the while a heartbeat task wakes every 5 ms
and records the longest gap between two wake-ups. That gap is the longest
time the app could not react to a key, because either the UI thread was
busy or a worker thread held the GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from shadow_tui.queries.tasks import fetch_task

from benchmarks.probe_app import finish
from benchmarks.probe_frames import FrameWatcher, settle
from benchmarks.probe_task import first_screen
from benchmarks.probe_views import make_app, wait_loaded

HEARTBEAT_SECONDS = 0.005
SETTLE_TIMEOUT_SECONDS = 300.0


class Heartbeat:
    """Measures the longest gap between wake-ups of a task that sleeps HEARTBEAT_SECONDS."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - HEARTBEAT_SECONDS)
            last = now

    def start(self) -> None:
        self.longest = 0.0
        self._task = asyncio.create_task(self._beat())

    async def stop(self) -> float:
        """Stop the heartbeat and return the longest gap in milliseconds."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        return self.longest * 1000


async def run_hostile_probe(args: argparse.Namespace) -> dict[str, Any]:
    """Open every hostile case and return, per case, the first-screen, settled and longest-stall times."""
    params = json.loads(args.params.read_text(encoding="utf-8"))
    app = make_app(args.db)
    watcher = FrameWatcher(app)
    heartbeat = Heartbeat()
    result: dict[str, Any] = {}
    async with app.run_test(size=(args.width, args.height)) as pilot:
        await wait_loaded(app, pilot)
        main = app.main_screen
        assert main is not None
        for case in params["cases"]:
            task = await fetch_task(app.engine, case["task_id"])  # type: ignore[arg-type]
            main.detail.select_tab(case["tab"])
            await settle(app, pilot)
            watcher.arm(lambda case=case: first_screen(app, case["tab"], case["task_id"], case["command_id"]))
            heartbeat.start()
            started = time.perf_counter()
            main.open_task(task)
            first, _wall = await watcher.wait(f"the first screen of {case['name']}", timeout=SETTLE_TIMEOUT_SECONDS)
            await asyncio.wait_for(settle(app, pilot), SETTLE_TIMEOUT_SECONDS)
            settled = time.perf_counter()
            result[case["name"]] = {
                "first_screen_ms": (first - started) * 1000,
                "settled_ms": (settled - started) * 1000,
                "longest_stall_ms": await heartbeat.stop(),
            }
        result["frames"] = watcher.frames
        finish(args, result)
    return result
