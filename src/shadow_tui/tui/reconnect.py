"""Waiting for a database server that went away: the retry schedule, the probe and the messages.

The app calls these from its reconnect worker (`ShadowTuiApp._reconnect`).
Unlike `retry_read`, which gives up after a few attempts, the browser keeps
trying for as long as it is open, at most RECONNECT_MAX_DELAY_S apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain, repeat
from typing import TYPE_CHECKING

from shadow_tui.db.retry import RETRY_DELAYS_S

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from shadow_tui.db.engine import DatabaseTarget

RECONNECT_MAX_DELAY_S = RETRY_DELAYS_S[-1]


def reconnect_delays() -> Iterator[float]:
    """Yield the seconds to wait before each attempt: the `retry_read` backoff, then its last delay forever."""
    return chain(RETRY_DELAYS_S, repeat(RECONNECT_MAX_DELAY_S))


async def probe(engine: AsyncEngine) -> None:
    """Run one trivial read, which raises the driver's error while the server is unreachable."""
    from sqlalchemy import text

    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def lost_message(target: DatabaseTarget, error: BaseException, attempt: int, delay: float) -> str:
    """Describe a lost connection for the status line, with the URL's password masked."""
    from shadow_tui.db.access import error_detail

    detail = error_detail(target, error)
    tried = f"attempt {attempt} failed; " if attempt else ""
    return (
        f"Lost the connection to {target.display} ({detail}). Reconnecting: {tried}next attempt in {delay:g} s. "
        "The list and the open task reload once the server accepts connections."
    )


def reconnected_message(target: DatabaseTarget) -> str:
    return f"Reconnected to {target.display}; the list and the open task are loaded again."
