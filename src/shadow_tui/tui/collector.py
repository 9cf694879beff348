"""Short full garbage collections for the browser, by freezing the objects of its start-up.

A full (generation 2) collection of CPython traverses every object that
the collector tracks, about 115,000 once Textual, SQLAlchemy and the list
are loaded. Each full collection then paused the event loop for 58 to
71 ms (large benchmark database, 2-core machine), and one fell into the
20 filters of `benchmarks/run.py --only filter` in each of three traced
runs. `gc.freeze()` moves every tracked object to a permanent generation
that collections skip. Nearly all objects at the end of start-up are
modules, classes, functions and widgets that live as long as the app.
After the freeze, full collections during the filters took about 4 ms.
Opening the Diffs tab of the benchmark's heaviest task also met a full
collection of 80 to 92 ms in 3 of 6 traced runs before, and none after.
"""

from __future__ import annotations

import gc
import logging

logger = logging.getLogger(__name__)

_frozen = False


def freeze_startup_objects() -> None:
    """Move the objects that exist now out of the reach of later collections. Does nothing after the first call.

    NOTE: Objects frozen here that later become garbage in a reference
    cycle are never freed, and neither is cyclic garbage that exists at the
    freeze. Objects without cycles are still freed when their last
    reference goes. A `gc.collect()` before the freeze would free that
    garbage, but it paused the loop just as a task opened at start-up
    loaded: Chat's first screen took 122 ms instead of 77 (medians of 5
    runs, `benchmarks/run.py --scale large --only heavy`), while peak memory
    was the same (143.4 and 143.8 MB).
    """
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.freeze()
    logger.debug("Froze %d objects of start-up out of later garbage collections", gc.get_freeze_count())
