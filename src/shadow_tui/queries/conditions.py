"""SQL conditions for a task filter and for full-text matching, per dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, bindparam, func, literal_column, or_, select, text
from sqlalchemy.sql.elements import TextClause

from shadow_tui.db.fulltext import SEARCHABLE_TABLES, SearchableTable
from shadow_tui.db.models import ChatMessage, FileEdit, Task, TaskCommand, User
from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.fts import SearchTerm, parse_search, pg_tsquery_parts, sqlite_match, sqlite_trigram_match

TASKS: Table = Task.__table__  # type: ignore[assignment]
USERS: Table = User.__table__  # type: ignore[assignment]
MESSAGES: Table = ChatMessage.__table__  # type: ignore[assignment]
COMMANDS: Table = TaskCommand.__table__  # type: ignore[assignment]
EDITS: Table = FileEdit.__table__  # type: ignore[assignment]
TABLE_BY_NAME: dict[str, Table] = {"chat_messages": MESSAGES, "task_commands": COMMANDS, "file_edits": EDITS}


def _contains(column: ColumnElement[str], value: str, dialect: str) -> ColumnElement[bool]:
    """Return a condition: the column contains `value`, ignoring case.

    SQLite without the ICU extension ignores the case of ASCII letters only,
    in `LIKE` and in `lower()` alike, so there plain `LIKE` matches the rows
    of `ilike`'s `lower(x) LIKE lower(y)` in about half the time (8 against
    15 ms over 50,000 titles). PostgreSQL's `ILIKE` ignores the case of
    every letter.
    """
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if dialect == "sqlite":
        return column.like(f"%{escaped}%", escape="\\")
    return column.ilike(f"%{escaped}%", escape="\\")


def _successor(prefix: str) -> str | None:
    """Return the smallest string above every string that starts with `prefix`, in code point order.

    Returns None when no such string can be stored: a prefix of U+10FFFF
    characters only.
    """
    while prefix:
        last = ord(prefix[-1])
        if last < 0x10FFFF:
            # UTF-8 cannot encode the surrogates U+D800..U+DFFF, and no stored string contains them.
            following = 0xE000 if 0xD800 <= last + 1 <= 0xDFFF else last + 1
            return prefix[:-1] + chr(following)
        prefix = prefix[:-1]
    return None


def id_prefix_condition(column: ColumnElement[str], prefix: str, dialect: str) -> ColumnElement[bool]:
    """Return a condition: the id starts with `prefix`, case-sensitively on both backends.

    Ids are opaque strings, so the comparison is exact. On SQLite the prefix
    becomes a range of the column's binary order (UTF-8 bytes, which sort as
    code points), which the primary key index serves. PostgreSQL orders text
    by the database's collation, which need not follow code points, so
    there `starts_with` compares the characters instead.
    """
    if dialect != "sqlite":
        return func.starts_with(column, prefix)
    upper = _successor(prefix)
    if upper is None:
        return and_(column >= prefix, func.substr(column, 1, len(prefix)) == prefix)
    return and_(column >= prefix, column < upper)


def _match_sqlite(index: str, expression: str) -> TextClause:
    # A unique bind parameter gets an anonymous name that is the same in every
    # statement of the same shape, so SQLAlchemy's compiled cache and SQLite's
    # statement cache serve the next filter or search.
    return text(f"{index} MATCH :expression").bindparams(bindparam("expression", expression, unique=True))


def sqlite_matching_rowids(spec: SearchableTable, terms: list[SearchTerm]) -> tuple[Select, Select]:  # type: ignore[type-arg]
    """Select the rowids of rows matching every term (SQLite): those of the word index, and those of CJK rows.

    A row matches when its word index matches, or when it contains CJK text
    and every term occurs in it as a substring.
    """
    table = TABLE_BY_NAME[spec.table]
    words = select(literal_column("rowid")).select_from(text(spec.fts)).where(
        _match_sqlite(spec.fts, sqlite_match(terms))
    )
    trigram = sqlite_trigram_match(terms)
    if trigram is not None:
        cjk = select(literal_column("rowid")).select_from(text(spec.cjk)).where(
            _match_sqlite(spec.cjk, trigram)
        )
    else:
        # The docsize shadow table lists the rowids the trigram index holds,
        # which are exactly the rows with CJK text.
        rowid = literal_column(f"{spec.table}.rowid")
        cjk = select(rowid).where(
            rowid.in_(select(literal_column("id")).select_from(text(f"{spec.cjk}_docsize"))),
            _substring_all(table, spec, terms, "sqlite"),
        )
    return words, cjk


def indexed_text(spec: SearchableTable, index: int) -> ColumnElement[str]:
    """Return the text that the full-text index holds for one column of a spec."""
    return literal_column(spec.source(index, spec.table))


def _substring_all(table: Table, spec: SearchableTable, terms: list[SearchTerm], dialect: str) -> ColumnElement[bool]:
    conditions = []
    for term in terms:
        needle = term.text.lower()
        per_column = [
            (func.instr if dialect == "sqlite" else func.strpos)(func.lower(indexed_text(spec, index)), needle) > 0
            for index in range(len(spec.columns))
        ]
        conditions.append(or_(*per_column))
    return and_(*conditions)


def _pg_regconfig() -> ColumnElement[str]:
    return literal_column("'simple'::regconfig")


def fts_condition(spec: SearchableTable, terms: list[SearchTerm], dialect: str) -> ColumnElement[bool]:
    """Return a condition on the spec's table: the row matches every term."""
    table = TABLE_BY_NAME[spec.table]
    if dialect == "sqlite":
        rowid = literal_column(f"{spec.table}.rowid")
        words, cjk = sqlite_matching_rowids(spec, terms)
        # Two IN lists rather than one of a UNION, which first sorts both sets
        # into a temporary b-tree: 5 ms for the 34,120 messages with "flaky".
        return or_(rowid.in_(words), rowid.in_(cjk))
    vector = literal_column(f"{spec.table}.search_vector")
    query = None
    for function, argument in pg_tsquery_parts(terms):
        part = getattr(func, function)(_pg_regconfig(), argument)
        query = part if query is None else query.op("&&")(part)
    has_cjk = literal_column(f"{spec.table}.has_cjk")
    return or_(vector.op("@@")(query), and_(has_cjk, _substring_all(table, spec, terms, dialect)))


