"""Make glibc's malloc give freed memory back to the system, for the long-running browser.

`limit_heap_retention` runs once at start-up and `release_free_memory`
after a pane has loaded and dropped large values.

By default glibc raises its mmap threshold to the size of each large block
that is freed (up to 32 MiB on 64-bit) and its trim threshold to twice
that (mallopt(3), "M_MMAP_THRESHOLD"). After SQLite has read a 20 MB
command output into a buffer of its own and freed it, later blocks of up
to 20 MB then come from the heap, and up to 40 MB of freed heap stays
resident. Setting M_TRIM_THRESHOLD turns that adjustment off, so blocks of
128 KiB or more are mapped and unmapped on their own again and a free heap
top larger than the threshold is returned.

On the benchmark's heaviest task (benchmarks/run.py --only memory, small
scale, 2-core VM) the resident memory after its Commands tab dropped from
157 MB to 133 MB with a 1 MiB threshold, set through MALLOC_TRIM_THRESHOLD_.
The trim threshold only returns the top of the heap. malloc_trim(0) also
returns the free pages inside it, which the many small values of a loaded
task leave behind. Called after each tab of that task finished loading, it
lowered the resident memory after the tab by 3 to 5 MB and took 0.1 to
0.3 ms a call (large scale, one run).
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import sys
from typing import Final

logger = logging.getLogger(__name__)

M_TRIM_THRESHOLD: Final = -1
"""The mallopt(3) parameter number, from glibc's malloc.h."""
TRIM_THRESHOLD_BYTES: Final = 1 << 20
"""Free memory at the top of the heap above this size is returned to the system."""


def limit_heap_retention() -> bool:
    """Set glibc's trim threshold to `TRIM_THRESHOLD_BYTES`; return whether it was set.

    Does nothing and returns False on a C library other than glibc.
    """
    libc = _glibc()
    if libc is None:
        return False
    mallopt = libc.mallopt
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    if mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) != 1:
        logger.warning("mallopt(M_TRIM_THRESHOLD, %d) failed, so freed memory may stay resident",
                       TRIM_THRESHOLD_BYTES)
        return False
    logger.debug("Set the malloc trim threshold to %d bytes", TRIM_THRESHOLD_BYTES)
    return True


def release_free_memory() -> bool:
    """Return the free pages of glibc's heap to the system (malloc_trim(0)); return whether any were returned.

    Does nothing and returns False on a C library other than glibc.
    """
    libc = _glibc()
    if libc is None:
        return False
    malloc_trim = libc.malloc_trim
    malloc_trim.argtypes = [ctypes.c_size_t]
    malloc_trim.restype = ctypes.c_int
    return bool(malloc_trim(0))


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """Return the process's C library when it is glibc, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        version = os.confstr("CS_GNU_LIBC_VERSION")
    except (ValueError, OSError):
        # musl and other C libraries do not know the name.
        return None
    if not version or not version.startswith("glibc "):
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt  # noqa: B018 - raises AttributeError when the symbol is missing
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError) as error:
        logger.warning("Could not load mallopt and malloc_trim from %s, so freed memory may stay resident: %s",
                       version, error)
        return None
    return libc
