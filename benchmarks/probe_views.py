"""App measures on the task list and the search screen, run inside `probe_app`.

Every latency is from the action (a filter applied as Enter in the query
bar does, a key sent through the driver) to the first compositor frame at
which the app's state shows the result (see `probe_frames`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import datetime
from typing import Any

from shadow_tui.config import Config
from shadow_tui.queries.filter import parse_filter
from shadow_tui.tui.app import ShadowTuiApp, create_app

from benchmarks.probe_app import finish
from benchmarks.probe_frames import FrameWatcher, press, settle
from benchmarks.scales import DEMO_NOW

NOW = datetime.fromisoformat(DEMO_NOW.replace("Z", "+00:00"))


def make_app(db: str) -> ShadowTuiApp:
    """Create the app with live refresh off, so no timer competes with the measures."""
    return create_app(db, config=Config(refresh_interval=0), now=NOW)


async def wait_loaded(app: ShadowTuiApp, pilot: Any) -> None:
    for _ in range(6000):
        main = app.main_screen
        if main is not None and main.is_mounted and main.task_list.loaded:
            break
        await asyncio.sleep(0.01)
    else:
        raise TimeoutError("the task list did not load within 60 s")
    await settle(app, pilot)


def _list(app: ShadowTuiApp) -> Any:
    main = app.main_screen
    assert main is not None
    return main.task_list


def _visible_rows_loaded(task_list: Any) -> bool:
    first, last = task_list._visible_range()
    return not task_list.cache.missing(first, last, task_list.total)


async def _filters(app: ShadowTuiApp, pilot: Any, watcher: FrameWatcher, queries: list[str]) -> dict[str, Any]:
    timings: dict[str, float] = {}
    totals: dict[str, int] = {}
    main = app.main_screen
    assert main is not None
    task_list = main.task_list
    for query in queries:
        expected = parse_filter(query, now=NOW)
        before = task_list.cache

        def shown(expected: Any = expected, before: Any = before) -> bool:
            return task_list.task_filter == expected and task_list.cache is not before and task_list.loaded

        timings[query] = await watcher.measure(
            shown, lambda query=query: main.query_bar.set_query(query), f"the list for {query!r}"
        )
        await settle(app, pilot)
        # The list shows its first page before the count arrives, so the total is read once it has.
        totals[query] = task_list.total
    return {"ms": timings, "totals": totals}


async def _scroll(app: ShadowTuiApp, pilot: Any, watcher: FrameWatcher, rounds: int) -> dict[str, Any]:
    task_list = _list(app)
    task_list.focus()
    await settle(app, pilot)
    steps: list[dict[str, Any]] = []
    for round_number in range(rounds):
        for key, target in (("G", task_list.total - 1), ("g", 0)):
            def shown(target: int = target) -> bool:
                return task_list.cursor == target and _visible_rows_loaded(task_list)

            elapsed = await watcher.measure(shown, lambda key=key: press(app, key), f"the rows after {key}")
            steps.append({"round": round_number, "key": key, "ms": elapsed})
            await settle(app, pilot)
    return {"steps": steps, "tasks": task_list.total}


async def _search(app: ShadowTuiApp, pilot: Any, watcher: FrameWatcher, words: list[str]) -> dict[str, Any]:
    from shadow_tui.tui.screens.search import SearchInput, SearchScreen

    press(app, "s")
    for _ in range(1000):
        if isinstance(app.screen, SearchScreen) and app.screen.is_mounted:
            break
        await asyncio.sleep(0.01)
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    await settle(app, pilot)
    search_input = screen.query_one(SearchInput)
    timings: dict[str, float] = {}
    hits: dict[str, int] = {}
    # The search starts when the 150 ms typing delay ends; the time is taken from there.
    started: list[float] = []
    start_search = screen._start_search

    def stamped_start() -> None:
        started.append(time.perf_counter())
        start_search()

    screen._start_search = stamped_start  # type: ignore[method-assign]
    for word in words:
        # The typed word is painted first, then the delay runs out and the search starts.
        await watcher.measure(lambda word=word: search_input.value == word,
                              lambda word=word: setattr(search_input, "value", word), f"the typed word {word!r}")

        def shown(word: str = word) -> bool:
            return screen.searched == word

        started.clear()
        watcher.arm(shown)
        frame_time, _wall = await watcher.wait(f"the results for {word!r}")
        if len(started) != 1:
            raise RuntimeError(f"expected one search for {word!r}, saw {len(started)}")
        timings[word] = (frame_time - started[0]) * 1000
        hits[word] = len(screen.hits)
        await settle(app, pilot)
    return {"ms": timings, "hits": hits}


async def run_view_probe(args: argparse.Namespace) -> dict[str, Any]:
    """Run the `filters`, `scroll` or `search` mode and return its timings."""
    params = json.loads(args.params.read_text(encoding="utf-8")) if args.params else {}
    app = make_app(args.db)
    watcher = FrameWatcher(app)
    async with app.run_test(size=(args.width, args.height)) as pilot:
        await wait_loaded(app, pilot)
        if args.mode == "filters":
            result = await _filters(app, pilot, watcher, params["queries"])
        elif args.mode == "scroll":
            result = await _scroll(app, pilot, watcher, int(params.get("rounds", 2)))
        else:
            result = await _search(app, pilot, watcher, params["words"])
        result["frames"] = watcher.frames
        finish(args, result)
    return result
