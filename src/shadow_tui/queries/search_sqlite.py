"""Global search on a SQLite file through the standard library's `sqlite3`.

`shadow-tui search` uses this for a SQLite file and no task filter, so the
command does not import SQLAlchemy and SQLModel (see `db.sqlite_reader`).
It ranks the same window of matches as `queries.search` does on SQLite,
with statements of its own, and returns the same hits in the same order:
`tests/test_search_sqlite.py` compares the two over a set of queries.
The term parsing, MATCH expressions, hit kinds and snippets are shared
with `queries.search`.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from shadow_tui.db.fulltext import SEARCHABLE_TABLES, SearchableTable
from shadow_tui.db.timestamps import parse_timestamp
from shadow_tui.queries.hit_rows_sqlite import HitRowReader, utf8_database
from shadow_tui.queries.fts import SearchTerm, parse_search, sqlite_match, sqlite_trigram_match
from shadow_tui.queries.search_records import SEARCH_KINDS, SearchHit, SearchKind
from shadow_tui.queries.search_hits import (
    KEY_COLUMNS, KEYS_PER_STATEMENT, KINDS_BY_TABLE, RANK_WINDOW, SNIPPET_COLUMN_BY_KIND, best_of_window,
    hit_kind_and_text, make_snippet, needs_scan, order_ranked, snippet_from_chunks,
)


def window_sql(spec: SearchableTable) -> str:
    """Return the statement that scores a table's newest matches by bm25; parameter: the MATCH expression.

    It reads only the full-text index, and scores only the RANK_WINDOW most
    recently stored matches, as `queries.search` does.
    """
    return (
        f"SELECT rowid, rank FROM {spec.fts} WHERE {spec.fts} MATCH ? "
        f"ORDER BY rowid DESC LIMIT {RANK_WINDOW}"
    )


def keys_by_rowid_sql(spec: SearchableTable, rowid_count: int, *, with_time: bool) -> str:
    """Return the statement that reads the primary key of rows, and their created_at with `with_time`; parameters: their rowids.

    In `task_commands` and `file_edits`, created_at is stored after the
    output or diff, so SQLite reaches it through the value's overflow pages:
    13 ms for the 20 MB output of the benchmark's heaviest task. The ranking
    reads it only for rows whose order depends on it.
    """
    placeholders = ", ".join("?" * rowid_count)
    time_column = ", created_at" if with_time else ""
    return (
        f"SELECT rowid, {KEY_COLUMNS[spec.table]}{time_column} FROM {spec.table} "
        f"WHERE rowid IN ({placeholders})"
    )


def _newest_of_window(spec: SearchableTable, condition: str) -> str:
    """Return a statement that keeps, of the RANK_WINDOW most recently stored rows meeting `condition`, the newest.

    Substring matches in CJK text have no score, so they are ordered by
    created_at, within the same window of matches as ranked words.
    Its last parameter is the limit.
    """
    key = f"{spec.table}.{KEY_COLUMNS[spec.table]}"
    window = (
        f"SELECT {key} AS key, {spec.table}.created_at AS created_at FROM {spec.table} "
        f"WHERE {condition} ORDER BY {spec.table}.rowid DESC LIMIT {RANK_WINDOW}"
    )
    return f"SELECT key, created_at FROM ({window}) ORDER BY created_at DESC LIMIT ?"


def cjk_trigram_sql(spec: SearchableTable) -> str:
    """Return the statement that finds the newest CJK rows through the trigram index; parameters: MATCH expression, limit."""
    return _newest_of_window(spec, f"{spec.table}.rowid IN (SELECT rowid FROM {spec.cjk} WHERE {spec.cjk} MATCH ?)")


def cjk_scan_sql(spec: SearchableTable, term_count: int) -> str:
    """Return the statement that scans the CJK rows for substrings and keeps the newest matches.

    Parameters: each term's lowercased text once per indexed column, then the limit.
    """
    per_term = " OR ".join(
        f"instr(lower({spec.source(index, spec.table)}), ?) > 0" for index in range(len(spec.columns))
    )
    every_term = " AND ".join(f"({per_term})" for _term in range(term_count))
    return _newest_of_window(spec, f"{spec.table}.rowid IN (SELECT id FROM {spec.cjk}_docsize) AND {every_term}")


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A ranked row, before its snippet is made."""

    score: float
    spec: SearchableTable
    key: str
    created_at: object
    """The stored value as sqlite3 returns it, or NOT_READ."""


