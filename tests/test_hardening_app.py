"""The browser never writes to the database it shows.

On SQLite a Pilot session visits every screen and pane, and afterwards the
folder that contains the database is unchanged: the same files, the same bytes
and the same modification times. This works because writers leave a
finished file in rollback-journal mode, because a read-only connection to a
file in WAL mode would create the -wal and -shm files beside it. On both backends a
write through the running app's own engine fails as read-only.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from textual.pilot import Pilot

from factories import NOW, make_session, write_sessions
from shadow_tui.config import Config
from shadow_tui.db.writer import CommandData, EditData, MessageData, SessionData
from shadow_tui.tui.app import ShadowTuiApp, create_app
from shadow_tui.tui.panes.diffs import DiffsPane
from shadow_tui.tui.screens.help import HelpScreen
from shadow_tui.tui.screens.main import MainScreen
from shadow_tui.tui.screens.search import SearchScreen
from shadow_tui.tui.widgets.detail import TABS

# A terminal wide enough for the list beside the detail and for side-by-side diffs.
WIDE_SIZE = (250, 60)
FULL_TASK_ID = "task0001"
TWO_HUNK_DIFF = (
    "diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n"
    "@@ -1,3 +1,3 @@\n import os\n-def main():\n+def main(argv=None):\n     pass\n"
    "@@ -10,2 +10,2 @@\n x = 1\n-y = 2\n+y = 3\n"
)
# Read-only errors, as SQLite and PostgreSQL word them.
READ_ONLY_MESSAGES = ("attempt to write a readonly database", "read-only transaction")


def full_session() -> SessionData:
    """Return a task with rows of every kind: messages, commands with output, two diffs, an artifact."""
    session = make_session(1, status="error", message="please fix the zebra parser",
                           output="\x1b[31mFAILED\x1b[0m tests/test_zebra.py::test_parse\nzebra line 2\n",
                           diff=TWO_HUNK_DIFF)
    created = session.task.created_at
    session.messages.append(MessageData(f"{FULL_TASK_ID}-m3", "user", "and the zebra docs", created + timedelta(seconds=6), 2))
    session.commands.append(CommandData(f"{FULL_TASK_ID}-c4", "seq 300", "".join(f"zebra {n}\n" for n in range(300)),
                                        created + timedelta(seconds=7), exit_code=0))
    session.edits.append(EditData(f"{FULL_TASK_ID}-e2", "docs/zebra.md",
                                  "--- /dev/null\n+++ b/docs/zebra.md\n@@ -0,0 +1,2 @@\n+# Zebra\n+text\n",
                                  created + timedelta(seconds=8)))
    session.task = replace(session.task, title="Fix the zebra parser")
    return session


def folder_state(folder: Path) -> dict[str, tuple[str, int]]:
    """Return each file in `folder` by name, with the SHA-256 of its bytes and its mtime in ns."""
    return {
        path.name: (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        for path in sorted(folder.iterdir())
    }


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Let the app run until `condition()` holds; fail naming `what` after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await pilot.pause(0.05)


async def wait_loaded(pilot: Pilot[None], app: ShadowTuiApp) -> MainScreen:
    await wait_for(pilot, lambda: app.main_screen is not None and app.main_screen.task_list.loaded, "the task list")
    main = app.main_screen
    assert main is not None
    return main


async def type_text(pilot: Pilot[None], value: str) -> None:
    await pilot.press(*("space" if character == " " else character for character in value))


async def visit_tab(pilot: Pilot[None], main: MainScreen, number: int) -> None:
    """Press the tab's number key and wait until its pane has loaded the open task."""
    key = TABS[number - 1][0]
    await pilot.press(str(number))
    pane = main.detail.pane(key)
    await wait_for(pilot, lambda: main.detail.active_tab == key, f"the {key} tab")
    await wait_for(pilot, lambda: pane._loaded_task_id == FULL_TASK_ID, f"the {key} pane to load")


async def find_in_pane(pilot: Pilot[None], word: str) -> None:
    """Find `word` with the find bar, then step with n and N."""
    await pilot.press("slash")
    await type_text(pilot, word)
    await pilot.press("enter", "n", "n", "N")
    await pilot.pause()


