"""The browser open on a private PostgreSQL server that stops and starts again.

The server is the test's own (tests/pg_server.py), never a shared one.
While it is down, the app reports that in a status line and a notification,
without a traceback or the password, and keeps trying to reconnect. When
the server is back, the list and the open task load again without a
restart, and a new filter works.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from pg_server import PASSWORD, SEEDED_TASKS, PrivateServer, private_server
from shadow_tui.config import Config
from shadow_tui.tui.app import ShadowTuiApp, create_app
from shadow_tui.tui.panes.chat import ChatPane
from shadow_tui.tui.panes.commands import CommandsPane
from shadow_tui.tui.screens.error import ErrorScreen

# Seconds to wait for each step. Reconnect attempts are at most 4 s apart.
STEP_TIMEOUT_S = 30.0


@pytest.fixture(scope="module")
def server() -> Iterator[PrivateServer]:
    with private_server() as instance:
        yield instance


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT_S
    while not condition():
        if loop.time() > deadline:
            notes = [note.message for note in pilot.app._notifications]
            raise AssertionError(f"{what}: not reached within {STEP_TIMEOUT_S} s; notifications {notes}")
        await pilot.pause(0.1)


def test_server_restart_while_open(server: PrivateServer, app_log: Callable[[str], Path]) -> None:
    log_path = app_log("debug")
    app = create_app(server.url(), config=Config(refresh_interval=1.0))
    masked_url = f"postgresql://postgres:***@127.0.0.1:{server.port}/postgres"
    seen: dict[str, str] = {}

    async def main() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            assert isinstance(app, ShadowTuiApp)
            screen = app.main_screen
            assert screen is not None
            status = screen.connection_status
            chat = screen.detail.pane("chat")
            commands = screen.detail.pane("commands")
            assert isinstance(chat, ChatPane)
            assert isinstance(commands, CommandsPane)
            await wait_for(pilot, lambda: screen.task_list.loaded and screen.task_list.total == SEEDED_TASKS,
                           "the list loads")
            await pilot.press("enter", "2")
            await wait_for(pilot, lambda: len(chat.message_list.messages) == 2, "the chat of the open task loads")
            assert status.message == ""

            await asyncio.to_thread(server.stop)
            # The live refresh reads the list every second and finds the server gone.
            await wait_for(pilot, lambda: app.connection_lost and "Lost the connection" in status.message,
                           "the status line reports the lost connection")
            seen["lost"] = status.message
            # A tab that was not loaded yet fails to load while the server is down.
            await pilot.press("3")
            await wait_for(pilot, lambda: "attempt 2 failed" in status.message, "a second reconnect attempt")
            seen["retrying"] = status.message
            assert not isinstance(app.screen, ErrorScreen)
            assert commands.commands == []

            await asyncio.to_thread(server.start)
            await wait_for(pilot, lambda: not app.connection_lost, "the app reconnects")
            seen["reconnected"] = status.message
            seen["notifications"] = "\n".join(note.message for note in app._notifications)
            await wait_for(pilot, lambda: len(commands.commands) == 3, "the open task's commands load")
            assert screen.detail.task_row is not None
            assert screen.detail.task_row.task_id == "task0000"
            assert screen.task_list.total == SEEDED_TASKS

            await pilot.press("ctrl+l", "ctrl+u", *"id:task0002", "enter")
            await wait_for(pilot, lambda: screen.task_list.total == 1, "the new filter lists one task")
            selected = screen.task_list.selected_task
            assert selected is not None
            assert selected.task_id == "task0002"
            await wait_for(pilot, lambda: status.message == "", "the status line hides")
            assert not status.has_class("-lost")

    asyncio.run(main())

    assert f"Lost the connection to {masked_url}" in seen["lost"]
    assert "Reconnecting" in seen["lost"]
    assert "attempt 2 failed; next attempt in" in seen["retrying"]
    assert seen["reconnected"].startswith(f"Reconnected to {masked_url}")
    for text in seen.values():
        assert PASSWORD not in text
        assert "Traceback" not in text
    assert "Reconnected" in seen["notifications"]
    assert "Lost the connection" not in seen["notifications"]
    log = log_path.read_text(encoding="utf-8")
    assert PASSWORD not in log
    assert "Reconnect attempt 2 to" in log
    assert f"Reconnected to {masked_url}" in log
