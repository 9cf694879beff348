"""Opening a database for reading or writing, with its schema checked.

A driver error never leaves the context managers here as it is. A failure
to connect, to read the schema, or of a statement run inside the
`async with` block becomes a DatabaseError. Its message names the
database, with a URL's password masked, and the problem.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from shadow_tui.db.engine import (
    PG_CONNECT_TIMEOUT_S,
    DatabaseTarget,
    create_engine_for,
    dispose_writer,
    resolve_database,
)
from shadow_tui.db.schema import check_schema, is_damaged_file_message, upgrade_schema
from shadow_tui.errors import DatabaseError

logger = logging.getLogger(__name__)

def error_detail(target: DatabaseTarget, error: BaseException) -> str:
    """Return the first line of the driver's message, with the URL's password masked."""
    original = getattr(error, "orig", None) or error
    if isinstance(original, TimeoutError):
        return f"no answer within {PG_CONNECT_TIMEOUT_S} s"
    detail = str(original).splitlines()[0] if str(original) else type(original).__name__
    password = target.url.password
    if password:
        detail = detail.replace(str(password), "***")
    return detail


def describe_connection_error(target: DatabaseTarget, error: BaseException) -> str:
    """Turn a driver error into one plain line that never contains a password."""
    detail = error_detail(target, error)
    if target.path is None and isinstance(getattr(error, "orig", None) or error, (OSError, TimeoutError)):
        return (
            f"cannot connect to {target.display}: {detail}. "
            "Check the host and port, and that the PostgreSQL server is running"
        )
    return f"cannot connect to {target.display}: {detail}"


def describe_query_error(target: DatabaseTarget, error: BaseException) -> str:
    """Describe a failed statement on an open database in one plain line, without a password."""
    detail = error_detail(target, error)
    if target.path is not None and is_damaged_file_message(detail):
        return (
            f"the database file {target.display} is damaged ({detail}). "
            "Restore it from a backup, or import the sessions into a new database"
        )
    if isinstance(getattr(error, "orig", None) or error, (OSError, TimeoutError)) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        return f"lost the connection to {target.display}: {detail}. Check that the server is running, then retry"
    return f"cannot read {target.display}: {detail}"


async def _check_connection(target: DatabaseTarget, engine: AsyncEngine) -> None:
    try:
        async with engine.connect():
            pass
    except (DBAPIError, OSError, TimeoutError) as error:
        logger.debug("Connecting to %s failed", target.display, exc_info=True)
        raise DatabaseError(describe_connection_error(target, error)) from None


@asynccontextmanager
async def open_reader(value: str | os.PathLike[str] | None) -> AsyncIterator[tuple[DatabaseTarget, AsyncEngine]]:
    """Open a read-only engine on an existing database with the current schema.

    A driver error raised inside the `async with` block becomes a DatabaseError.
    """
    target = resolve_database(value)
    engine = create_engine_for(target, write=False)
    try:
        await _check_connection(target, engine)
        try:
            await check_schema(engine, target.display)
        except (OperationalError, OSError, TimeoutError) as error:
            raise DatabaseError(describe_query_error(target, error)) from None
        try:
            yield target, engine
        except (DBAPIError, OSError, TimeoutError) as error:
            logger.debug("A query on %s failed", target.display, exc_info=True)
            raise DatabaseError(describe_query_error(target, error)) from None
    finally:
        await engine.dispose()


@asynccontextmanager
async def open_writer(value: str | os.PathLike[str] | None) -> AsyncIterator[tuple[DatabaseTarget, AsyncEngine]]:
    """Open a writing engine, creating the database and its schema if needed.

    Only commands that write call this. An existing database must already
    have the current schema; `shadow-tui db upgrade` is the one command that
    migrates an older one. A driver error raised inside the `async with`
    block becomes a DatabaseError.
    """
    target = resolve_database(value)
    is_new_file = target.path is not None and (
        not target.path.exists() or target.path.stat().st_size == 0
    )
    engine = create_engine_for(target, write=True, create=True)
    try:
        await _check_connection(target, engine)
        try:
            # A database without tables gets the schema, as the error for reading one advises.
            if is_new_file or not await _has_tables(target, engine):
                await upgrade_schema(engine)
            else:
                await check_schema(engine, target.display)
        except (OperationalError, OSError, TimeoutError) as error:
            raise DatabaseError(describe_query_error(target, error)) from None
        try:
            yield target, engine
        except (DBAPIError, OSError, TimeoutError) as error:
            logger.debug("A statement on %s failed", target.display, exc_info=True)
            raise DatabaseError(describe_query_error(target, error)) from None
    finally:
        await dispose_writer(target, engine)


async def _has_tables(target: DatabaseTarget, engine: AsyncEngine) -> bool:
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    except DBAPIError as error:
        raise DatabaseError(describe_query_error(target, error)) from None
    return bool(names)
