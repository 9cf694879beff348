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
from dataclasses import dataclass

from shadow_tui.db.fulltext import SEARCHABLE_TABLES, SearchableTable
from shadow_tui.db.timestamps import parse_timestamp
from shadow_tui.queries.fts import SearchTerm, parse_search, sqlite_match, sqlite_trigram_match
from shadow_tui.queries.search_records import SEARCH_KINDS, SearchHit, SearchKind
from shadow_tui.queries.search_hits import (
    KEY_COLUMNS, KINDS_BY_TABLE, RANK_WINDOW, SNIPPET_SOURCE_CHARS, hit_kind_and_text, make_snippet,
)

# Keys per `IN (...)` list. SQLite allows 999 parameters per statement before
# version 3.32 and 32,766 since (SQLITE_MAX_VARIABLE_NUMBER).
KEYS_PER_STATEMENT = 500


def ranked_sql(spec: SearchableTable) -> str:
    """Return the statement that ranks a table's newest matches by bm25.

    Parameters: the MATCH expression, then the limit. It ranks only the
    RANK_WINDOW most recently stored matches, as `queries.search` does.
    """
    key = f"{spec.table}.{KEY_COLUMNS[spec.table]}"
    window = (
        f"SELECT {key} AS key, {spec.table}.created_at AS created_at, {spec.fts}.rank AS score "
        f"FROM {spec.table} JOIN {spec.fts} ON {spec.table}.rowid = {spec.fts}.rowid "
        f"WHERE {spec.fts} MATCH ? ORDER BY {spec.fts}.rowid DESC LIMIT {RANK_WINDOW}"
    )
    return f"SELECT key, score, created_at FROM ({window}) ORDER BY score, created_at DESC LIMIT ?"


def cjk_trigram_sql(spec: SearchableTable) -> str:
    """Return the statement that finds CJK rows through the trigram index; parameters: MATCH expression, limit."""
    key = f"{spec.table}.{KEY_COLUMNS[spec.table]}"
    return (
        f"SELECT {key}, {spec.table}.created_at FROM {spec.table} "
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
        f"SELECT {key}, {spec.table}.created_at FROM {spec.table} "
        f"WHERE {spec.table}.rowid IN (SELECT id FROM {spec.cjk}_docsize) AND {every_term} LIMIT ?"
    )


def hit_rows_sql(spec: SearchableTable, key_count: int) -> str:
    """Return the statement that reads matched rows with their task title; parameters: the keys.

    It leaves out created_at, which the ranking read: a created_at stored
    after a long output is reached only through the output's overflow pages.
    """
    key = f"{spec.table}.{KEY_COLUMNS[spec.table]}"
    columns = ", ".join(
        f"substr({spec.source(index, spec.table)}, 1, {SNIPPET_SOURCE_CHARS}) AS {name}"
        for index, name in enumerate(spec.columns)
    )
    placeholders = ", ".join("?" * key_count)
    return (
        f"SELECT {key} AS key, {spec.table}.task_id, tasks.title, {columns} "
        f"FROM {spec.table} JOIN tasks ON tasks.task_id = {spec.table}.task_id "
        f"WHERE {key} IN ({placeholders})"
    )


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A ranked row, before its snippet is made."""

    score: float
    sort_time: float
    spec: SearchableTable
    key: str
    created_at: object
    """The stored value, as sqlite3 returns it."""


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
    candidates: list[_Candidate] = []
    for spec in SEARCHABLE_TABLES:
        if not requested_kinds & set(KINDS_BY_TABLE[spec.table]):
            continue
        for key, score, created_at in _ranked_keys(connection, spec, terms, limit):
            candidates.append(_Candidate(score, _sort_time(created_at), spec, key, created_at))
    # A stable sort, so equal scores and times keep the order of the tables and their ranks.
    candidates.sort(key=lambda candidate: (candidate.score, candidate.sort_time))
    return _best_hits(connection, candidates, terms, requested_kinds, limit)


def _sort_time(created_at: object) -> float:
    """Return the key that orders equal scores newest first."""
    moment = parse_timestamp(created_at)
    return -moment.timestamp() if moment else 0.0


def _best_hits(
    connection: sqlite3.Connection,
    candidates: list[_Candidate],
    terms: list[SearchTerm],
    kinds: set[SearchKind],
    limit: int,
) -> list[SearchHit]:
    """Build hits for the candidates in order until `limit` hits of the requested kinds are made."""
    hits: list[SearchHit] = []
    start = 0
    while len(hits) < limit and start < len(candidates):
        batch = candidates[start:start + limit - len(hits)]
        start += len(batch)
        built: dict[tuple[str, str], SearchHit] = {}
        for spec in SEARCHABLE_TABLES:
            created = {candidate.key: candidate.created_at for candidate in batch if candidate.spec == spec}
            if created:
                built.update({(spec.table, key): hit for key, hit in _build_hits(connection, spec, terms, created).items()})
        for candidate in batch:
            hit = built.get((candidate.spec.table, candidate.key))
            if hit is not None and hit.kind in kinds:
                hits.append(hit)
    return hits


def _ranked_keys(
    connection: sqlite3.Connection, spec: SearchableTable, terms: list[SearchTerm], limit: int
) -> list[tuple[str, float, object]]:
    ranked = [
        (str(key), float(score), created_at)
        for key, score, created_at in connection.execute(ranked_sql(spec), (sqlite_match(terms), limit))
    ]
    trigram = sqlite_trigram_match(terms)
    if trigram is not None:
        cjk_rows = connection.execute(cjk_trigram_sql(spec), (trigram, limit))
    else:
        needles = [term.text.lower() for term in terms for _column in spec.columns]
        cjk_rows = connection.execute(cjk_scan_sql(spec, len(terms)), (*needles, limit))
    seen = {found for found, _score, _created_at in ranked}
    # Substring hits in CJK rows have no bm25 score; they follow the ranked ones.
    ranked += [(str(row[0]), 0.0, row[1]) for row in cjk_rows if row[0] not in seen]
    return ranked


def _build_hits(
    connection: sqlite3.Connection, spec: SearchableTable, terms: list[SearchTerm], created: dict[str, object]
) -> dict[str, SearchHit]:
    """Read the rows of one table by primary key and return their hits by key.

    `created` maps each key to the row's created_at as the ranking read it.
    """
    names = ("key", "task_id", "title", *spec.columns)
    keys = list(created)
    hits: dict[str, SearchHit] = {}
    for start in range(0, len(keys), KEYS_PER_STATEMENT):
        chunk = keys[start:start + KEYS_PER_STATEMENT]
        for values in connection.execute(hit_rows_sql(spec, len(chunk)), chunk):
            row = dict(zip(names, values, strict=True))
            kind, field_text = hit_kind_and_text(spec.table, row, terms)
            snippet, offsets, line = make_snippet(field_text, terms)
            found = str(row["key"])
            hits[found] = SearchHit(
                kind=kind,
                task_id=str(row["task_id"]),
                item_id=found,
                created_at=parse_timestamp(created[found]),
                snippet=snippet,
                offsets=offsets,
                line=line,
                task_title=row["title"],  # type: ignore[arg-type]
            )
    return hits
