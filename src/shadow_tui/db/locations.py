"""Database arguments and the default database file, without SQLAlchemy.

`db.engine.resolve_database` turns every DB argument into a target. The
`sqlite3` search path calls `plain_sqlite_path` first, to tell whether it
can open the database itself or must go through `resolve_database`.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "shadow-tui"
ENV_DATABASE = "SHADOW_TUI_DB"
# DB arguments that start with these are URLs, which resolve_database parses.
URL_PREFIXES = ("postgresql:", "postgres:", "postgresql+", "sqlite:")


def default_database_path() -> Path:
    """Return the file used when no database is given: `history.db` in the user data folder."""
    # Imported here: commands given a --db path never need it (see `logging_setup`).
    import platformdirs

    return platformdirs.user_data_path(APP_NAME) / "history.db"


def database_argument(value: str | os.PathLike[str] | None) -> str:
    """Return the DB argument, else `$SHADOW_TUI_DB`, else the default file, as text."""
    if value is None or str(value) == "":
        value = os.environ.get(ENV_DATABASE) or default_database_path()
    return os.fspath(value)


def plain_sqlite_path(value: str | os.PathLike[str] | None) -> Path | None:
    """Return the SQLite file that a DB argument names as a plain path, or None for any URL.

    `resolve_database` gives the same path for these arguments.
    """
    text = database_argument(value)
    if text.startswith(URL_PREFIXES) or "://" in text:
        return None
    return Path(text).expanduser()
