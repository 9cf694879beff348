"""Opening a database for reading or writing, with its schema checked."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from shadow_tui.db.engine import DatabaseTarget, create_engine_for, resolve_database
from shadow_tui.db.schema import check_schema, upgrade_schema
from shadow_tui.errors import DatabaseError

logger = logging.getLogger(__name__)


def describe_connection_error(target: DatabaseTarget, error: BaseException) -> str:
    """Turn a driver error into one plain line that never contains a password."""
    original = getattr(error, "orig", None) or error
    detail = str(original).splitlines()[0] if str(original) else type(original).__name__
    password = target.url.password
    if password:
        detail = detail.replace(str(password), "***")
    return f"cannot connect to {target.display}: {detail}"


@asynccontextmanager
async def open_reader(value: str | os.PathLike[str] | None) -> AsyncIterator[tuple[DatabaseTarget, AsyncEngine]]:
    """Open a read-only engine on an existing database with the current schema."""
    target = resolve_database(value)
    engine = create_engine_for(target, write=False)
    try:
        try:
            await check_schema(engine, target.display)
        except (OperationalError, OSError, TimeoutError) as error:
            raise DatabaseError(describe_connection_error(target, error)) from None
        yield target, engine
    finally:
        await engine.dispose()


@asynccontextmanager
async def open_writer(value: str | os.PathLike[str] | None) -> AsyncIterator[tuple[DatabaseTarget, AsyncEngine]]:
    """Open a writing engine, creating the database and its schema if needed.

    Only commands that write call this. An existing database must already
    have the current schema; `shadow-tui db upgrade` is the one command that
    migrates an older one.
    """
    target = resolve_database(value)
    is_new_file = target.path is not None and (
        not target.path.exists() or target.path.stat().st_size == 0
    )
    engine = create_engine_for(target, write=True, create=True)
    try:
        try:
            if is_new_file or (target.path is None and not await _has_tables(engine)):
                await upgrade_schema(engine)
            else:
                await check_schema(engine, target.display)
        except (OperationalError, OSError, TimeoutError) as error:
            raise DatabaseError(describe_connection_error(target, error)) from None
        yield target, engine
    finally:
        await engine.dispose()


async def _has_tables(engine: AsyncEngine) -> bool:
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    except DBAPIError as error:
        raise DatabaseError(f"cannot read the database: {error.orig}") from None
    return bool(names)
