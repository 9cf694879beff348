"""The demo database that `shadow-tui --demo` opens, created in the user cache folder on first use."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import platformdirs

logger = logging.getLogger(__name__)

DEMO_TASKS = 200
DEMO_SEED = 0


def demo_database_path() -> Path:
    """Return the demo database file in the user cache folder."""
    return platformdirs.user_cache_path("shadow-tui") / "demo.db"


def ensure_demo_database(path: Path | None = None) -> Path:
    """Create the demo database on first use and return its path."""
    from shadow_tui.demo import write_demo_database

    path = path or demo_database_path()
    if path.exists() and path.stat().st_size > 0:
        return path
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, *(partial.with_name(partial.name + suffix) for suffix in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    logger.info("Creating the demo database %s", path)
    asyncio.run(write_demo_database(str(partial), tasks=DEMO_TASKS, seed=DEMO_SEED))
    # Written under another name first, so an interrupted run never leaves a half database.
    partial.replace(path)
    return path
