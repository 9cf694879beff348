"""Global full-text search over messages, commands, outputs and diffs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, and_, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shadow_tui.db.fulltext import SEARCHABLE_TABLES, SearchableTable
from shadow_tui.queries.conditions import (
    TABLE_BY_NAME,
    TASKS,
    _match_sqlite,
    _substring_all,
    fts_condition,
    indexed_text,
    task_conditions,
)
from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.fts import (
    SearchTerm, parse_search, pg_tsquery_parts, sqlite_match, sqlite_trigram_match,
)
from shadow_tui.queries.records import SEARCH_KINDS, SearchHit, SearchKind
from shadow_tui.queries.search_hits import (
    KEY_COLUMNS, KINDS_BY_TABLE, SNIPPET_SOURCE_CHARS, hit_kind_and_text, make_snippet,
)


async def search(
    engine: AsyncEngine,
    query: str,
    *,
    kinds: Iterable[SearchKind] = SEARCH_KINDS,
    task_filter: TaskFilter | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Return the best hits for typed search text, best first.

    Text that contains no word (blank, or only punctuation) matches nothing.
    """
    terms = parse_search(query)
    requested_kinds = set(kinds)
    if not terms or not requested_kinds:
        return []
    dialect = engine.dialect.name
    scored: list[tuple[float, SearchHit]] = []
    async with engine.connect() as connection:
        for spec in SEARCHABLE_TABLES:
            if not requested_kinds & set(KINDS_BY_TABLE[spec.table]):
                continue
            ranked = await _ranked_keys(connection, spec, terms, dialect, task_filter, limit)
            hits = await _build_hits(connection, spec, terms, ranked)
            scored += [(score, hit) for score, hit in hits if hit.kind in requested_kinds]
    scored.sort(key=lambda pair: (pair[0], _sort_time(pair[1])))
    return [hit for _score, hit in scored[:limit]]


def _sort_time(hit: SearchHit) -> float:
    return -hit.created_at.timestamp() if hit.created_at else 0.0


def _filter_condition(table: Table, task_filter: TaskFilter | None, dialect: str) -> list[Any]:
    if task_filter is None or task_filter.is_empty():
        return []
    return [table.c.task_id.in_(select(TASKS.c.task_id).where(*task_conditions(task_filter, dialect)))]


async def _ranked_keys(
    connection: AsyncConnection,
    spec: SearchableTable,
    terms: list[SearchTerm],
    dialect: str,
    task_filter: TaskFilter | None,
    limit: int,
) -> list[tuple[str, float]]:
    """Return (primary key, score) of the best matching rows; lower scores rank first."""
    table = TABLE_BY_NAME[spec.table]
    key = table.c[KEY_COLUMNS[spec.table]]
    extra = _filter_condition(table, task_filter, dialect)
    if dialect == "sqlite":
        rowid = literal_column(f"{spec.table}.rowid")
        rank = literal_column(f"{spec.fts}.rank")
        words = (
            select(key, rank)
            .select_from(table.join(text(spec.fts), rowid == literal_column(f"{spec.fts}.rowid")))
            .where(_match_sqlite(spec.fts, sqlite_match(terms)), *extra)
            .order_by(rank)
            .limit(limit)
        )
        ranked = [(str(row[0]), float(row[1])) for row in await connection.execute(words)]
        trigram = sqlite_trigram_match(terms)
        if trigram is not None:
            # The trigram index contains exactly the CJK rows, and MATCH finds substrings
            # without reading the rows. Terms under three characters need the scan below,
            # which reads every CJK row (26,000 rows, 0.1 s, in the benchmark database).
            cjk_match = rowid.in_(
                select(literal_column("rowid")).select_from(text(spec.cjk)).where(_match_sqlite(spec.cjk, trigram))
            )
        else:
            cjk_match = and_(
                rowid.in_(select(literal_column("id")).select_from(text(f"{spec.cjk}_docsize"))),
                _substring_all(table, spec, terms, dialect),
            )
        cjk_rows = select(key).where(cjk_match, *extra).limit(limit)
        seen = {found for found, _score in ranked}
        # Substring hits in CJK rows have no bm25 score; they follow the ranked ones.
        ranked += [(str(row[0]), 0.0) for row in await connection.execute(cjk_rows) if row[0] not in seen]
        return ranked
    query_vector = None

    for function, argument in pg_tsquery_parts(terms):
        part = getattr(func, function)(literal_column("'simple'::regconfig"), argument)
        query_vector = part if query_vector is None else query_vector.op("&&")(part)
    score = -func.ts_rank(literal_column(f"{spec.table}.search_vector"), query_vector)
    statement = (
        select(key, score.label("score"))
        .where(fts_condition(spec, terms, dialect), *extra)
        .order_by(literal_column("score"))
        .limit(limit)
    )
    return [(str(row[0]), float(row[1])) for row in await connection.execute(statement)]


async def _build_hits(
    connection: AsyncConnection,
    spec: SearchableTable,
    terms: list[SearchTerm],
    ranked: list[tuple[str, float]],
) -> list[tuple[float, SearchHit]]:
    if not ranked:
        return []
    table = TABLE_BY_NAME[spec.table]
    key = table.c[KEY_COLUMNS[spec.table]]
    columns = [
        func.substr(indexed_text(spec, index), 1, SNIPPET_SOURCE_CHARS).label(name)
        for index, name in enumerate(spec.columns)
    ]
    statement = (
        select(key.label("key"), table.c.task_id, table.c.created_at, TASKS.c.title, *columns)
        .select_from(table.join(TASKS, TASKS.c.task_id == table.c.task_id))
        .where(key.in_([found for found, _score in ranked]))
    )
    rows = {row.key: row for row in await connection.execute(statement)}
    hits: list[tuple[float, SearchHit]] = []
    for found, score in ranked:
        row = rows.get(found)
        if row is None:
            continue
        kind, field_text = hit_kind_and_text(spec.table, row._mapping, terms)
        snippet, offsets, line = make_snippet(field_text, terms)
        hits.append(
            (
                score,
                SearchHit(
                    kind=kind,
                    task_id=row.task_id,
                    item_id=row.key,
                    created_at=row.created_at,
                    snippet=snippet,
                    offsets=offsets,
                    line=line,
                    task_title=row.title,
                ),
            )
        )
    return hits


__all__ = ["make_snippet", "search"]
