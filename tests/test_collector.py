"""The browser freezes the objects of its start-up once, so full garbage collections stay short."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from factories import NOW, make_session, write_sessions
from shadow_tui.config import Config
from shadow_tui.tui.app import create_app
from shadow_tui.tui.screens import main as main_screen


def test_freeze_happens_once() -> None:
    # In a child process: a freeze lasts as long as the process.
    code = (
        "import gc\n"
        "from shadow_tui.tui.collector import freeze_startup_objects\n"
        "freeze_startup_objects()\n"
        "first = gc.get_freeze_count()\n"
        "later = [[index] for index in range(1000)]\n"
        "freeze_startup_objects()\n"
        "print(first, gc.get_freeze_count())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    first, after_second_call = (int(value) for value in result.stdout.split())
    assert first > 1000
    assert after_second_call == first


async def test_app_freezes_after_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = str(tmp_path / "tasks.db")
    await write_sessions(database, [make_session(index) for index in range(3)])
    calls: list[bool] = []
    monkeypatch.setattr(main_screen, "freeze_startup_objects", lambda: calls.append(True))
    app = create_app(database, config=Config(refresh_interval=0), now=NOW)
    async with app.run_test() as pilot:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not calls and loop.time() < deadline:
            await pilot.pause(0.05)
        main = app.main_screen
        assert main is not None
        assert main.started
        await pilot.pause(0.2)
    assert calls == [True]
