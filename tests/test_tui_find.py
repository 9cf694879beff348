"""The find bar and n/N in the Commands and Diffs tabs: which view they search."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.pilot import Pilot

from factories import NOW, make_session, write_sessions
from test_tui_panes import wait_until
from shadow_tui.config import Config
from shadow_tui.tui.app import ShadowTuiApp, create_app
from shadow_tui.tui.panes.commands import CommandsPane
from shadow_tui.tui.panes.diffs import DiffsPane

OUTPUT = "start\nok one\nmiddle\nok two\nend\nok three\n"
DIFF = "@@ -1,3 +1,3 @@\n context\n-old tenant line\n+new tenant line\n"


@pytest.fixture
def find_db(tmp_path: Path) -> str:
    path = str(tmp_path / "find.db")
    asyncio.run(write_sessions(path, [make_session(1, output=OUTPUT, diff=DIFF)]))
    return path



async def _open_tab(pilot: Pilot[None], key: str, pane_type: type) -> CommandsPane | DiffsPane:  # type: ignore[type-arg]
    app = pilot.app
    assert isinstance(app, ShadowTuiApp)
    await wait_until(pilot, lambda: app.main_screen is not None and app.main_screen.task_list.loaded, "the task list")
    await pilot.press("enter")
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.main_screen.detail.active_pane, pane_type), "the tab")  # type: ignore[union-attr]
    pane = app.main_screen.detail.active_pane  # type: ignore[union-attr]
    await wait_until(pilot, lambda: pane.list_view.line_count > 0, "the pane's list")
    pane.list_view.focus()
    await pilot.pause()
    return pane


async def _find(pilot: Pilot[None], text: str) -> None:
    await pilot.press("slash", *text, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)


def _run(database: str, body) -> None:  # type: ignore[no-untyped-def]
    app = create_app(database, config=Config(refresh_interval=0), now=NOW)

    async def main() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await body(pilot)

    asyncio.run(main())


def test_find_from_list_searches_output(find_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        pane = await _open_tab(pilot, "3", CommandsPane)
        await wait_until(pilot, lambda: pane.output_view.line_count >= 6, "the output")

        await _find(pilot, "ok")
        assert pane.output_view.marked_line == 1

        for expected in (3, 5, 1):
            await pilot.press("n")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.1)
            assert pane.output_view.marked_line == expected
        await pilot.press("N")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.1)
        assert pane.output_view.marked_line == 5
        assert not [note for note in pilot.app._notifications if "No match" in note.message]

    _run(find_db, body)


def test_find_in_list_when_rows_match(find_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        pane = await _open_tab(pilot, "3", CommandsPane)

        await _find(pilot, "git status")

        assert pane.list_view.marked_line == 1
        assert pane.output_view.search_term == ""

    _run(find_db, body)


def test_find_next_in_diff(find_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        pane = await _open_tab(pilot, "4", DiffsPane)
        await wait_until(pilot, lambda: pane.diff_view.line_count > 3, "the diff")

        await _find(pilot, "tenant")
        first = pane.diff_view.marked_line
        assert first is not None
        assert "tenant" in pane.diff_view.source.plain(first)

        await pilot.press("n")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.1)
        second = pane.diff_view.marked_line
        assert second is not None
        assert second != first
        assert "tenant" in pane.diff_view.source.plain(second)

    _run(find_db, body)