NOT_READ = object()
"""The created_at of a row whose rank did not depend on it, so it was not read."""


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
        candidates += [
            _Candidate(score, spec, key, created_at) for key, score, created_at in _ranked_keys(connection, spec, terms, limit)
        ]
    _read_tied_times(connection, candidates)
    # A stable sort, so equal scores and times keep the order of the tables and their ranks.
    candidates.sort(key=lambda candidate: (candidate.score, _sort_time(candidate.created_at)))
    return _best_hits(connection, candidates, terms, requested_kinds, limit)


def _read_tied_times(connection: sqlite3.Connection, candidates: list[_Candidate]) -> None:
    """Read the created_at of candidates that tie another table's candidate on score, which it then orders."""
    counts = Counter(candidate.score for candidate in candidates)
    for spec in SEARCHABLE_TABLES:
        unread = [
            index for index, candidate in enumerate(candidates)
            if candidate.spec == spec and candidate.created_at is NOT_READ and counts[candidate.score] > 1
        ]
        if not unread:
            continue
        times: dict[str, object] = {}
        key = KEY_COLUMNS[spec.table]
        for start in range(0, len(unread), KEYS_PER_STATEMENT):
            chunk = [candidates[index].key for index in unread[start:start + KEYS_PER_STATEMENT]]
            statement = f"SELECT {key}, created_at FROM {spec.table} WHERE {key} IN ({', '.join('?' * len(chunk))})"
            times.update((str(found), created_at) for found, created_at in connection.execute(statement, chunk))
        for index in unread:
            candidate = candidates[index]
            candidates[index] = _Candidate(candidate.score, spec, candidate.key, times.get(candidate.key))


def _sort_time(created_at: object) -> float:
    """Return the key that orders equal scores newest first."""
    if created_at is NOT_READ:
        return 0.0
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
            keys = [candidate.key for candidate in batch if candidate.spec == spec]
            if keys:
                built.update({(spec.table, key): hit for key, hit in _build_hits(connection, spec, terms, keys, kinds).items()})
        for candidate in batch:
            hit = built.get((candidate.spec.table, candidate.key))
            if hit is not None and hit.kind in kinds:
                hits.append(hit)
    return hits


def _ranked_keys(
    connection: sqlite3.Connection, spec: SearchableTable, terms: list[SearchTerm], limit: int
) -> list[tuple[str, float, object]]:
    best = best_of_window(connection.execute(window_sql(spec), (sqlite_match(terms),)), limit)
    scores = Counter(score for _rowid, score in best)
    rows: dict[int, tuple[str, object]] = {}
    for with_time in (False, True):
        selected = [rowid for rowid, score in best if (scores[score] > 1) == with_time]
        for start in range(0, len(selected), KEYS_PER_STATEMENT):
            chunk = selected[start:start + KEYS_PER_STATEMENT]
            for row in connection.execute(keys_by_rowid_sql(spec, len(chunk), with_time=with_time), chunk):
                rows[row[0]] = (str(row[1]), row[2] if with_time else None)
    ranked = [
        (key, float(score), created_at if scores[score] > 1 else NOT_READ)
        for key, score, created_at in order_ranked(best, rows, limit)
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
    connection: sqlite3.Connection, spec: SearchableTable, terms: list[SearchTerm], keys: list[str],
    kinds: set[SearchKind],
) -> dict[str, SearchHit]:
    """Read the rows of one table by primary key and return their hits by key."""
    reader = HitRowReader(connection, spec, blobs=utf8_database(connection))
    hits: dict[str, SearchHit] = {}
    for start in range(0, len(keys), KEYS_PER_STATEMENT):
        for row in reader.rows(keys[start:start + KEYS_PER_STATEMENT]):
            kind, field_text = hit_kind_and_text(spec.table, row, terms, kinds)
            snippet, offsets, line = make_snippet(field_text, terms)
            if needs_scan(kind, row, spec.columns, terms):
                scanned = snippet_from_chunks(reader.chunks(SNIPPET_COLUMN_BY_KIND[kind], row), terms)
                if scanned is not None:
                    snippet, offsets, line = scanned
            found = str(row["key"])
            hits[found] = SearchHit(
                kind=kind,
                task_id=str(row["task_id"]),
                item_id=found,
                created_at=parse_timestamp(row["created_at"]),
                snippet=snippet,
                offsets=offsets,
                line=line,
                task_title=row["title"],
            )
    return hits
