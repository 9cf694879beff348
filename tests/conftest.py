"""Shared fixtures: fresh databases on SQLite and, where configured, PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from shadow_tui.logging_setup import setup_logging

PG_URL_ENV = "SHADOW_TUI_TEST_PG_URL"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep logs, config and caches of every test out of the real home folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.delenv("SHADOW_TUI_DB", raising=False)


@pytest.fixture
def app_log(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Return a function that starts the app's log file in tmp_path at a level, as `--log-level` does.

    The root logger's handlers and level are restored after the test.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level

    def start(log_level: str) -> Path:
        path = tmp_path / "shadow-tui.log"
        setup_logging(log_level, path)
        return path

    yield start
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    logging.captureWarnings(False)


def pg_admin_url() -> str | None:
    return os.environ.get(PG_URL_ENV) or None


async def _pg_admin(url: str, statement: str) -> None:
    admin = make_url(url).set(drivername="postgresql+asyncpg")
    engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture
def pg_database() -> Iterator[str]:
    """Create an empty PostgreSQL database for one test and drop it afterwards."""
    url = pg_admin_url()
    if url is None:
        pytest.skip(f"no PostgreSQL server: set {PG_URL_ENV}=postgresql://USER@HOST/DB to run this test")
    name = f"shadow_tui_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(url, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend: a SQLite path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "test.db")
    return str(request.getfixturevalue("pg_database"))


# A fixed modification time well in the past. Importers mark a session whose
# file changed in the last few minutes as running and hold back its unfinished
# tail, so a corpus checked out a minute ago would import differently.
SETTLED_MTIME = datetime(2025, 1, 1, tzinfo=timezone.utc).timestamp()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session corpus whose files all look finished."""
    if not CORPUS.is_dir():
        pytest.skip(f"the session corpus is not at {CORPUS}")
    copy = tmp_path_factory.mktemp("corpus") / "corpus"
    shutil.copytree(CORPUS, copy, copy_function=shutil.copyfile)
    for path in copy.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o644)
            os.utime(path, (SETTLED_MTIME, SETTLED_MTIME))
    return copy


async def collect(iterator: AsyncIterator[object]) -> list[object]:
    return [item async for item in iterator]
