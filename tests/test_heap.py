"""The glibc malloc settings of the browser process."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from pathlib import Path

from test_tui_app import run
from textual.pilot import Pilot

from factories import make_session, write_sessions
from shadow_tui.heap import limit_heap_retention, release_free_memory


def _is_glibc() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc ")
    except (ValueError, OSError):
        return False


def test_trim_threshold_set_on_glibc() -> None:
    assert limit_heap_retention() is _is_glibc()


def test_free_memory_released_on_glibc() -> None:
    # Blocks of 64 KiB come from the heap (below the 128 KiB mmap threshold),
    # and freeing every other one leaves whole free pages between used ones.
    blocks = [bytearray(64 * 1024) for _ in range(200)]
    del blocks[::2]
    assert release_free_memory() is _is_glibc()
    assert len(blocks) == 100


def test_startup_objects_frozen_while_app_runs(tmp_path: Path) -> None:
    database = str(tmp_path / "tasks.db")
    asyncio.run(write_sessions(database, [make_session(index) for index in range(3)]))
    frozen_while_running: list[int] = []

    async def body(pilot: Pilot[None]) -> None:
        frozen_while_running.append(gc.get_freeze_count())

    assert gc.get_freeze_count() == 0
    run(database, body)
    assert frozen_while_running[0] > 0
    assert gc.get_freeze_count() == 0
