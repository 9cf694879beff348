"""The choice of plan for a page of tasks filtered by free text, on SQLite.

Two exact plans compete. The set plan builds the set of tasks that own a
matching message, command or diff, which reads `task_id` for every
matching row, then sorts the matching tasks. The walk reads tasks newest
first and tests each one with `EXISTS` (`conditions.text_condition` with
`per_task`), stopping when the page is full. On the benchmark database
(50,000 tasks, 1M messages, sqlite3 on a shared 2-core machine) the walk
took 10 to 27 ms for `flaky`, `timeout status:error`, `migration
repo:billing` and `webhook until:2025-05-01`, where the set plan took 45
to 125 ms. For a word in no task the walk reads every task (440 ms for
`deadlock`), where the set plan takes 17 ms. The walk pays off when a large
share of the tasks matches, so this module estimates that share from the
full-text indexes before the page is read.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from shadow_tui.db.fulltext import SEARCHABLE_TABLES
from shadow_tui.queries.fts import SearchTerm, sqlite_match

# The walk is chosen when at least this share of the tasks is estimated to
# match. At 3 % a page of 100 tasks needs a walk over about 3,300 tasks,
# which takes about 30 ms at 9 µs per task. The set plan took 36 to 45 ms
# for "time zone" (10,000 matching rows in 5 % of the tasks).
WALK_MIN_SHARE = 0.03
# The maximum number of matching rows counted per table. Counting reads only the full-text index.
MAX_COUNTED_ROWS = 100_000
# Matching rows whose tasks are looked up per table: half of them the first
# stored and half the last stored. One long task can own all of the last
# rows that contain a word, as the benchmark's heaviest task does for
# "migration".
SAMPLED_ROWS = 500


def _estimate_sql() -> str:
    """Return one statement that counts and samples the matches of `:expression` in every indexed table."""
    half = SAMPLED_ROWS // 2
    columns = []
    for spec in SEARCHABLE_TABLES:
        matching = f"SELECT rowid FROM {spec.fts} WHERE {spec.fts} MATCH :expression"
        columns.append(f"(SELECT count(*) FROM ({matching} LIMIT {MAX_COUNTED_ROWS}))")
        sample = (
            f"SELECT rowid FROM ({matching} ORDER BY rowid DESC LIMIT {half}) "
            f"UNION SELECT rowid FROM ({matching} ORDER BY rowid LIMIT {half})"
        )
        columns.append(f"(SELECT count(DISTINCT task_id) FROM {spec.table} WHERE rowid IN ({sample}))")
    columns.append("(SELECT count(*) FROM tasks)")
    return "SELECT " + ", ".join(columns)


_ESTIMATE_SQL = _estimate_sql()


def matching_task_share(connection: Connection, terms: list[SearchTerm]) -> float:
    """Estimate the share of tasks that own a message, command or diff matching every term.

    Per table, the tasks of a sample of the matching rows are counted and
    scaled by the number of matching rows, and the tables are added up.
    Title matches and substring matches in CJK rows are left out. A task
    whose rows match in several tables is counted once per table.
    NOTE: The share is an estimate. When the matching rows cluster in a few
    tasks outside the sample, it comes out too high, and the walk then reads
    more tasks than the set plan would.
    """
    row = connection.execute(text(_ESTIMATE_SQL), {"expression": sqlite_match(terms)}).one()
    *per_table, total_tasks = (int(value or 0) for value in row)
    if total_tasks == 0:
        return 0.0
    estimated = 0.0
    for matches, sampled_tasks in zip(per_table[0::2], per_table[1::2], strict=True):
        if matches:
            estimated += sampled_tasks * matches / min(matches, SAMPLED_ROWS)
    return min(1.0, estimated / total_tasks)


def walk_pays_off(connection: Connection, terms: list[SearchTerm]) -> bool:
    """Tell whether walking the tasks in order is expected to find a page of matching tasks faster than the set plan."""
    return matching_task_share(connection, terms) >= WALK_MIN_SHARE
