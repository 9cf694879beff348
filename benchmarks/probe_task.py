"""App measures on the heaviest task, run inside `probe_app`.

`heavy`: open the task on the Chat tab, then press 3 (Commands) and 4
(Diffs), timing each to its first screen, and also to the finished
rendering (Markdown bodies in view, the whole output, highlighted diff).
`memory`: open the task and visit all six tabs, letting each finish and
recording the resident memory after each. The harness reads the
process's peak memory when it exits.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from shadow_tui.queries.tasks import fetch_task
from shadow_tui.tui.app import ShadowTuiApp

from benchmarks.probe_app import finish
from benchmarks.probe_frames import FrameWatcher, press, settle
from benchmarks.probe_views import make_app, wait_loaded

TAB_KEYS = {"timeline": "1", "chat": "2", "commands": "3", "diffs": "4", "artifacts": "5", "info": "6"}


def _resident_mb() -> float:
    """Return this process's resident memory now, in MB, from /proc/self/status (Linux)."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1_000_000
    return 0.0


def peak_resident_mb() -> float:
    """Return this process's peak resident memory since it started, in MB (VmHWM, Linux).

    The kernel's ru_maxrss of a child can include the memory of the parent
    it was forked from, so a harness that has a large dataset in memory would raise
    every probe's figure. VmHWM counts only this program's own address space.
    """
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1_000_000
    return 0.0


def _detail(app: ShadowTuiApp) -> Any:
    main = app.main_screen
    assert main is not None
    return main.detail


def _loaded(app: ShadowTuiApp, key: str, task_id: str) -> bool:
    return getattr(_detail(app).pane(key), "_loaded_task_id", None) == task_id


def first_screen(app: ShadowTuiApp, key: str, task_id: str, command_id: str) -> bool:
    """Return whether the pane shows the task's first screen: rows, the big output's first lines, the diff lines."""
    if not _loaded(app, key, task_id):
        return False
    pane = _detail(app).pane(key)
    if key == "commands":
        # The first lines of the output count: a large output shows its head before the whole text loads.
        return pane._output_command_id == command_id and pane.output_view.line_count > 0
    if key == "diffs":
        return pane.diff_view.line_count > 0
    return True


def rendered(app: ShadowTuiApp, key: str, task_id: str) -> bool:
    """Return whether the pane's slow work is done: Markdown bodies in view, the whole output, the coloured diff."""
    if not _loaded(app, key, task_id):
        return False
    pane = _detail(app).pane(key)
    if key == "chat":
        # Every message with a row in view has its Markdown body (not the plain placeholder).
        view = pane.message_list
        if not view.messages:
            return False
        top = view._message_at(round(view.scroll_y))
        bottom = view._message_at(round(view.scroll_y) + max(1, view.size.height) - 1)
        return all(index in view._bodies for index in range(top, bottom + 1))
    if key == "diffs":
        return pane.rendering is not None
    if key == "commands":
        # The whole output replaced the first lines.
        return pane._output_text is not None
    return True


async def _open_pane(app: ShadowTuiApp, watcher: FrameWatcher, key: str, action: Any, params: dict[str, Any],
                     *, wait_rendered: bool) -> dict[str, float]:
    task_id = params["task_id"]
    command_id = params["command_id"]
    watcher.arm(lambda: first_screen(app, key, task_id, command_id))
    started = time.perf_counter()
    action()
    first, _wall = await watcher.wait(f"the first screen of the {key} tab", timeout=300)
    timings = {"first_screen_ms": (first - started) * 1000}
    if wait_rendered and key in ("chat", "commands", "diffs"):
        if rendered(app, key, task_id):
            timings["rendered_ms"] = timings["first_screen_ms"]
        else:
            watcher.arm(lambda: rendered(app, key, task_id))
            done, _wall = await watcher.wait(f"the rendering of the {key} tab", timeout=300)
            timings["rendered_ms"] = (done - started) * 1000
    return timings


async def run_task_probe(args: argparse.Namespace) -> dict[str, Any]:
    """Run the `heavy` or `memory` mode and return its timings."""
    params = json.loads(args.params.read_text(encoding="utf-8"))
    app = make_app(args.db)
    watcher = FrameWatcher(app)
    result: dict[str, Any] = {}
    async with app.run_test(size=(args.width, args.height)) as pilot:
        await wait_loaded(app, pilot)
        main = app.main_screen
        assert main is not None
        task = await fetch_task(app.engine, params["task_id"])  # type: ignore[arg-type]
        order = ["chat", "commands", "diffs"]
        if args.mode == "memory":
            order = ["timeline", "chat", "commands", "diffs", "artifacts", "info"]
        main.detail.select_tab(order[0])
        await settle(app, pilot)
        for position, key in enumerate(order):
            if position == 0:
                def action() -> None:
                    main.open_task(task)
            else:
                def action(key: str = key) -> None:
                    press(app, TAB_KEYS[key])
            result[key] = await _open_pane(app, watcher, key, action, params, wait_rendered=args.mode == "heavy")
            await settle(app, pilot)
            result[key]["rss_mb"] = _resident_mb()
        result["frames"] = watcher.frames
        result["peak_mb"] = peak_resident_mb()
        finish(args, result)
    return result