def needs_scan(task_filter: TaskFilter) -> bool:
    """Return whether a filter has conditions that no index of `tasks` serves well.

    Substring and user conditions can match any share of the tasks. Without
    table statistics SQLite cannot tell how many, and it then walks an index
    and reads the tasks one by one in index order, which reads every task
    (tens of milliseconds on 50,000 tasks) when few match. A sequential scan
    of the table costs about 10 ms at that size whatever the filter matches.
    A `since` date bounds the walk to the tasks created after it, so with
    one the index is kept. With free text, the status and user indexes
    are kept too, because `fetch_task_page` chooses between walking the
    created_at index and sorting the matching tasks (`queries.text_plan`).
    """
    if task_filter.since is not None or task_filter.text:
        return False
    return bool(task_filter.repos or task_filter.branches or task_filter.models or task_filter.users)


def scan_column(column: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """Return `column` written so that SQLite uses no index for it: behind a unary plus.

    Other dialects get the column unchanged.
    """
    if dialect != "sqlite":
        return column
    return literal_column(f"+{TASKS.name}.{column.name}", column.type)


def task_conditions(
    task_filter: TaskFilter, dialect: str, *, scan: bool = False, text_per_task: bool = False
) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions on `tasks` for a filter.

    With `scan`, SQLite uses no index for the status and user conditions,
    so that it reads the table in sequence (see `needs_scan`). With
    `text_per_task`, free text is tested per task (see `text_condition`).
    """
    conditions: list[ColumnElement[bool]] = []
    status = scan_column(TASKS.c.status, dialect) if scan else TASKS.c.status
    user_id = scan_column(TASKS.c.user_id, dialect) if scan else TASKS.c.user_id
    if task_filter.statuses:
        conditions.append(status.in_(task_filter.statuses))
    for values, column in (
        (task_filter.repos, TASKS.c.repo_url),
        (task_filter.branches, TASKS.c.branch),
        (task_filter.models, TASKS.c.model_name),
    ):
        if values:
            conditions.append(or_(*[_contains(column, value, dialect) for value in values]))
    if task_filter.users:
        user_match = or_(
            *[
                or_(
                    _contains(USERS.c.user_id, value, dialect),
                    _contains(USERS.c.username, value, dialect),
                    _contains(USERS.c.email, value, dialect),
                    _contains(USERS.c.display_name, value, dialect),
                )
                for value in task_filter.users
            ]
        )
        conditions.append(user_id.in_(select(USERS.c.user_id).where(user_match)))
    if task_filter.ids:
        conditions.append(or_(*[id_prefix_condition(TASKS.c.task_id, prefix, dialect) for prefix in task_filter.ids]))
    if task_filter.since:
        conditions.append(TASKS.c.created_at >= task_filter.since)
    if task_filter.until:
        conditions.append(TASKS.c.created_at <= task_filter.until)
    terms = filter_terms(task_filter)
    if terms:
        conditions.append(text_condition(terms, dialect, per_task=text_per_task))
    return conditions


def filter_terms(task_filter: TaskFilter) -> list[SearchTerm]:
    """Return the search terms of a filter's free text, in which a word with a space is a phrase."""
    return parse_search(" ".join(f'"{word}"' if " " in word else word for word in task_filter.text))


def text_condition(terms: list[SearchTerm], dialect: str, *, per_task: bool = False) -> ColumnElement[bool]:
    """Return a condition on `tasks`: every term occurs in the title, or in one message, command or diff.

    By default a task must be in the set of tasks that own a matching row.
    SQLite builds that set once per statement by reading `task_id` for
    every matching row, which took 50 ms for the 34,120 messages that
    contain "flaky" in the benchmark database of 50,000 tasks.

    With `per_task`, SQLite tests each task that it reads with `EXISTS`:
    the task's entries in the `(task_id, created_at)` index of each table
    against the set of matching rowids, about 9 µs per task. A walk that
    stops after a page of a frequent word then reads no other task's rows.
    """
    title_match = and_(*[_contains(TASKS.c.title, term.text, dialect) for term in terms])
    content_match: list[ColumnElement[bool]] = []
    for spec in SEARCHABLE_TABLES:
        table = TABLE_BY_NAME[spec.table]
        rows = select(table.c.task_id).where(fts_condition(spec, terms, dialect))
        if per_task:
            content_match.append(rows.where(table.c.task_id == TASKS.c.task_id).exists())
        else:
            content_match.append(TASKS.c.task_id.in_(rows))
    return or_(title_match, *content_match)
