"""A task's file edits read through the standard library's `sqlite3`, for the Diffs tab.

Through the SQLAlchemy engine, `queries.diffs.load_edit_diffs` opens an
aiosqlite connection, sets its PRAGMAs and sends two statements, and each
of these steps resumes on the event loop, which also lays out and draws
the screen. Read here in one worker thread, the edits arrive without
waiting for frames. The statements are those that `load_edit_diffs`
sends to SQLite, written out as SQL text, and the rows are read into the
same `EditRecord` records. `tests/test_diffs_sqlite.py` compares the two.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from typing import Any

from shadow_tui.db.sqlite_reader import open_current_sqlite
from shadow_tui.db.timestamps import parse_timestamp
from shadow_tui.queries.items import IN_LIST_BATCH, text_size
from shadow_tui.queries.records import EditRecord

logger = logging.getLogger(__name__)

# The keys in `items.EDIT_ORDER` first, then the rows by key, as
# `items.select_in_order` reads them, so that SQLite does not sort the diffs.
EDIT_KEYS_SQL = "SELECT edit_id FROM file_edits WHERE task_id = ? ORDER BY created_at, edit_id"
EDIT_ROWS_SQL = "SELECT edit_id, task_id, file_path, created_at, diff FROM file_edits WHERE edit_id IN ({})"


def read_edit_diffs(connection: sqlite3.Connection, task_id: str) -> list[EditRecord]:
    """Read a task's file edits in time order, each with its diff. Raises sqlite3.Error when a statement fails."""
    keys = [key for (key,) in connection.execute(EDIT_KEYS_SQL, (task_id,))]
    rows: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(keys), IN_LIST_BATCH):
        batch = keys[start : start + IN_LIST_BATCH]
        statement = EDIT_ROWS_SQL.format(", ".join("?" * len(batch)))
        rows.update((row[0], row) for row in connection.execute(statement, batch))
    records: list[EditRecord] = []
    for key in keys:
        row = rows.get(key)
        if row is None:
            # Deleted between the two statements, as `select_in_order` leaves it out.
            continue
        edit_id, row_task_id, file_path, created_at, diff = row
        records.append(
            EditRecord(
                edit_id=edit_id,
                task_id=row_task_id,
                file_path=file_path or "",
                created_at=parse_timestamp(created_at),
                diff_size=text_size(diff or ""),
                diff=diff or "",
            )
        )
    return records


def read_edit_diffs_file(database: str | os.PathLike[str], task_id: str) -> list[EditRecord] | None:
    """Open a SQLite file read-only and read a task's file edits with their diffs.

    Returns None when `db.sqlite_reader.open_current_sqlite` does not open
    the file (a URL, a missing file, another schema version), or when a
    statement fails, which is logged. The caller then reads through the
    SQLAlchemy engine, which reports such problems with the usual errors.
    """
    connection = open_current_sqlite(database)
    if connection is None:
        return None
    try:
        return read_edit_diffs(connection, task_id)
    except sqlite3.Error as error:
        logger.warning("sqlite3 could not read the file edits of task %s from %s (%s); using the SQLAlchemy engine",
                       task_id, database, error)
        return None
    finally:
        connection.close()
