"""Read-only `sqlite3` connections for commands that must start fast.

Importing SQLAlchemy and SQLModel took 0.2 to 0.3 s (`python -X importtime`,
2-core machine), longer than most searches of the benchmark's large
database. So `shadow-tui search` opens SQLite files with the standard
library's `sqlite3` when it can. `open_current_sqlite` returns None for anything it cannot
vouch for: URLs, missing or unreadable files, other schema versions,
missing tables or columns. The caller then goes through
`db.access.open_reader`, which reports these cases with the usual errors.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from urllib.parse import quote

from shadow_tui.db.locations import plain_sqlite_path
from shadow_tui.db.schema_version import REQUIRED_COLUMNS, head_version

logger = logging.getLogger(__name__)

# How long a SQLite connection waits for another writer's lock, in ms.
SQLITE_BUSY_TIMEOUT_MS = 10_000


def open_current_sqlite(value: str | os.PathLike[str] | None) -> sqlite3.Connection | None:
    """Open the SQLite file of a DB argument read-only, if its schema is this release's.

    The connection is opened in `mode=ro` with `query_only` on, as the
    SQLAlchemy engine opens readers. Returns None when `value` is a URL,
    names no readable SQLite file, or the file has another schema version
    or lacks a table or column that `schema.check_schema` requires.
    """
    path = plain_sqlite_path(value)
    if path is None or not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, check_same_thread=False)
    except sqlite3.Error as error:
        logger.debug("sqlite3 could not open %s (%s); using the SQLAlchemy engine", path, error)
        return None
    try:
        connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA query_only = ON")
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        missing = _missing_columns(connection)
    except sqlite3.Error as error:
        connection.close()
        logger.debug("sqlite3 could not read the schema of %s (%s); using the SQLAlchemy engine", path, error)
        return None
    if row is None or _revision_number(row[0]) != head_version():
        connection.close()
        logger.debug("%s has schema version %r, not %d; using the SQLAlchemy engine",
                     path, None if row is None else row[0], head_version())
        return None
    if missing:
        connection.close()
        logger.debug("%s has no column %s; using the SQLAlchemy engine", path, ", ".join(missing))
        return None
    return connection


def _missing_columns(connection: sqlite3.Connection) -> list[str]:
    missing: list[str] = []
    for table, columns in REQUIRED_COLUMNS.items():
        present = {row[1] for row in connection.execute("SELECT * FROM pragma_table_info(?)", (table,))}
        missing += [f"{table}.{column}" for column in columns if column not in present]
    return missing


def _revision_number(value: object) -> int | None:
    # Alembic stores the revision as text ("0001"); schema.check_schema reads it the same way.
    try:
        return int(str(value))
    except ValueError:
        return None
