"""Global full-text search over messages, commands, outputs and diffs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
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
from shadow_tui.queries.search_records import SEARCH_KINDS, SearchHit, SearchKind
from shadow_tui.queries.search_hits import (
    KEY_COLUMNS, KEYS_PER_STATEMENT, KINDS_BY_TABLE, RANK_WINDOW, SNIPPET_COLUMN_BY_KIND, SNIPPET_SOURCE_CHARS,
    ChunkScanner, best_of_window, hit_kind_and_text, make_snippet, needs_scan, order_ranked,
)
from shadow_tui.queries.hit_rows_sqlite import SCAN_CHUNK_CHARS


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
    Every indexed table returns its best `limit` rows, and snippets are
    made only for the best `limit` rows of all tables together.
    """
    terms = parse_search(query)
    requested_kinds = set(kinds)
    if not terms or not requested_kinds:
        return []
    dialect = engine.dialect.name
    candidates: list[_Candidate] = []
    async with engine.connect() as connection:
        for spec in SEARCHABLE_TABLES:
            if not requested_kinds & set(KINDS_BY_TABLE[spec.table]):
                continue
            ranked = await _ranked_keys(connection, spec, terms, dialect, task_filter, limit)
            candidates += [_Candidate(score, _sort_time(created_at), spec, key) for key, score, created_at in ranked]
        # A stable sort, so equal scores and times keep the order of the tables and their ranks.
        candidates.sort(key=lambda candidate: (candidate.score, candidate.sort_time))
        return await _best_hits(connection, candidates, terms, requested_kinds, limit)


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A ranked row, before its snippet is made."""

    score: float
    sort_time: float
    spec: SearchableTable
    key: str


def _sort_time(created_at: datetime | None) -> float:
    """Return the key that orders equal scores newest first."""
    return -created_at.timestamp() if created_at else 0.0


async def _best_hits(
    connection: AsyncConnection,
    candidates: list[_Candidate],
    terms: list[SearchTerm],
    kinds: set[SearchKind],
    limit: int,
) -> list[SearchHit]:
    """Build hits for the candidates in order until `limit` hits of the requested kinds are made.

    A command row is a "command" or an "output" hit depending on where its
    terms occur, so a row of an unrequested kind is known only once it is
    read, and the next candidates then take its place.
    """
    hits: list[SearchHit] = []
    start = 0
    while len(hits) < limit and start < len(candidates):
        batch = candidates[start:start + limit - len(hits)]
        start += len(batch)
        built: dict[tuple[str, str], SearchHit] = {}
        for spec in SEARCHABLE_TABLES:
            keys = [candidate.key for candidate in batch if candidate.spec == spec]
            if keys:
                built.update({(spec.table, key): hit for key, hit in (await _build_hits(connection, spec, terms, keys, kinds)).items()})
        for candidate in batch:
            hit = built.get((candidate.spec.table, candidate.key))
            if hit is not None and hit.kind in kinds:
                hits.append(hit)
    return hits


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
) -> list[tuple[str, float, datetime | None]]:
    """Return (primary key, score, created_at) of the best matching rows; lower scores rank first."""
    table = TABLE_BY_NAME[spec.table]
    key = table.c[KEY_COLUMNS[spec.table]]
    created_at = table.c.created_at
    extra = _filter_condition(table, task_filter, dialect)
    if dialect == "sqlite":
        rowid = literal_column(f"{spec.table}.rowid")
        fts_rowid = literal_column(f"{spec.fts}.rowid")
        rank = literal_column(f"{spec.fts}.rank")
        # The window reads only the full-text index unless a task filter needs the rows' task_id.
        source = table.join(text(spec.fts), rowid == fts_rowid) if extra else text(spec.fts)
        window = (
            select(fts_rowid, rank)
            .select_from(source)
            .where(_match_sqlite(spec.fts, sqlite_match(terms)), *extra)
            .order_by(fts_rowid.desc())
            .limit(RANK_WINDOW)
        )
        best = best_of_window(((int(row[0]), float(row[1])) for row in await connection.execute(window)), limit)
        rows: dict[int, tuple[str, datetime | None]] = {}
        for start in range(0, len(best), KEYS_PER_STATEMENT):
            chunk = [found for found, _score in best[start:start + KEYS_PER_STATEMENT]]
            for row in await connection.execute(select(rowid, key, created_at).where(rowid.in_(chunk))):
                rows[int(row[0])] = (str(row[1]), row[2])
        ranked = order_ranked(best, rows, limit)
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
        # Substring matches have no score: of the same window of matches as ranked words, the newest are kept.
        cjk_window = (
            select(key.label("key"), created_at.label("created_at"))
            .where(cjk_match, *extra)
            .order_by(rowid.desc())
            .limit(RANK_WINDOW)
            .subquery()
        )
        cjk_rows = select(cjk_window.c.key, cjk_window.c.created_at).order_by(cjk_window.c.created_at.desc()).limit(limit)
        seen = {found for found, _score, _created_at in ranked}
        # Substring hits in CJK rows have no bm25 score; they follow the ranked ones.
        ranked += [(str(row[0]), 0.0, row[1]) for row in await connection.execute(cjk_rows) if row[0] not in seen]
        return ranked
    query_vector = None

    for function, argument in pg_tsquery_parts(terms):
        part = getattr(func, function)(literal_column("'simple'::regconfig"), argument)
        query_vector = part if query_vector is None else query_vector.op("&&")(part)
    score = -func.ts_rank(literal_column(f"{spec.table}.search_vector"), query_vector)
    statement = (
        select(key, score.label("score"), created_at)
        .where(fts_condition(spec, terms, dialect), *extra)
        .order_by(literal_column("score"), created_at.desc())
        .limit(limit)
    )
    return [(str(row[0]), float(row[1]), row[2]) for row in await connection.execute(statement)]


async def _build_hits(
    connection: AsyncConnection,
    spec: SearchableTable,
    terms: list[SearchTerm],
    keys: list[str],
    kinds: set[SearchKind],
) -> dict[str, SearchHit]:
    """Read the rows of one table by primary key and return their hits by key."""
    table = TABLE_BY_NAME[spec.table]
    key = table.c[KEY_COLUMNS[spec.table]]
    columns = [
        func.substr(indexed_text(spec, index), 1, SNIPPET_SOURCE_CHARS).label(name)
        for index, name in enumerate(spec.columns)
    ]
    statement = (
        select(key.label("key"), table.c.task_id, table.c.created_at, TASKS.c.title, *columns)
        .select_from(table.join(TASKS, TASKS.c.task_id == table.c.task_id))
        .where(key.in_(keys))
    )
    hits: dict[str, SearchHit] = {}
    for row in (await connection.execute(statement)).all():
        kind, field_text = hit_kind_and_text(spec.table, row._mapping, terms, kinds)
        snippet, offsets, line = make_snippet(field_text, terms)
        if connection.dialect.name == "sqlite" and needs_scan(kind, row._mapping, spec.columns, terms):
            scanned = await _scan_snippet(connection, spec, SNIPPET_COLUMN_BY_KIND[kind], key == row.key, terms)
            if scanned is not None:
                snippet, offsets, line = scanned
        hits[row.key] = SearchHit(
            kind=kind,
            task_id=row.task_id,
            item_id=row.key,
            created_at=row.created_at,
            snippet=snippet,
            offsets=offsets,
            line=line,
            task_title=row.title,
        )
    return hits


async def _scan_snippet(
    connection: AsyncConnection, spec: SearchableTable, index: int, where: Any, terms: list[SearchTerm]
) -> tuple[str, list[tuple[int, int]], int] | None:
    """Read an indexed column of one row in chunks until its first match; return that match's snippet, or None.

    Each `substr` makes SQLite load the whole value, so the chunks are four
    times as long as on the `sqlite3` path, which reads through blob handles.
    """
    table = TABLE_BY_NAME[spec.table]
    source = indexed_text(spec, index)
    scanner = ChunkScanner(terms)
    start = 1
    while True:
        text = (await connection.execute(
            select(func.substr(source, start, 4 * SCAN_CHUNK_CHARS)).select_from(table).where(where)
        )).scalar()
        if not text:
            return scanner.finish()
        found = scanner.feed(text)
        if found is not None:
            return found
        start += len(text)


__all__ = ["make_snippet", "search"]
