"""SVG snapshots of each screen at 80x24 and 120x40, on a demo database with a frozen clock.

Update the baselines with `pytest tests/test_tui_snapshots.py --snapshot-update`,
then look at the changed SVGs in tests/__snapshots__ before accepting them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from factories import NOW, make_session, write_sessions
from shadow_tui.config import Config
from shadow_tui.demo import write_demo_database
from shadow_tui.tui.app import ShadowTuiApp, create_app
from shadow_tui.tui.screens.error import ErrorScreen
from shadow_tui.tui.screens.search import SearchScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
DEMO_TASKS = 60


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("snapshots") / "demo.db")
    asyncio.run(write_demo_database(path, tasks=DEMO_TASKS, seed=0, now=NOW))
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("hostile") / "hostile.db")
    titles = ["10:06:02: [/Users/x/proj]", "[type=x, v={'a[0]'}]", "[/", "[bold]not bold[/bold]"]
    sessions = []
    for index, title in enumerate(titles):
        session = make_session(index, status=("error", "running", "completed", "pending")[index])
        session.task = replace(session.task, title=title)
        sessions.append(session)
    asyncio.run(write_sessions(path, sessions))
    return path


def app_for(db: str, **options: object) -> ShadowTuiApp:
    return create_app(db, config=Config(refresh_interval=0), now=NOW, **options)  # type: ignore[arg-type]


async def settle(pilot: Pilot[None], condition: Callable[[], bool] | None = None, timeout: float = 15.0) -> None:
    """Wait for `condition` and for every worker to finish, so the screen is complete."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while condition is not None and not condition():
        if loop.time() > deadline:
            raise AssertionError(f"screen not ready within {timeout} s")
        await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    # A blinking cursor would make the picture depend on the moment it is taken.
    for text_input in pilot.app.screen.query(Input):
        text_input.cursor_blink = False
    # The footer redraws its keys one refresh after the focus settles.
    pilot.app.screen.refresh_bindings()
    await pilot.pause(0.1)
    await pilot.pause()


def list_loaded(pilot: Pilot[None]) -> Callable[[], bool]:
    app = pilot.app
    assert isinstance(app, ShadowTuiApp)
    return lambda: (
        app.main_screen is not None
        and app.main_screen.started
        and app.main_screen.task_list.loaded
        and app.main_screen.summary.facets is not None
    )


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_task_list(snap_compare, demo_db: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot, list_loaded(pilot))
        await pilot.press("j", "j")
        await settle(pilot)

    assert snap_compare(app_for(demo_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_detail_open(snap_compare, demo_db: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot, list_loaded(pilot))
        await pilot.press("j", "enter")
        await settle(pilot)

    assert snap_compare(app_for(demo_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_commands_tab(snap_compare, demo_db: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot, list_loaded(pilot))
        await pilot.press("j", "j", "3")
        await settle(pilot)

    assert snap_compare(app_for(demo_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_filtered_errors(snap_compare, demo_db: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot, list_loaded(pilot))
        await pilot.press("x")
        await settle(pilot)

    assert snap_compare(app_for(demo_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_invalid_query(snap_compare, demo_db: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot, list_loaded(pilot))
        await pilot.press("slash", *"since:soon", "enter")
        await settle(pilot)

    assert snap_compare(app_for(demo_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_search(snap_compare, demo_db: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        await settle(pilot, list_loaded(pilot))
        await pilot.press("s", *"timeout")
        await settle(pilot, lambda: isinstance(app.screen, SearchScreen) and app.screen.searched == "timeout")

    assert snap_compare(app_for(demo_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_help(snap_compare, demo_db: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot, list_loaded(pilot))
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(app_for(demo_db), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_missing_database(snap_compare, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    # A fixed path, so the message in the snapshot does not change between runs.
    missing = "/nonexistent/shadow-tui/history.db"

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        await settle(pilot, lambda: isinstance(app.screen, ErrorScreen))

    assert snap_compare(app_for(missing), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_hostile_titles(snap_compare, hostile_db: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot, list_loaded(pilot))

    assert snap_compare(app_for(hostile_db), terminal_size=size, run_before=run_before)
