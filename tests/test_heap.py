"""The glibc malloc settings of the browser process."""

from __future__ import annotations

import os
import sys

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
