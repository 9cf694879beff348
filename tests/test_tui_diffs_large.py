"""The Diffs tab on large diffs: summaries first, chunks highlighted as the view needs them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_diff_lazy import large_diff
from test_tui_panes import START, USER, PaneApp, view_lines, wait_until

from shadow_tui.db.access import open_writer
from shadow_tui.db.writer import EditData, SessionData, TaskData, write_session
from shadow_tui.render.diff_lazy import CHUNK_ROWS, DiffDocument
from shadow_tui.render.highlight import shutdown_highlighter
from shadow_tui.tui.panes.diffs import DiffsPane

LARGE_TASK_ID = "task-large-diff"
MALFORMED_TASK_ID = "task-malformed-diff"
SMALL_DIFF = "--- a/b.py\n+++ b/b.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"


def _truncated(text: str) -> str:
    """Drop the last line, so the last hunk is shorter than its header states."""
    return text[: text.rindex("\n", 0, len(text) - 1) + 1]


async def _write(path: Path) -> None:
    large = SessionData(
        TaskData(LARGE_TASK_ID, USER, START),
        [],
        [],
        [
            EditData("e-large", "src/tables.py", large_diff(600), START),
            EditData("e-small", "b.py", SMALL_DIFF, START),
        ],
        [],
    )
    malformed = SessionData(
        TaskData(MALFORMED_TASK_ID, USER, START),
        [],
        [],
        [EditData("e-truncated", "src/tables.py", _truncated(large_diff(600)), START)],
        [],
    )
    async with open_writer(str(path)) as (_target, engine):
        async with engine.begin() as connection:
            await write_session(connection, large)
            await write_session(connection, malformed)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("diffs") / "diffs.db"
    asyncio.run(_write(path))
    yield path
    shutdown_highlighter()


def _document(pane: DiffsPane) -> DiffDocument:
    assert isinstance(pane.rendering, DiffDocument)
    return pane.rendering


async def test_large_diff_lists_parsed_counts(database: Path) -> None:
    pane = DiffsPane()
    app = PaneApp(database, pane, LARGE_TASK_ID)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: pane.parsed and pane.rendering is not None, "the parsed diff")
        counts = {entry.label: (entry.kind, entry.added, entry.removed) for entry in pane.entries}
        assert counts["src/tables.py"] == ("modified", 1_800, 1_200)
        assert counts["b.py"] == ("modified", 1, 1)
        assert counts["All files"] == (None, 1_801, 1_201)


async def test_large_diff_hunk_keys_land_on_headers(database: Path) -> None:
    pane = DiffsPane()
    app = PaneApp(database, pane, LARGE_TASK_ID)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: pane.rendering is not None, "the rendered diff")
        document = _document(pane)
        pane.diff_view.focus()
        for _ in range(3):
            await pilot.press("right_square_bracket")
        assert pane.diff_view.marked_line == document.hunk_starts[2]
        assert pane.diff_view.top_line == document.hunk_starts[2]
        assert pane.diff_view.render_line(0).text.startswith("@@ -91,5 +93,6 @@ def table_2():")
        await pilot.press("right_curly_bracket")
        assert pane.diff_view.marked_line == document.file_starts[1]
        await pilot.press("left_square_bracket")
        assert pane.diff_view.marked_line == document.hunk_starts[599]
        assert document.plain(document.hunk_starts[599]).startswith("@@ -26956,5 +27555,6 @@")


async def test_large_diff_highlights_chunk_in_view(database: Path) -> None:
    pane = DiffsPane()
    app = PaneApp(database, pane, LARGE_TASK_ID)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: pane.rendering is not None, "the rendered diff")
        document = _document(pane)
        assert document.is_rendered(1)
        far = 4 * CHUNK_ROWS + 10
        assert not document.is_rendered(far)
        pane.diff_view.scroll_to_line(far, center=False)
        await wait_until(pilot, lambda: document.is_rendered(far), "the chunk in view")
        assert pane.diff_view.top_line == far
        assert pane.diff_view.render_line(0).text.rstrip() == document.plain(far).rstrip()


async def test_large_malformed_diff_shows_raw_text(database: Path) -> None:
    pane = DiffsPane()
    app = PaneApp(database, pane, MALFORMED_TASK_ID)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: pane.rendering is not None, "the rendered diff")
        assert pane.entries[1].warning
        lines = view_lines(pane.diff_view)
        assert lines[1].startswith("⚠ The diff could not be parsed (Hunk is shorter than expected)")
        assert lines[2] == "--- a/src/tables.py"
        assert pane.diff_view.line_count == 2 + _truncated(large_diff(600)).count("\n")
