"""The task list's first page without a filter, read through the standard library's `sqlite3`.

The browser shows this page before it imports SQLAlchemy and SQLModel,
which took longer than the rest of its start-up (see `db.sqlite_reader`).
The statements are those that `queries.tasks.fetch_task_page` and
`count_tasks` send to SQLite for an empty filter, written out as SQL text,
and the rows are read into the same `TaskRow` records.
`tests/test_first_page_sqlite.py` compares the two on demo databases.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass

from shadow_tui.db.sqlite_reader import open_current_sqlite
from shadow_tui.db.timestamps import parse_timestamp
from shadow_tui.queries.records import TaskRow

logger = logging.getLogger(__name__)

# The five counts of `queries.tasks._task_select`, one correlated subquery each.
_COUNTS = (
    ("message_count", "chat_messages", ""),
    ("command_count", "task_commands", ""),
    ("failed_command_count", "task_commands", " AND task_commands.exit_code != 0"),
    ("edit_count", "file_edits", ""),
    ("artifact_count", "artifacts", ""),
)
_TASK_COLUMNS = (
    "task_id", "user_id", "repo_url", "branch", "model_name", "status", "created_at", "started_at",
    "completed_at", "error_message", "title", "source", "source_ref", "input_tokens", "output_tokens", "cost_usd",
)
_TIMESTAMP_COLUMNS = frozenset({"created_at", "started_at", "completed_at"})

# Parameter: the number of rows. The newest tasks come first, and task_id
# orders tasks created at the same instant, as in `fetch_task_page`.
FIRST_PAGE_SQL = (
    "SELECT "
    + ", ".join(f"tasks.{column}" for column in _TASK_COLUMNS)
    + ", coalesce(users.display_name, users.username, users.email) AS user, "
    + ", ".join(
        f"(SELECT count(*) FROM {table} WHERE {table}.task_id = tasks.task_id{extra}) AS {name}"
        for name, table, extra in _COUNTS
    )
    + " FROM tasks LEFT OUTER JOIN users ON users.user_id = tasks.user_id"
    " WHERE tasks.task_id IN (SELECT tasks.task_id FROM tasks"
    " ORDER BY tasks.created_at DESC, tasks.task_id DESC LIMIT ?)"
    " ORDER BY tasks.created_at DESC, tasks.task_id DESC"
)
COUNT_SQL = "SELECT count(*) FROM tasks"


@dataclass(frozen=True, slots=True)
class FirstPage:
    """The newest tasks with their counts, and the number of tasks in the database."""

    rows: list[TaskRow]
    total: int


def _row(values: sqlite3.Row) -> TaskRow:
    fields = {name: values[name] for name in TaskRow.__slots__}  # type: ignore[attr-defined]
    for name in _TIMESTAMP_COLUMNS:
        fields[name] = parse_timestamp(fields[name])
    return TaskRow(**fields)


def read_first_page(connection: sqlite3.Connection, limit: int) -> list[TaskRow]:
    """Read the newest `limit` tasks with their counts. Raises sqlite3.Error when the statement fails."""
    cursor = connection.execute(FIRST_PAGE_SQL, (limit,))
    cursor.row_factory = sqlite3.Row
    return [_row(values) for values in cursor]


def count_all_tasks(connection: sqlite3.Connection) -> int:
    """Count every task. Raises sqlite3.Error when the statement fails."""
    (total,) = connection.execute(COUNT_SQL).fetchone()
    return int(total)


def read_first_page_file(database: str | os.PathLike[str] | None, limit: int) -> FirstPage | None:
    """Open a SQLite file read-only and read its newest `limit` tasks and the number of tasks.

    Returns None when `db.sqlite_reader.open_current_sqlite` cannot vouch
    for the file (a URL, a missing file, another schema version), or when
    a statement fails, which is logged. The caller then reads through the
    SQLAlchemy engine, which reports such problems with the usual errors.
    """
    connection = open_current_sqlite(database)
    if connection is None:
        return None
    try:
        rows = read_first_page(connection, limit)
        total = count_all_tasks(connection) if len(rows) == limit else len(rows)
    except sqlite3.Error as error:
        logger.warning("sqlite3 could not read the first page of tasks from %s (%s); using the SQLAlchemy engine",
                       database, error)
        return None
    finally:
        connection.close()
    return FirstPage(rows, total)
