"""Retrying a read when the connection to the database server is lost.

A PostgreSQL server that restarts, or a network that drops for a moment,
breaks the connections in the engine's pool. The engine pings a pooled
connection before it lends it out (`pool_pre_ping`), so a read that starts
after the server is back succeeds. `retry_read` covers the read that was
running when the connection broke, and a server that takes a few seconds
to come back: it runs the read again after each delay of a short, bounded
backoff.

Only reads are retried. A write that lost its connection may or may not
have been committed, so retrying it is the caller's decision.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Final, TypeVar

from shadow_tui.errors import DatabaseError

logger = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_DELAYS_S: Final[tuple[float, ...]] = (0.5, 1.0, 2.0, 4.0)
"""Seconds to wait before each retry. A read runs at most five times, with 7.5 s of waiting in all."""

# SQLSTATE values of PostgreSQL errors after which the same read can succeed:
# class 08 (connection exception), admin_shutdown, crash_shutdown and
# cannot_connect_now ("the database system is starting up").
_RETRYABLE_SQLSTATE_PREFIXES: Final = ("08",)
_RETRYABLE_SQLSTATES: Final = frozenset({"57P01", "57P02", "57P03"})
_RETRYABLE_ERRNOS: Final = frozenset({
    errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE,
    errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ENETDOWN, errno.ETIMEDOUT,
})


def is_connection_loss(error: BaseException) -> bool:
    """Tell whether an error means that the connection failed or broke, not that the read is wrong."""
    # Imported here: the browser's first frame comes before SQLAlchemy is imported.
    from sqlalchemy.exc import DBAPIError

    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    original = getattr(error, "orig", None) or error
    sqlstate = getattr(original, "sqlstate", None)
    if isinstance(sqlstate, str) and (
        sqlstate.startswith(_RETRYABLE_SQLSTATE_PREFIXES) or sqlstate in _RETRYABLE_SQLSTATES
    ):
        return True
    if isinstance(original, (ConnectionError, TimeoutError)):
        return True
    return isinstance(original, OSError) and original.errno in _RETRYABLE_ERRNOS


def _first_line(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    text = str(original)
    return text.splitlines()[0] if text else type(original).__name__


async def retry_read(
    read: Callable[[], Awaitable[T]],
    *,
    description: str,
    delays: Sequence[float] = RETRY_DELAYS_S,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> T:
    """Await `read()`, and call it again after each of `delays` while it fails with a lost connection.

    `read` must start a new read on each call, such as
    `lambda: fetch_task_page(engine, task_filter)`. `description` names
    what is read in the log and in the error, such as "the task list".
    Errors that are not a lost connection (`is_connection_loss`) are raised
    at once. When the last attempt loses its connection too, raises
    DatabaseError naming `description`.
    """
    from sqlalchemy.exc import DBAPIError

    attempts = len(delays) + 1
    for attempt in range(1, attempts + 1):
        try:
            return await read()
        except (DBAPIError, OSError, TimeoutError) as error:
            if not is_connection_loss(error):
                raise
            detail = _first_line(error)
            if attempt == attempts:
                logger.error("Reading %s failed after %d attempts: %s", description, attempts, detail)
                raise DatabaseError(
                    f"lost the connection to the database while reading {description}, and "
                    f"{attempts} attempts failed ({detail}). Check that the server is running, then retry"
                ) from None
            delay = delays[attempt - 1]
            logger.warning(
                "Reading %s lost the database connection (%s); retry %d of %d in %.1f s",
                description, detail, attempt, len(delays), delay,
            )
            await sleep(delay)
    raise AssertionError("unreachable: the loop returns or raises")
