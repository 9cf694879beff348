"""Module-scoped databases on SQLite and PostgreSQL, for tests that share one expensive setup."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from conftest import PG_URL_ENV, pg_admin_url

BACKENDS = ("sqlite", "postgresql")


@contextmanager
def isolated_user_folders(folder: Path) -> Iterator[None]:
    """Point the XDG folders (log file, settings, caches) at `folder` while the block runs.

    The autouse fixture of conftest.py does this for each test, but a
    module-scoped fixture runs before it, so one that runs a command needs this.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            patch.setenv(name, str(folder / name.lower()))
        patch.delenv("SHADOW_TUI_DB", raising=False)
        yield


async def execute_admin(url: str, statement: str) -> None:
    """Run one statement outside a transaction, as CREATE DATABASE needs."""
    engine = create_async_engine(make_url(url).set(drivername="postgresql+asyncpg"), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@contextmanager
def shared_database(
    backend: str, folder: Path, fill: Callable[[str], Awaitable[object]]
) -> Iterator[str]:
    """Create a database on `backend`, fill it with `fill(url)`, and drop it on exit.

    Skips the test when the backend is PostgreSQL and no server is configured.
    """
    if backend == "sqlite":
        database = str(folder / "shared.db")
        asyncio.run(fill(database))
        yield database
        return
    admin = pg_admin_url()
    if admin is None:
        pytest.skip(f"no PostgreSQL server: set {PG_URL_ENV} to run this test")
    name = f"shadow_tui_hostile_{uuid.uuid4().hex[:12]}"
    asyncio.run(execute_admin(admin, f'CREATE DATABASE "{name}"'))
    database = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        asyncio.run(fill(database))
        yield database
    finally:
        asyncio.run(execute_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