async def visit_everything(pilot: Pilot[None], app: ShadowTuiApp) -> None:
    """Use every screen, tab and toggle of the browser, as a person at the keyboard would."""
    main = await wait_loaded(pilot, app)

    # The query bar: filter, toggle a status, show all again.
    await pilot.press("slash")
    await type_text(pilot, "status:error zebra")
    await pilot.press("enter")
    await wait_for(pilot, lambda: main.task_list.task_filter.statuses == ("error",), "the filter")
    await wait_for(pilot, lambda: main.task_list.total == 1, "the filtered list")
    await pilot.press("x")
    await wait_for(pilot, lambda: main.task_list.task_filter.statuses == (), "the error status toggled off")
    await pilot.press("x", "A")
    await wait_for(pilot, lambda: main.task_list.total == 2, "the list without a status filter")
    await pilot.press("slash", "end", "ctrl+u", "enter")
    await wait_for(pilot, lambda: main.task_list.total == 3, "the unfiltered list")

    # Open the task with rows of every kind and visit each tab.
    await wait_for(pilot, lambda: main.task_list.select_task_id(FULL_TASK_ID), "the task in the list")
    await pilot.press("enter")
    await wait_for(pilot, lambda: main.detail.task_row is not None, "the open task")
    await visit_tab(pilot, main, 1)
    await pilot.press("j", "j", "enter")
    await visit_tab(pilot, main, 2)
    await pilot.press("right_square_bracket", "left_square_bracket")
    await find_in_pane(pilot, "zebra")
    await visit_tab(pilot, main, 3)
    await pilot.press("G", "enter", "o")
    await find_in_pane(pilot, "zebra")
    await pilot.press("w", "number_sign", "w", "G", "g")
    await visit_tab(pilot, main, 4)
    diffs = main.detail.pane("diffs")
    assert isinstance(diffs, DiffsPane)
    await wait_for(pilot, lambda: diffs.rendering is not None, "the diff rendering")
    await pilot.press("v")
    await wait_for(pilot, lambda: diffs.side_by_side, "the side-by-side diff")
    await pilot.press("right_square_bracket", "right_curly_bracket", "left_curly_bracket")
    await find_in_pane(pilot, "main")
    await pilot.press("w", "v")
    await visit_tab(pilot, main, 5)
    await visit_tab(pilot, main, 6)

    # Follow mode, refresh, help.
    await pilot.press("f", "f", "r")
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
    await pilot.press("j", "escape")
    await wait_for(pilot, lambda: app.screen is main, "the main screen after help")

    # Global search, and opening its first hit.
    await pilot.press("escape", "escape", "s")
    await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
    search = app.screen
    assert isinstance(search, SearchScreen)
    await type_text(pilot, "zebra")
    await wait_for(pilot, lambda: search.searched == "zebra" and bool(search.hits), "search results")
    await pilot.press("down", "enter")
    await wait_for(pilot, lambda: app.screen is main, "the main screen after search")
    await wait_for(pilot, lambda: main.detail.task_row is not None, "the search hit's task")
    await app.workers.wait_for_complete()
    await pilot.pause()


def run_app(database: str, body: Callable[[Pilot[None], ShadowTuiApp], object]) -> None:
    app = create_app(database, config=Config(refresh_interval=0), now=NOW)

    async def main() -> None:
        async with app.run_test(size=WIDE_SIZE) as pilot:
            await body(pilot, app)  # type: ignore[misc]

    asyncio.run(main())


@pytest.fixture
def sqlite_folder(tmp_path: Path) -> Path:
    """A folder with one SQLite database of three tasks, one with rows of every kind."""
    folder = tmp_path / "db"
    folder.mkdir()
    sessions = [full_session(), make_session(2), make_session(3, status="running", message="zebra")]
    asyncio.run(write_sessions(str(folder / "history.db"), sessions))
    return folder


def test_browser_leaves_sqlite_unchanged(sqlite_folder: Path) -> None:
    before = folder_state(sqlite_folder)
    assert list(before) == ["history.db"]

    run_app(str(sqlite_folder / "history.db"), visit_everything)

    after = folder_state(sqlite_folder)
    created = sorted(set(after) - set(before))
    assert created == [], f"the browser created {created} beside the database"
    assert after == before


@pytest.mark.parametrize("statement", [
    "UPDATE tasks SET status = 'written'",
    "CREATE TABLE written (x INTEGER)",
    "CREATE TEMP TABLE written (x INTEGER)",
])
def test_app_engine_rejects_writes(database_url: str, statement: str) -> None:
    asyncio.run(write_sessions(database_url, [full_session()]))
    errors: list[str] = []

    async def body(pilot: Pilot[None], app: ShadowTuiApp) -> None:
        await wait_loaded(pilot, app)
        assert app.engine is not None
        with pytest.raises(DBAPIError) as raised:
            async with app.engine.begin() as connection:
                await connection.execute(text(statement))
        errors.append(str(raised.value.orig))

    run_app(database_url, body)

    assert len(errors) == 1
    assert any(message in errors[0] for message in READ_ONLY_MESSAGES), errors[0]


def journal_mode(path: Path) -> str:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(connection.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        connection.close()


def test_writer_leaves_rollback_journal(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    asyncio.run(write_sessions(str(path), [full_session()]))

    assert journal_mode(path) == "delete"
    assert sorted(item.name for item in tmp_path.iterdir()) == ["history.db"]


def test_writer_keeps_wal_while_open(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    asyncio.run(write_sessions(str(path), [full_session()]))
    # Another connection in WAL mode, as a live `ingest` or the browser during one.
    other = sqlite3.connect(path)
    try:
        other.execute("PRAGMA journal_mode = WAL")
        other.execute("SELECT count(*) FROM tasks").fetchone()
        asyncio.run(write_sessions(str(path), [make_session(2)]))
        assert journal_mode(path) == "wal"
    finally:
        other.close()
