"""Closing an engine whose queries may have been cancelled mid-flight.

When a task is cancelled during a query on aiosqlite, SQLAlchemy (2.1)
invalidates the connection and closes it in a shielded task of its own
(`_terminate_graceful_close`), and stops aiosqlite's thread as well. If that
closing task is cancelled in turn, for example by `asyncio.run` cancelling
every task at the end of the program, aiosqlite (0.22) queues a second
stop request for its thread after the thread has ended. No thread completes
that request, so the task waits forever and the program never exits.
`close_engine` waits for those closing tasks, disposes of the pool, and
ends any closing task still waiting, each step within a time limit.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_SECONDS = 3.0
GRACEFUL_CLOSE_NAME = "_terminate_graceful_close"


def pending_connection_closes() -> list[asyncio.Task[object]]:
    """Return SQLAlchemy's unfinished tasks that close an invalidated connection."""
    pending = []
    for task in asyncio.all_tasks():
        if task.done():
            continue
        name = getattr(task.get_coro(), "__qualname__", "")
        if name.endswith(GRACEFUL_CLOSE_NAME):
            pending.append(task)
    return pending


async def _end_pending_closes(timeout: float) -> None:
    pending = pending_connection_closes()
    if not pending:
        return
    _done, waiting = await asyncio.wait(pending, timeout=timeout)
    # The first cancel interrupts the wait for the thread, the second the
    # request to stop a thread that has already ended.
    for _attempt in range(2):
        if not waiting:
            return
        for task in waiting:
            task.cancel()
        _done, waiting = await asyncio.wait(waiting, timeout=0.2)
    if waiting:
        logger.warning("%d database connections did not close in time and are left open", len(waiting))


async def close_engine(engine: AsyncEngine, label: str, timeout: float = CLOSE_TIMEOUT_SECONDS) -> None:
    """Dispose of `engine` within about `timeout` seconds, ending stuck connection closes.

    `label` names the database in the log. Meant for engines that only read,
    because a connection given up on here is not committed or rolled back.
    """
    await _end_pending_closes(timeout)
    try:
        await asyncio.wait_for(engine.dispose(), timeout=timeout)
    except TimeoutError:
        logger.warning("Closing the connections to %s did not finish within %.0f s", label, timeout)
    await _end_pending_closes(timeout)
