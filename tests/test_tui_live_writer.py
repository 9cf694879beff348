"""The browser open on a SQLite database in WAL mode while a recorder process writes to it.

A separate process (tests/live_writer.py) records 50 chat messages and 5
commands per second into one running task for two minutes, through
`Recorder`, one transaction per row. Meanwhile the app, driven by the
pilot, opens that task, turns follow mode on, switches tabs and filters
the list, with the live refresh every 2 seconds. The test runs for about
two and a half minutes by design.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest
from textual.pilot import Pilot

from factories import make_session, write_sessions
from shadow_tui.config import Config
from shadow_tui.db.access import open_writer
from shadow_tui.recorder import Recorder
from shadow_tui.tui.app import ShadowTuiApp
from shadow_tui.tui.messages import ErrorReported
from shadow_tui.tui.panes.chat import ChatPane
from shadow_tui.tui.panes.commands import CommandsPane
from shadow_tui.tui.panes.timeline import TimelinePane
from shadow_tui.tui.screens.error import ErrorScreen
from shadow_tui.tui.widgets.message_list import BODY_CACHE_MESSAGES

WRITER = Path(__file__).with_name("live_writer.py")
LIVE_TASK = "live-recording-task-01"
WRITE_SECONDS = 120
MESSAGES_PER_S = 50
COMMANDS_PER_S = 5
REFRESH_INTERVAL_S = 2.0
# How long the app may take to show the last rows after the writer has finished.
CATCH_UP_S = 60.0
# Filters that all keep the live task in the list, also once the writer has marked it
# completed, so the open task stays the same.
FILTERS = ("status:running,completed", "repo:live", "recording", "id:live-rec", "")


class RecordingApp(ShadowTuiApp):
    """The browser, keeping every error that a worker reported and every screen it pushed."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.reported: list[str] = []
        self.error_screens = 0

    def on_error_reported(self, message: ErrorReported) -> None:
        self.reported.append(message.message)
        super().on_error_reported(message)

    def push_screen(self, screen, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        if isinstance(screen, ErrorScreen):
            self.error_screens += 1
        return super().push_screen(screen, *args, **kwargs)


@pytest.fixture
def live_db(tmp_path: Path) -> Path:
    """Ten finished tasks and one running task, created now so it is the newest."""
    path = tmp_path / "live.db"
    asyncio.run(write_sessions(str(path), [make_session(index) for index in range(1, 11)]))

    async def start() -> None:
        async with open_writer(str(path)) as (_target, engine):
            await Recorder(engine).start_task(
                task_id=LIVE_TASK, repo_url="https://github.com/acme/live", title="Live recording",
                created_at=datetime.now(timezone.utc),
            )

    asyncio.run(start())
    return path


def database_counts(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as connection:
        messages = connection.execute("SELECT count(*) FROM chat_messages WHERE task_id = ?", (LIVE_TASK,)).fetchone()[0]
        commands = connection.execute("SELECT count(*) FROM task_commands WHERE task_id = ?", (LIVE_TASK,)).fetchone()[0]
    return messages, commands


async def wait_for(pilot: Pilot[None], condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            app = pilot.app
            raise AssertionError(
                f"{what}: not reached within {timeout} s; errors reported: {getattr(app, 'reported', None)}"
            )
        await pilot.pause(0.1)


async def browse_while_writing(pilot: Pilot[None], app: RecordingApp, writer: subprocess.Popen[str]) -> int:
    """Open the live task, follow it, and keep switching tabs and filters until the writer exits."""
    main = app.main_screen
    assert main is not None
    await wait_for(pilot, lambda: main.task_list.loaded, 30, "the task list loads")
    assert not app.reported
    assert main.task_list.selected_task is not None
    assert main.task_list.selected_task.task_id == LIVE_TASK
    await pilot.press("enter")
    await wait_for(pilot, lambda: main.detail.task_row is not None, 10, "the live task opens")
    await pilot.press("f")
    assert app.follow is True

    steps = 0
    while writer.poll() is None:
        for tab in ("1", "2", "3"):
            await pilot.press(tab)
            await pilot.pause(1.5)
        query = FILTERS[steps % len(FILTERS)]
        # Escape moves the focus from the detail to the list, where ctrl+l edits the filter.
        await pilot.press("escape", "ctrl+l", "ctrl+u", *query, "enter")
        await pilot.pause(1.0)
        if main.detail.task_row is None or main.detail.task_row.task_id != LIVE_TASK:
            raise AssertionError(f"the filter {query!r} left {main.detail.task_row} open, not the live task")
        steps += 1
    return steps


async def check_panes_show_everything(pilot: Pilot[None], app: RecordingApp, messages: int, commands: int) -> None:
    main = app.main_screen
    assert main is not None
    chat = main.detail.pane("chat")
    command_pane = main.detail.pane("commands")
    timeline = main.detail.pane("timeline")
    assert isinstance(chat, ChatPane)
    assert isinstance(command_pane, CommandsPane)
    assert isinstance(timeline, TimelinePane)

    await pilot.press("2")
    await wait_for(pilot, lambda: len(chat.message_list.messages) == messages, CATCH_UP_S, "Chat shows every message")
    view = chat.message_list
    await pilot.pause(0.5)
    assert view.selected == messages - 1
    assert view.scroll_y == view.max_scroll_y
    assert view.messages[-1].content.startswith(f"Message {messages - 1}:")
    # Rendered Markdown bodies stay in a bounded cache however many messages arrive.
    assert view.rendered_count <= BODY_CACHE_MESSAGES

    await pilot.press("3")
    await wait_for(pilot, lambda: len(command_pane.commands) == commands, CATCH_UP_S, "Commands shows every command")
    assert command_pane.list_view.cursor == commands - 1
    assert command_pane.selected is not None
    assert command_pane.selected.command_text == f"pytest -q tests/test_module_{commands - 1}.py"
    list_view = command_pane.list_view
    assert list_view.scroll_y <= commands - 1 < list_view.scroll_y + list_view.size.height

    await pilot.press("1")
    total = messages + commands
    await wait_for(pilot, lambda: len(timeline.items) == total, CATCH_UP_S, "Timeline shows every row")
    assert timeline.list_view.cursor == total - 1
    rows = timeline.list_view
    assert rows.scroll_y <= total - 1 < rows.scroll_y + rows.size.height


def test_live_writer_while_browsing(live_db: Path, app_log: Callable[[str], Path]) -> None:
    log_path = app_log("info")
    app = RecordingApp(str(live_db), config=Config(refresh_interval=REFRESH_INTERVAL_S), log_path=log_path)
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(live_db), LIVE_TASK, str(WRITE_SECONDS), str(MESSAGES_PER_S),
         str(COMMANDS_PER_S)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )

    async def main() -> int:
        async with app.run_test(size=(160, 50)) as pilot:
            steps = await browse_while_writing(pilot, app, writer)
            assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
            messages, commands = database_counts(live_db)
            await check_panes_show_everything(pilot, app, messages, commands)
            return steps

    try:
        steps = asyncio.run(main())
        output, errors = writer.communicate(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()

    result = json.loads(output.strip().splitlines()[-1])
    # Writers put the file in WAL mode while they run and back in rollback-journal mode when done.
    assert result["journal_mode"] == "wal", result
    assert result["messages"] == WRITE_SECONDS * MESSAGES_PER_S, result
    assert result["commands"] == WRITE_SECONDS * COMMANDS_PER_S, result
    assert database_counts(live_db) == (result["messages"], result["commands"])
    assert "locked" not in errors
    log = log_path.read_text(encoding="utf-8") if log_path.exists() else ""
    assert "database is locked" not in log
    assert " ERROR " not in log, log[-2000:]
    assert app.reported == []
    assert app.error_screens == 0
    notes = [note.message for note in app._notifications]
    assert not [note for note in notes if "locked" in note or "failed" in note], notes
    assert app.return_code in (None, 0)
    # Every filter was applied at least once while the writer ran.
    assert steps >= len(FILTERS)
