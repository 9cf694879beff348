"""Repeated searches of one SQLite file through one `sqlite3` connection.

The search screen searches again after every pause in typing. A new
connection per search starts with an empty page cache, so it reads the upper
pages of the full-text indexes and tables again. Over the benchmark's 20
words on the large database (50,000 tasks, 2-core machine), the p95 of a
search was 40 to 46 ms with a new connection each, and 37 ms with one kept open.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from shadow_tui.db.sqlite_reader import open_current_sqlite
from shadow_tui.queries.search_records import SEARCH_KINDS, SearchHit, SearchKind
from shadow_tui.queries.search_sqlite import search_sqlite

logger = logging.getLogger(__name__)


class SqliteSearcher:
    """Searcher of one SQLite file, through a connection opened at the first search and kept until `close`.

    Searches may come from different threads, one at a time: a search that
    starts while another runs waits for it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._usable = True

    def search(
        self, query: str, *, kinds: Iterable[SearchKind] = SEARCH_KINDS, limit: int = 50
    ) -> list[SearchHit] | None:
        """Return the hits, or None when the search must go through the SQLAlchemy engine.

        That is the case for a file that `open_current_sqlite` cannot vouch
        for, and after a statement fails, for example on a damaged file: the
        engine's path reports those in plain words.
        """
        with self._lock:
            if not self._usable:
                return None
            if self._connection is None:
                self._connection = open_current_sqlite(self.path)
                if self._connection is None:
                    self._usable = False
                    return None
            try:
                return search_sqlite(self._connection, query, kinds=kinds, limit=limit)
            except sqlite3.Error as error:
                logger.warning("Searching %s through sqlite3 failed (%s); searching through the engine",
                               self.path, error)
                self._close_connection()
                self._usable = False
                return None

    def close(self) -> None:
        """Close the connection once a running search ends. Later searches return None."""
        with self._lock:
            self._close_connection()
            self._usable = False

    def _close_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
