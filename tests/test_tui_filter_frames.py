"""Applying a filter: the new rows come in the first frame after the query bar changes, read through a thread on SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Static

from factories import NOW, make_session, write_sessions
from shadow_tui.config import Config
from shadow_tui.queries.filter import parse_filter
from shadow_tui.tui.app import ShadowTuiApp, create_app
from shadow_tui.tui.repaint_hold import RepaintHold


@pytest.fixture
def status_db(tmp_path: Path) -> str:
    path = str(tmp_path / "status.db")
    sessions = [make_session(index, status="error" if index % 3 == 0 else "completed") for index in range(12)]
    asyncio.run(write_sessions(path, sessions))
    return path


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], description: str, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {description}")
        await pilot.pause(0.05)


def record_frames(app: App[Any], state: Callable[[], object]) -> list[object]:
    """Record `state()` at every frame that the compositor hands to the terminal."""
    frames: list[object] = []
    display = app._display

    def recording_display(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None and not app._batch_count:
            frames.append(state())

    app._display = recording_display  # type: ignore[method-assign]
    return frames


async def test_filter_rows_in_first_frame(status_db: str) -> None:
    app = create_app(status_db, config=Config(refresh_interval=0), now=NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.main_screen is not None and app.main_screen.task_list.loaded, "the list")
        await app.workers.wait_for_complete()
        await pilot.pause()
        main = app.main_screen
        assert main is not None
        task_list = main.task_list
        expected = parse_filter("status:error", now=NOW)
        before = task_list.cache
        frames = record_frames(app, lambda: task_list.task_filter == expected and task_list.cache is not before)

        main.query_bar.set_query("status:error")
        await wait_for(pilot, lambda: len(frames) > 0 and task_list.total == 4, "the filtered list")

    assert frames[0] is True
    assert [row.status for row in task_list.cache._pages[0]] == ["error"] * 4


async def test_sqlite_list_reads_in_thread(status_db: str) -> None:
    app = create_app(status_db, config=Config(refresh_interval=0), now=NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.main_screen is not None and app.main_screen.task_list.loaded, "the list")
        reader = app.task_reader
        assert reader is not None
        assert reader.thread_engine is not None
        # The file behind an engine set from outside is not known, so the reader uses that engine.
        app.engine = create_async_engine("sqlite+aiosqlite:///" + status_db)
        replaced = app.task_reader
        assert replaced is not None
        assert replaced.engine is app.engine
        assert replaced.thread_engine is None
        await app.engine.dispose()


class HoldApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("text", id="text")


async def test_repaint_hold_ends_on_release() -> None:
    app = HoldApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        hold = RepaintHold(app)
        frames = record_frames(app, lambda: str(app.query_one("#text", Static).render()))
        hold.start(seconds=30)
        hold.start(seconds=30)
        assert hold.active
        app.query_one("#text", Static).update("changed")
        await pilot.pause(0.1)
        assert frames == []

        hold.release()
        assert not hold.active
        assert not app._batch_count
        await wait_for(pilot, lambda: "changed" in frames, "the held change")
        hold.release()
        assert not app._batch_count


async def test_repaint_hold_ends_after_timeout() -> None:
    app = HoldApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        hold = RepaintHold(app)
        frames = record_frames(app, lambda: str(app.query_one("#text", Static).render()))
        hold.start(seconds=0.2)
        app.query_one("#text", Static).update("changed")
        await wait_for(pilot, lambda: "changed" in frames, "the change after the hold's timeout", timeout=5)
        assert not hold.active
        assert not app._batch_count
