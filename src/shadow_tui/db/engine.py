"""Database locations and engines.

A database is named by a plain path (a SQLite file), a `sqlite:///` URL or
a `postgresql://` URL. Reading engines are read-only at the driver level,
so the browser cannot write to the database it shows; writing engines are
made only by the commands that write (demo, import, ingest, db upgrade).

SQLite writers use WAL mode, so the browser can read while they write, and
`dispose_writer` puts a finished file back in rollback-journal mode.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiosqlite
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from shadow_tui.db.locations import database_argument
from shadow_tui.db.sqlite_reader import SQLITE_BUSY_TIMEOUT_MS
from shadow_tui.errors import DatabaseError, DatabaseNotFoundError

logger = logging.getLogger(__name__)

# How long connecting to PostgreSQL may take before it fails, in seconds.
PG_CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True, slots=True)
class DatabaseTarget:
    """A resolved database location."""

    url: URL
    """SQLAlchemy URL with the async driver (aiosqlite or asyncpg)."""
    path: Path | None
    """The SQLite file, or None for PostgreSQL."""

    @property
    def dialect(self) -> str:
        return "sqlite" if self.path is not None else "postgresql"

    @property
    def display(self) -> str:
        """The location as shown to people: a path, or a URL with the password masked."""
        if self.path is not None:
            return str(self.path)
        return self.url.set(drivername="postgresql").render_as_string(hide_password=True)


def resolve_database(value: str | os.PathLike[str] | None) -> DatabaseTarget:
    """Resolve a DB argument (path or URL), `$SHADOW_TUI_DB`, or the default file."""
    text = database_argument(value)
    if text.startswith(("postgresql:", "postgres:", "postgresql+")):
        try:
            url = make_url(text.replace("postgres://", "postgresql://", 1))
        except ArgumentError as error:
            raise DatabaseError(
                f"invalid PostgreSQL URL {_mask(text)!r}: {error}. "
                "Expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
            ) from None
        except ValueError:
            # make_url raises ValueError for a port that is not a number, such as "host:/db".
            url = None
        _check_port(url, text)
        assert url is not None
        return DatabaseTarget(url=url.set(drivername="postgresql+asyncpg"), path=None)
    if text.startswith("sqlite:"):
        try:
            url = make_url(text)
        except (ArgumentError, ValueError) as error:
            raise DatabaseError(f"invalid SQLite URL {text!r}: {error}") from None
        if not url.database or url.database == ":memory:":
            raise DatabaseError(f"invalid SQLite URL {text!r}: it names no file")
        text = url.database
    if "://" in text:
        raise DatabaseError(
            f"unsupported database URL {_mask(text)!r}: use a file path, sqlite:///PATH "
            "or postgresql://USER@HOST/DATABASE"
        )
    path = Path(text).expanduser()
    return DatabaseTarget(url=URL.create("sqlite+aiosqlite", database=str(path)), path=path)


def _check_port(url: URL | None, text: str) -> None:
    port = -1 if url is None else url.port
    if port is not None and not 0 < port < 65536:
        raise DatabaseError(
            f"invalid PostgreSQL URL {_mask(text)!r}: the port must be a number from 1 to 65535"
        )


# The password of USER:PASSWORD@ in a URL.
_URL_PASSWORD = re.compile(r"(://[^:/@]*:)[^/]*@")


def _mask(text: str) -> str:
    return _URL_PASSWORD.sub(r"\1***@", text, count=1)


def create_schema_hint(database_display: str) -> str:
    """Return the sentence that names the two commands that set up an empty database."""
    return (
        f"Run `shadow-tui db upgrade --db {database_display}` to create the schema, or "
        f"`shadow-tui import --db {database_display} SOURCE` to import sessions into it"
    )


def check_sqlite_file(path: Path) -> None:
    """Raise a clear error unless `path` is an existing SQLite database file."""
    if not path.exists():
        raise DatabaseNotFoundError(
            f"database not found: {path}. Create one with `shadow-tui demo {path}` "
            f"or `shadow-tui import --db {path} SOURCE`, or pass another path"
        )
    if path.is_dir():
        raise DatabaseError(f"database path is a folder, not a file: {path}")
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as error:
        raise DatabaseError(f"cannot read database file {path}: {error.strerror}") from None
    if len(header) == 0:
        raise DatabaseError(f"database file is empty: {path}. {create_schema_hint(str(path))}")
    if header != b"SQLite format 3\x00":
        raise DatabaseError(f"not a SQLite database: {path}")


def _sqlite_uri(path: Path, *, read_only: bool) -> str:
    mode = "ro" if read_only else "rwc"
    return f"file:{quote(str(path.resolve()))}?mode={mode}"


def _configure_sqlite(read_only: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if read_only:
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    return on_connect


def create_engine_for(target: DatabaseTarget, *, write: bool, create: bool = False) -> AsyncEngine:
    """Create an async engine; read-only unless `write`.

    A missing SQLite file is an error, except with `create` (only the
    commands that write pass it), so a mistyped path never leaves an empty
    database behind.
    """
    if target.path is not None:
        return _sqlite_engine(target.path, write=write, create=create)
    connect_args: dict[str, Any] = {"timeout": PG_CONNECT_TIMEOUT_S}
    if not write:
        connect_args["server_settings"] = {"default_transaction_read_only": "on"}
    return create_async_engine(target.url, connect_args=connect_args, pool_pre_ping=True)


def _sqlite_engine(path: Path, *, write: bool, create: bool) -> AsyncEngine:
    if create and write:
        if path.is_dir():
            raise DatabaseError(f"database path is a folder, not a file: {path}")
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        elif path.stat().st_size > 0:
            check_sqlite_file(path)
    else:
        check_sqlite_file(path)
    uri = _sqlite_uri(path, read_only=not write)

    async def connect() -> aiosqlite.Connection:
        try:
            return await aiosqlite.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.OperationalError as error:
            raise DatabaseError(f"cannot open database {path}: {error}") from None

    if write:
        # A connection closed while a cancelled statement used it can go
        # back to the pool. The ping on checkout replaces it.
        engine = create_async_engine("sqlite+aiosqlite://", async_creator=connect, pool_pre_ping=True)
    else:
        # The browser cancels a read when a newer one replaces it (exclusive
        # workers), often several times a second under a live writer. With a
        # pool, a connection cancelled mid-statement was later closed while
        # another read used it ("Cannot operate on a closed database"). So
        # each read opens its own connection, which costs a few milliseconds
        # (about 6 ms for a connection, its PRAGMAs and SELECT 1, measured on
        # a 2-core machine).
        engine = create_async_engine("sqlite+aiosqlite://", async_creator=connect, poolclass=NullPool)
    event.listen(engine.sync_engine, "connect", _configure_sqlite(read_only=not write))
    return engine


def create_sqlite_thread_reader(path: Path) -> Engine:
    """Create a synchronous read-only engine on a SQLite file, for reads run whole in a worker thread.

    It opens connections as the async reading engine does (`mode=ro`,
    `query_only`), through the standard library's `sqlite3`. A read that
    awaits aiosqlite instead hands each statement and each fetch over to
    aiosqlite's thread and back to the event loop, and each hop back waits
    while the event loop paints a frame.
    """
    check_sqlite_file(path)
    uri = _sqlite_uri(path, read_only=True)

    def connect() -> sqlite3.Connection:
        try:
            return sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.OperationalError as error:
            raise DatabaseError(f"cannot open database {path}: {error}") from None

    # One connection per read, as the async reader does. Opening one with its PRAGMAs took about 0.1 ms (2-core machine).
    engine = create_engine("sqlite://", creator=connect, poolclass=NullPool)
    event.listen(engine, "connect", _configure_sqlite(read_only=True))
    return engine


async def dispose_writer(target: DatabaseTarget, engine: AsyncEngine) -> None:
    """Close a writing engine, and put a SQLite file that no one else has open back in rollback-journal mode.

    A read-only SQLite connection to a file in WAL mode creates the -wal and
    -shm files beside it when they do not exist, and cannot remove them. In
    rollback-journal mode a reader creates no file, so the browser leaves the
    folder of a finished database as it found it.
    """
    await engine.dispose()
    if target.path is not None:
        await asyncio.to_thread(_leave_wal_mode, target.path)


def _leave_wal_mode(path: Path) -> None:
    try:
        # timeout=0: fail at once instead of waiting while another connection has the file open.
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=rw", uri=True, timeout=0)
    except sqlite3.Error as error:
        logger.warning("Failed to reopen %s to leave WAL mode: %s", path, error)
        return
    try:
        mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        logger.debug("Journal mode of %s is now %s", path, mode)
    except sqlite3.OperationalError as error:
        # Another process (the browser, a live `ingest`) has the file open and
        # needs WAL mode until it closes. Its -wal and -shm files already exist.
        logger.debug("%s stays in WAL mode: %s", path, error)
    except sqlite3.Error as error:
        # A damaged file: the writer has reported it already.
        logger.warning("Failed to leave WAL mode on %s: %s", path, error)
    finally:
        connection.close()
