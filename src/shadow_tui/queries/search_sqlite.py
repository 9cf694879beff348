"""Global search on a SQLite file through the standard library's `sqlite3`.

`shadow-tui search` uses this for a SQLite file and no task filter, so the
command does not import SQLAlchemy and SQLModel (see `db.sqlite_reader`).
It sends the statements that `queries.search` builds for SQLite, written
out as SQL text here, and returns the same hits in the same order:
`tests/test_search_sqlite.py` compares the two over a set of queries.
The term parsing, MATCH expressions, hit kinds and snippets are shared
with `queries.search`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from shadow_tui.db.fulltext import SEARCHABLE_TABLES, SearchableTable
from shadow_tui.db.timestamps import parse_timestamp
from shadow_tui.queries.fts import SearchTerm, parse_search, sqlite_match, sqlite_trigram_match
from shadow_tui.queries.records import SEARCH_KINDS, SearchHit, SearchKind
from shadow_tui.queries.search_hits import (
    KEY_COLUMNS, KINDS_BY_TABLE, SNIPPET_SOURCE_CHARS, hit_kind_and_text, make_snippet,
)

# Keys per `IN (...)` list. SQLite allows 999 parameters per statement before
# version 3.32 and 32,766 since (SQLITE_MAX_VARIABLE_NUMBER).
KEYS_PER_STATEMENT = 500


def ranked_sql(spec: SearchableTable) -> str:
    """Return the statement that ranks a table's rows by bm25; parameters: MATCH expression, limit."""
    key = f"{spec.table}.{KEY_COLUMNS[spec.table]}"
    return (
        f"SELECT {key}, {spec.fts}.rank FROM {spec.table} "
        f"JOIN {spec.fts} ON {spec.table}.rowid = {spec.fts}.rowid "
        f"WHERE {spec.fts} MATCH ? ORDER BY {spec.fts}.rank LIMIT ?"
    )


def cjk_trigram_sql(spec: SearchableTable) -> str:
    """Return the statement that finds CJK rows through the trigram index; parameters: MATCH expression, limit."""
    key = f"{spec.table}.{KEY_COLUMNS[spec.table]}"
    return (
        f"SELECT {key} FROM {spec.table} "
        f"WHERE {spec.table}.rowid IN (SELECT rowid FROM {spec.cjk} WHERE {spec.cjk} MATCH ?) LIMIT ?"
    )


def cjk_scan_sql(spec: SearchableTable, term_count: int) -> str:
    """Return the statement that scans the CJK rows for substrings.

    Parameters: each term's lowercased text once per indexed column, then the limit.
    """
    key = f"{spec.table}.{KEY_COLUMNS[spec.table]}"
    per_term = " OR ".join(
        f"instr(lower({spec.source(index, spec.table)}), ?) > 0" for index in range(len(spec.columns))
    )
    every_term = " AND ".join(f"({per_term})" for _term in range(term_count))
    return (
        f"SELECT {key} FROM {spec.table} "
        f"WHERE {spec.table}.rowid IN (SELECT id FROM {spec.cjk}_docsize) AND {every_term} LIMIT ?"
    )


def hit_rows_sql(spec: SearchableTable, key_count: int) -> str:
    """Return the statement that reads matched rows with their task title; parameters: the keys."""
    key = f"{spec.table}.{KEY_COLUMNS[spec.table]}"
    columns = ", ".join(
        f"substr({spec.source(index, spec.table)}, 1, {SNIPPET_SOURCE_CHARS}) AS {name}"
        for index, name in enumerate(spec.columns)
    )
    placeholders = ", ".join("?" * key_count)
    return (
        f"SELECT {key} AS key, {spec.table}.task_id, {spec.table}.created_at, tasks.title, {columns} "
        f"FROM {spec.table} JOIN tasks ON tasks.task_id = {spec.table}.task_id "
        f"WHERE {key} IN ({placeholders})"
    )


def search_sqlite(
    connection: sqlite3.Connection,
    query: str,
    *,
    kinds: Iterable[SearchKind] = SEARCH_KINDS,
    limit: int = 50,
) -> list[SearchHit]:
    """Return the best hits for typed search text, best first, as `queries.search.search` does without a filter.

    Raises sqlite3.Error when a statement fails, for example on a damaged file.
    """
    terms = parse_search(query)
    requested_kinds = set(kinds)
    if not terms or not requested_kinds:
        return []
    scored: list[tuple[float, SearchHit]] = []
    for spec in SEARCHABLE_TABLES:
        if not requested_kinds & set(KINDS_BY_TABLE[spec.table]):
            continue
        ranked = _ranked_keys(connection, spec, terms, limit)
        hits = _build_hits(connection, spec, terms, ranked)
        scored += [(score, hit) for score, hit in hits if hit.kind in requested_kinds]
    scored.sort(key=lambda pair: (pair[0], _sort_time(pair[1])))
    return [hit for _score, hit in scored[:limit]]


def _sort_time(hit: SearchHit) -> float:
    return -hit.created_at.timestamp() if hit.created_at else 0.0


def _ranked_keys(
    connection: sqlite3.Connection, spec: SearchableTable, terms: list[SearchTerm], limit: int
) -> list[tuple[str, float]]:
    ranked = [
        (str(key), float(score))
        for key, score in connection.execute(ranked_sql(spec), (sqlite_match(terms), limit))
    ]
    trigram = sqlite_trigram_match(terms)
    if trigram is not None:
        cjk_rows = connection.execute(cjk_trigram_sql(spec), (trigram, limit))
    else:
        needles = [term.text.lower() for term in terms for _column in spec.columns]
        cjk_rows = connection.execute(cjk_scan_sql(spec, len(terms)), (*needles, limit))
    seen = {found for found, _score in ranked}
    # Substring hits in CJK rows have no bm25 score; they follow the ranked ones.
    ranked += [(str(row[0]), 0.0) for row in cjk_rows if row[0] not in seen]
    return ranked


def _build_hits(
    connection: sqlite3.Connection, spec: SearchableTable, terms: list[SearchTerm], ranked: list[tuple[str, float]]
) -> list[tuple[float, SearchHit]]:
    if not ranked:
        return []
    keys = [found for found, _score in ranked]
    names = ("key", "task_id", "created_at", "title", *spec.columns)
    rows: dict[str, dict[str, object]] = {}
    for start in range(0, len(keys), KEYS_PER_STATEMENT):
        chunk = keys[start:start + KEYS_PER_STATEMENT]
        for values in connection.execute(hit_rows_sql(spec, len(chunk)), chunk):
            row = dict(zip(names, values, strict=True))
            rows[str(row["key"])] = row
    hits: list[tuple[float, SearchHit]] = []
    for found, score in ranked:
        row = rows.get(found)
        if row is None:
            continue
        kind, field_text = hit_kind_and_text(spec.table, row, terms)
        snippet, offsets, line = make_snippet(field_text, terms)
        hit = SearchHit(
            kind=kind,
            task_id=str(row["task_id"]),
            item_id=found,
            created_at=parse_timestamp(row["created_at"]),
            snippet=snippet,
            offsets=offsets,
            line=line,
            task_title=row["title"],  # type: ignore[arg-type]
        )
        hits.append((score, hit))
    return hits
