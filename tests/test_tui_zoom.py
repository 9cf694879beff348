"""The z key: the open task takes the whole screen, so side-by-side diffs fit on 200 columns."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from factories import NOW, make_session, write_sessions
from test_tui_panes import wait_until
from shadow_tui.config import Config
from shadow_tui.tui.app import ShadowTuiApp, create_app
from shadow_tui.tui.panes.diffs import DiffsPane
from shadow_tui.tui.screens.main import MainScreen


Body = Callable[[ShadowTuiApp, Pilot[None], MainScreen], Awaitable[None]]


def run_on_one_task(tmp_path: Path, size: tuple[int, int], body: Body) -> None:
    """Run `body` in the app on a database of one task, once the list has loaded."""
    database = str(tmp_path / "zoom.db")
    asyncio.run(write_sessions(database, [make_session(1)]))
    app = create_app(database, config=Config(refresh_interval=0), now=NOW)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            assert isinstance(app, ShadowTuiApp)
            await wait_until(pilot, lambda: app.main_screen is not None and app.main_screen.task_list.loaded, "the list")
            assert app.main_screen is not None
            await body(app, pilot, app.main_screen)

    asyncio.run(main())


async def open_diffs(pilot: Pilot[None], main_screen: MainScreen) -> DiffsPane:
    """Open the selected task on its Diffs tab and wait for the diff."""
    await pilot.press("enter", "4")
    await wait_until(pilot, lambda: isinstance(main_screen.detail.active_pane, DiffsPane), "the Diffs tab")
    pane = main_screen.detail.active_pane
    assert isinstance(pane, DiffsPane)
    await wait_until(pilot, lambda: pane.diff_view.line_count > 0, "the diff")
    return pane


def test_zoom_fits_side_by_side(tmp_path: Path) -> None:
    async def body(_app: ShadowTuiApp, pilot: Pilot[None], main_screen: MainScreen) -> None:
        pane = await open_diffs(pilot, main_screen)
        assert main_screen.detail.size.width < 120

        await pilot.press("v")
        assert not pane.side_by_side

        await pilot.press("z")
        await pilot.pause()
        assert main_screen.maximized is main_screen.detail
        assert main_screen.detail.size.width >= 199
        await pilot.press("v")
        await wait_until(pilot, lambda: pane.side_by_side, "the side-by-side view")

        await pilot.press("escape")
        await pilot.pause()
        assert main_screen.maximized is None
        assert main_screen.detail.size.width < 120

    run_on_one_task(tmp_path, (200, 50), body)


def test_zoom_narrow_explains_instead(tmp_path: Path) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None], main_screen: MainScreen) -> None:
        await pilot.press("enter")
        await wait_until(pilot, lambda: main_screen.detail.task_row is not None, "the open task")
        await pilot.press("z")
        await pilot.pause()
        assert main_screen.maximized is None
        messages = [notification.message for notification in app._notifications]
        assert any("already fills the screen" in message for message in messages)

    run_on_one_task(tmp_path, (80, 24), body)


def test_side_by_side_narrow_says_widen(tmp_path: Path) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None], main_screen: MainScreen) -> None:
        pane = await open_diffs(pilot, main_screen)
        await pilot.press("v")
        await pilot.pause()
        assert not pane.side_by_side
        messages = [notification.message for notification in app._notifications]
        assert any("widen the terminal to 120 columns" in message for message in messages)
        assert not any("press z" in message for message in messages)

    run_on_one_task(tmp_path, (80, 24), body)
