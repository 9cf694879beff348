"""Snapshots of the Commands and Diffs tabs at 80x24 and 120x40.

Update the SVG baselines with `pytest --snapshot-update` and look at them
before accepting a change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from shadow_tui.render.highlight import shutdown_highlighter
from shadow_tui.tui.panes.commands import CommandsPane
from shadow_tui.tui.panes.diffs import DiffsPane
from test_tui_panes import PaneApp, wait_until, write_database

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("pane-snapshots") / "panes.db"
    asyncio.run(write_database(path))
    yield path
    shutdown_highlighter()


async def commands_loaded(pilot: Pilot[Any]) -> None:
    pane = pilot.app.query_one(CommandsPane)
    await wait_until(pilot, lambda: pane.output_view.line_count > 0, "the first command's output")


async def diffs_rendered(pilot: Pilot[Any]) -> None:
    pane = pilot.app.query_one(DiffsPane)
    await wait_until(pilot, lambda: pane.rendering is not None, "the rendered diff")


async def side_by_side_rendered(pilot: Pilot[Any]) -> None:
    await diffs_rendered(pilot)
    pane = pilot.app.query_one(DiffsPane)
    pane.diff_view.focus()
    await pilot.press("v")
    await wait_until(pilot, lambda: pane.side_by_side and not pane.rendering_pending, "the side-by-side diff")


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_commands_tab_snapshot(database: Path, size: tuple[int, int], snap_compare: Any) -> None:
    assert snap_compare(PaneApp(database, CommandsPane()), terminal_size=size, run_before=commands_loaded)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_diffs_tab_snapshot(database: Path, size: tuple[int, int], snap_compare: Any) -> None:
    assert snap_compare(PaneApp(database, DiffsPane()), terminal_size=size, run_before=diffs_rendered)


def test_diffs_side_by_side_snapshot(database: Path, snap_compare: Any) -> None:
    app = PaneApp(database, DiffsPane())
    assert snap_compare(app, terminal_size=(120, 40), run_before=side_by_side_rendered)
