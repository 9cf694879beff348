"""The live refresh of the Chat, Commands and Timeline panes: rows added at the end are appended.

A row inserted before the last one shown, or a deleted row, makes the
pane read the task again, so it never shows a wrong list.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from factories import NOW, make_session, write_sessions
from shadow_tui.db.access import open_writer
from shadow_tui.recorder import Recorder
from shadow_tui.tui.panes.chat import ChatPane
from shadow_tui.tui.panes.commands import CommandsPane
from shadow_tui.tui.panes.timeline import TimelinePane
from test_tui_panes import PaneApp, wait_until

TASK = "task0000"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """One task with 2 messages, 3 commands and 1 edit (see `make_session`)."""
    path = tmp_path / "refresh.db"
    asyncio.run(write_sessions(str(path), [make_session(0)]))
    return path


async def record(path: Path, *, messages: int = 0, commands: int = 0, **options: object) -> None:
    async with open_writer(str(path)) as (_target, engine):
        recorder = Recorder(engine)
        for index in range(messages):
            await recorder.add_message(TASK, "agent", f"appended {index}", **options)  # type: ignore[arg-type]
        for index in range(commands):
            await recorder.record_command(TASK, f"make step{index}", exit_code=0, **options)  # type: ignore[arg-type]


async def test_chat_refresh_appends(database: Path) -> None:
    pane = ChatPane()
    app = PaneApp(database, pane, TASK)
    async with app.run_test(size=(90, 30)) as pilot:
        view = pane.message_list
        await wait_until(pilot, lambda: len(view.messages) == 2, "two messages")
        first = view.messages[0]
        await record(database, messages=3)
        pane.refresh_task()
        await wait_until(pilot, lambda: len(view.messages) == 5, "five messages")
        assert view.messages[0] is first
        assert [message.content for message in view.messages[2:]] == ["appended 0", "appended 1", "appended 2"]
        assert view.selected == 0


async def test_chat_refresh_follow_moves_to_end(database: Path) -> None:
    pane = ChatPane()
    app = PaneApp(database, pane, TASK)
    async with app.run_test(size=(90, 10)) as pilot:
        view = pane.message_list
        await wait_until(pilot, lambda: len(view.messages) == 2, "two messages")
        app.follow = True
        await record(database, messages=4)
        pane.refresh_task()
        await wait_until(pilot, lambda: view.selected == 5, "the newest message selected")
        assert view.scroll_y == view.max_scroll_y


async def test_chat_insert_before_reloads(database: Path) -> None:
    pane = ChatPane()
    app = PaneApp(database, pane, TASK)
    async with app.run_test(size=(90, 30)) as pilot:
        view = pane.message_list
        await wait_until(pilot, lambda: len(view.messages) == 2, "two messages")
        await record(database, messages=1, sequence=-1)
        pane.refresh_task()
        await wait_until(pilot, lambda: len(view.messages) == 3, "three messages")
        assert view.messages[0].content == "appended 0"


async def test_chat_deleted_row_reloads(database: Path) -> None:
    pane = ChatPane()
    app = PaneApp(database, pane, TASK)
    async with app.run_test(size=(90, 30)) as pilot:
        view = pane.message_list
        await wait_until(pilot, lambda: len(view.messages) == 2, "two messages")
        with sqlite3.connect(database) as connection:
            connection.execute("DELETE FROM chat_messages WHERE message_id = ?", (f"{TASK}-m1",))
        await record(database, messages=1)
        pane.refresh_task()
        await wait_until(pilot, lambda: view.messages[-1].content == "appended 0", "the new message")
        assert [message.message_id for message in view.messages][0] == f"{TASK}-m2"
        assert len(view.messages) == 2


async def test_commands_refresh_keeps_selection(database: Path) -> None:
    pane = CommandsPane()
    app = PaneApp(database, pane, TASK)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(pane.commands) == 3, "three commands")
        pane.list_view.move_cursor(1)
        selected = pane.selected
        assert selected is not None
        await record(database, commands=2)
        pane.refresh_task()
        await wait_until(pilot, lambda: len(pane.commands) == 5, "five commands")
        assert pane.selected == selected
        assert pane.commands[-1].command_text == "make step1"


async def test_timeline_refresh_appends_in_order(database: Path) -> None:
    pane = TimelinePane()
    app = PaneApp(database, pane, TASK)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(pane.items) == 6, "six rows")
        first = pane.items[0]
        await record(database, messages=1, commands=1)
        pane.refresh_task()
        await wait_until(pilot, lambda: len(pane.items) == 8, "eight rows")
        assert pane.items[0] is first
        assert [item.kind for item in pane.items[-2:]] == ["message", "command"]


async def test_timeline_earlier_row_sorted(database: Path) -> None:
    pane = TimelinePane()
    app = PaneApp(database, pane, TASK)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(pane.items) == 6, "six rows")
        await record(database, commands=1, created_at=NOW - timedelta(days=1))
        pane.refresh_task()
        await wait_until(pilot, lambda: len(pane.items) == 7, "seven rows")
        assert pane.items[0].kind == "command"
        assert pane.items[0].text.plain.endswith("make step0  exit 0")
