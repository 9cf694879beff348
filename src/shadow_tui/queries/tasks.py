"""Task lists: pages with counts, facets, and id-prefix lookup."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from shadow_tui.db.models import Artifact
from shadow_tui.errors import NotFoundError
from shadow_tui.queries.conditions import (
    COMMANDS, EDITS, MESSAGES, TASKS, USERS, filter_terms, id_prefix_condition, needs_scan, scan_column,
    task_conditions,
)
from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.records import Facets, TaskCursor, TaskPage, TaskRow
from shadow_tui.queries.text_plan import walk_pays_off

TaskSort = Literal["newest", "oldest"]
ARTIFACTS = Artifact.__table__

# Facet lists are cut to this many entries.
TOP_FACETS = 10
# The first page of a filter that no index serves is looked for among this
# many newest tasks before the whole table is scanned (see `_newest_keys`).
NEWEST_WINDOW = 2_000


def _count(table: Any, *extra: Any) -> Any:
    return (
        select(func.count())
        .select_from(table)
        .where(table.c.task_id == TASKS.c.task_id, *extra)
        .scalar_subquery()
    )


def _task_select() -> Select:  # type: ignore[type-arg]
    user_label = func.coalesce(USERS.c.display_name, USERS.c.username, USERS.c.email)
    return select(
        TASKS,
        user_label.label("user"),
        _count(MESSAGES).label("message_count"),
        _count(COMMANDS).label("command_count"),
        _count(COMMANDS, COMMANDS.c.exit_code != 0).label("failed_command_count"),
        _count(EDITS).label("edit_count"),
        _count(ARTIFACTS).label("artifact_count"),
    ).select_from(TASKS.outerjoin(USERS, USERS.c.user_id == TASKS.c.user_id))


def _ordered(column: Any, sort: TaskSort) -> Any:
    return column.desc() if sort == "newest" else column.asc()


def _row(mapping: Any) -> TaskRow:
    return TaskRow(**{name: mapping[name] for name in TaskRow.__slots__})  # type: ignore[attr-defined]


async def fetch_task_page(
    engine: AsyncEngine,
    task_filter: TaskFilter,
    *,
    limit: int = 100,
    after: TaskCursor | None = None,
    offset: int | None = None,
    sort: TaskSort = "newest",
) -> TaskPage:
    """Fetch one page of tasks with their counts through the async engine (see `read_task_page`)."""
    async with engine.connect() as connection:
        return await connection.run_sync(read_task_page, task_filter, limit=limit, after=after, offset=offset, sort=sort)


def read_task_page(
    connection: Connection,
    task_filter: TaskFilter,
    *,
    limit: int = 100,
    after: TaskCursor | None = None,
    offset: int | None = None,
    sort: TaskSort = "newest",
) -> TaskPage:
    """Read one page of tasks with their counts.

    Pages continue from `after` (keyset pagination, which stays fast at any
    depth); `offset` serves jumps to an arbitrary position, such as the end.
    The page's task ids are selected first and the counts computed for
    those rows only, because SQLite would otherwise compute them for every
    matching task that it sorts. On SQLite, free text picks one of two
    plans for the page (see `queries.text_plan`).
    """
    dialect = connection.dialect.name
    scan = needs_scan(task_filter)
    sort_without_index = scan
    text_per_task = False
    if dialect == "sqlite" and task_filter.text and not offset:
        text_per_task = walk_pays_off(connection, filter_terms(task_filter))
        # When the walk does not pay off, few tasks match, so sorting them beats
        # walking the created_at index, which would read most tasks.
        sort_without_index = not text_per_task
    conditions = task_conditions(task_filter, dialect, scan=scan, text_per_task=text_per_task)
    key = tuple_(TASKS.c.created_at, TASKS.c.task_id)
    if after is not None:
        bound = tuple_(after.created_at, after.task_id)
        conditions.append(key < bound if sort == "newest" else key > bound)
    sort_columns = [TASKS.c.created_at, TASKS.c.task_id]
    # Sorting by plain columns would make SQLite walk the created_at index,
    # reading tasks one by one until the page is full.
    key_columns = [scan_column(column, dialect) for column in sort_columns] if sort_without_index else sort_columns
    page_keys = (
        select(TASKS.c.task_id)
        .where(*conditions)
        .order_by(*[_ordered(column, sort) for column in key_columns])
        .limit(limit + 1)
        .correlate(None)
    )
    if offset:
        page_keys = page_keys.offset(offset)
    keys: Any = page_keys
    if scan and dialect == "sqlite" and after is None and not offset and sort == "newest":
        keys = _newest_keys(connection, conditions, limit + 1) or page_keys
    query = (
        _task_select()
        .where(TASKS.c.task_id.in_(keys))
        .order_by(*[_ordered(column, sort) for column in sort_columns])
    )
    rows = [_row(mapping) for mapping in connection.execute(query).mappings()]
    has_more = len(rows) > limit
    rows = rows[:limit]
    cursor = None
    if has_more and rows and rows[-1].created_at is not None:
        cursor = TaskCursor(rows[-1].created_at, rows[-1].task_id)
    return TaskPage(rows=rows, next_cursor=cursor)


def _newest_keys(connection: Connection, conditions: list[Any], limit: int) -> list[str] | None:
    """Return the ids of the newest `limit` matching tasks if the newest NEWEST_WINDOW tasks contain them, else None.

    This reads at most NEWEST_WINDOW tasks in created_at order. A task
    outside that window is older than every task in it, so when the window
    contains `limit` matches they are the newest matches of the whole table.
    Filters that match many tasks are served here without a scan.
    """
    boundary = (
        select(TASKS.c.created_at)
        .order_by(TASKS.c.created_at.desc())
        .limit(1)
        .offset(NEWEST_WINDOW - 1)
        .correlate(None)
        .scalar_subquery()
    )
    query = (
        select(TASKS.c.task_id)
        .where(TASKS.c.created_at >= boundary, *conditions)
        .order_by(TASKS.c.created_at.desc(), TASKS.c.task_id.desc())
        .limit(limit)
    )
    keys = [str(task_id) for task_id in connection.scalars(query)]
    return keys if len(keys) == limit else None


async def count_tasks(engine: AsyncEngine, task_filter: TaskFilter) -> int:
    """Count the tasks that match a filter through the async engine."""
    async with engine.connect() as connection:
        return await connection.run_sync(read_task_count, task_filter)


def read_task_count(connection: Connection, task_filter: TaskFilter) -> int:
    """Count the tasks that match a filter."""
    conditions = task_conditions(task_filter, connection.dialect.name, scan=needs_scan(task_filter))
    return int(connection.scalar(select(func.count()).select_from(TASKS).where(*conditions)) or 0)


async def fetch_facets(engine: AsyncEngine, task_filter: TaskFilter) -> Facets:
    """Count tasks per status, and the top repos and models, for a filter.

    Ties in the top lists are ordered by value, in code point order.
    """
    if not task_filter.is_empty():
        return await _facets_in_one_pass(engine, task_filter)
    conditions = task_conditions(task_filter, engine.dialect.name)
    count = func.count().label("n")
    async with engine.connect() as connection:
        statuses = await connection.execute(
            select(TASKS.c.status, count).where(*conditions).group_by(TASKS.c.status)
        )
        by_status = {status: int(n) for status, n in statuses}
        facets = []
        for column in (TASKS.c.repo_url, TASKS.c.model_name):
            result = await connection.execute(
                select(column, count).where(*conditions, column.is_not(None)).group_by(column)
            )
            facets.append(_top(Counter({value: int(n) for value, n in result})))
    return Facets(
        total=sum(by_status.values()), by_status=dict(sorted(by_status.items())), top_repos=facets[0],
        top_models=facets[1],
    )


async def _facets_in_one_pass(engine: AsyncEngine, task_filter: TaskFilter) -> Facets:
    """Sum the facets from one query grouped by (status, repo, model).

    The filter is evaluated once here instead of once per facet, which
    matters because a free-text or substring filter reads every task (a
    free-text filter costs hundreds of milliseconds on 50,000 tasks). With
    no filter at all, the three grouped queries are faster, because the
    status and repo indexes serve them.
    """
    conditions = task_conditions(task_filter, engine.dialect.name, scan=needs_scan(task_filter))
    query = (
        select(TASKS.c.status, TASKS.c.repo_url, TASKS.c.model_name, func.count().label("n"))
        .where(*conditions)
        .group_by(TASKS.c.status, TASKS.c.repo_url, TASKS.c.model_name)
    )
    by_status: Counter[str] = Counter()
    repos: Counter[str] = Counter()
    models: Counter[str] = Counter()
    async with engine.connect() as connection:
        for status, repo, model, n in await connection.execute(query):
            by_status[status] += int(n)
            if repo is not None:
                repos[repo] += int(n)
            if model is not None:
                models[model] += int(n)
    return Facets(
        total=sum(by_status.values()),
        by_status=dict(sorted(by_status.items())),
        top_repos=_top(repos),
        top_models=_top(models),
    )


def _top(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_FACETS]


async def fetch_task(engine: AsyncEngine, task_id: str) -> TaskRow:
    """Fetch one task with its counts by its full id."""
    async with engine.connect() as connection:
        result = await connection.execute(_task_select().where(TASKS.c.task_id == task_id))
        mapping = result.mappings().first()
    if mapping is None:
        raise NotFoundError(f"task not found: {task_id}")
    return _row(mapping)


async def resolve_task_id(engine: AsyncEngine, prefix: str) -> str:
    """Return the one task id that starts with `prefix`; ambiguity lists the candidates."""
    prefix = prefix.strip()
    if not prefix:
        raise NotFoundError("missing task id: give an id or a unique prefix of one")
    async with engine.connect() as connection:
        exact = await connection.scalar(select(TASKS.c.task_id).where(TASKS.c.task_id == prefix))
        if exact is not None:
            return str(exact)
        result = await connection.execute(
            select(TASKS.c.task_id, TASKS.c.title)
            .where(id_prefix_condition(TASKS.c.task_id, prefix, engine.dialect.name))
            .order_by(TASKS.c.task_id)
            .limit(11)
        )
        candidates = list(result)
    if not candidates:
        raise NotFoundError(f"no task id starts with {prefix!r}; `shadow-tui tasks` lists the ids")
    if len(candidates) > 1:
        listed = "\n".join(f"  {task_id}  {title or ''}" for task_id, title in candidates[:10])
        more = "\n  …" if len(candidates) > 10 else ""
        raise NotFoundError(
            f"task id prefix {prefix!r} is ambiguous; it matches:\n{listed}{more}\nGive more characters"
        )
    return str(candidates[0][0])


async def distinct_values(
    engine: AsyncEngine, field: Literal["repo", "model", "branch", "user", "status"], *, limit: int = 200,
) -> list[str]:
    """Return known values of a field, most used first, for completion."""
    column = {
        "status": TASKS.c.status,
        "repo": TASKS.c.repo_url,
        "model": TASKS.c.model_name,
        "branch": TASKS.c.branch,
        "user": USERS.c.username,
    }[field]
    source = TASKS.outerjoin(USERS, USERS.c.user_id == TASKS.c.user_id) if field == "user" else TASKS
    count = func.count().label("n")
    query = (
        select(column, count).select_from(source).where(column.is_not(None))
        .group_by(column).order_by(count.desc(), column).limit(limit)
    )
    async with engine.connect() as connection:
        return [str(value) for value, _n in await connection.execute(query)]


__all__ = [
    "count_tasks", "distinct_values", "fetch_facets", "fetch_task", "fetch_task_page", "read_task_count",
    "read_task_page", "resolve_task_id",
]
