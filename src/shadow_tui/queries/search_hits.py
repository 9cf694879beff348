"""The parts of global search that both search paths share, without SQLAlchemy.

The SQLAlchemy path (`queries.search`) and the `sqlite3` path for SQLite
files (`queries.search_sqlite`) take the row keys, the snippet length, the
kind of a hit and its snippet from here, so their hits read the same.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from shadow_tui.queries.fts import SearchTerm, first_match_start, highlight_offsets
from shadow_tui.queries.search_records import SEARCH_KINDS, SearchKind

# Characters of each matched field read at first to build its snippet. When
# a field this long has no match in them, the rest is read in chunks until
# the first match (`snippet_from_chunks`), on SQLite only: PostgreSQL
# indexes no further than this.
SNIPPET_SOURCE_CHARS = 262_144
# Characters kept from the end of one chunk for the next, so that a match
# across the boundary is found with context on both sides. Terms longer
# than this are not found across a boundary.
CHUNK_OVERLAP_CHARS = 1_024
# The indexed column whose text a hit of each kind shows, by its index in `SearchableTable.columns`.
SNIPPET_COLUMN_BY_KIND: dict[SearchKind, int] = {"message": 0, "output": 1, "diff": 1}
SNIPPET_BEFORE = 60
SNIPPET_AFTER = 160
# On SQLite, a search ranks at most this many matches of each table, the most
# recently stored ones (highest rowid). Ranking costs time for every row it
# scores: ranking all 98,000 messages that contain "retry" took 0.14 s, the
# newest 2,000 of them 5 ms (sqlite3, benchmark database of 50,000 tasks,
# 2-core machine).
# NOTE: an older match that outranks them is therefore not shown for words
# with more matches than this. PostgreSQL ranks every match.
RANK_WINDOW = 2_000
# Keys or rowids per `IN (...)` list. SQLite allows 999 parameters per
# statement before version 3.32 and 32,766 since (SQLITE_MAX_VARIABLE_NUMBER).
KEYS_PER_STATEMENT = 500

KINDS_BY_TABLE: dict[str, tuple[SearchKind, ...]] = {
    "chat_messages": ("message",),
    "task_commands": ("command", "output"),
    "file_edits": ("diff",),
}
KEY_COLUMNS = {"chat_messages": "message_id", "task_commands": "command_id", "file_edits": "edit_id"}
_WHITESPACE = re.compile(r"\s+")


def best_of_window(window: Iterable[tuple[int, float]], limit: int) -> list[tuple[int, float]]:
    """Return the `limit` lowest-scored (rowid, score) pairs of a ranking window, and every pair that ties the last.

    The scores come from the full-text index alone. Equal scores are ordered
    by the rows' created_at, which only the table holds, so the pairs that
    tie the last one are kept for that step (`order_ranked`).
    """
    ordered = sorted(window, key=lambda pair: pair[1])
    if len(ordered) <= limit:
        return ordered
    end = limit
    while end < len(ordered) and ordered[end][1] == ordered[limit - 1][1]:
        end += 1
    return ordered[:end]


def order_ranked(
    best: list[tuple[int, float]], rows: Mapping[int, tuple[str, Any]], limit: int
) -> list[tuple[str, float, Any]]:
    """Order the best pairs by score, then newest first; return (key, score, created_at) of the first `limit`.

    `rows` maps each rowid to its primary key and created_at, as stored on
    SQLite (text in one sortable format) or as a datetime. Pairs equal in
    both keep their order in `best`.
    """
    ranked = [(score, *rows[rowid]) for rowid, score in best if rowid in rows]
    # Two stable sorts, newest first and then by score, order as `ORDER BY score, created_at DESC` does.
    ranked.sort(key=lambda item: _stored_order(item[2]), reverse=True)
    ranked.sort(key=lambda item: item[0])
    return [(key, score, created_at) for score, key, created_at in ranked[:limit]]


def _stored_order(value: Any) -> tuple[int, Any]:
    """Return a sort key that orders stored values as SQLite does: NULL, numbers, then text and times."""
    if value is None:
        return (0, 0)
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, bytes):
        return (3, value)
    return (2, value)


def hit_kind_and_text(
    table_name: str, fields: Mapping[str, Any], terms: list[SearchTerm], kinds: Collection[SearchKind] = SEARCH_KINDS
) -> tuple[SearchKind, str]:
    """Return the kind of a matched row and the text its snippet is cut from.

    A command row is a `command` hit when every term occurs in the command
    line, else an `output` hit. A row that matches in both is an `output`
    hit when `kinds` includes outputs and not commands. A diff row whose
    diff has no match shows its path.
    """
    if table_name == "chat_messages":
        return "message", fields["content"] or ""
    if table_name == "file_edits":
        diff = fields["diff"] or ""
        path = fields["file_path"] or ""
        return "diff", diff if first_match_start(diff, terms) is not None else path
    command = fields["command_text"] or ""
    output = fields["output"] or ""
    matched = first_match_start(command, terms) is not None
    words_in_command = {word for word in re.findall(r"[^\W_]+", command.lower())}
    all_terms_in_command = all(
        all(word in words_in_command or term.prefix for word in term.words) or term.text.lower() in command.lower()
        for term in terms
    )
    if matched and all_terms_in_command:
        if "command" not in kinds and "output" in kinds and first_match_start(output, terms) is not None:
            return "output", output
        return "command", command
    return "output", output


def needs_scan(kind: SearchKind, fields: Mapping[str, Any], columns: tuple[str, ...], terms: list[SearchTerm]) -> bool:
    """Tell whether a hit's field was cut at SNIPPET_SOURCE_CHARS with no match in the part read."""
    index = SNIPPET_COLUMN_BY_KIND.get(kind)
    if index is None:
        return False
    text = fields[columns[index]]
    return isinstance(text, str) and len(text) >= SNIPPET_SOURCE_CHARS and first_match_start(text, terms) is None


class ChunkScanner:
    """Scanner for the first match in a text fed chunk by chunk from its start, which cuts its snippet as `make_snippet` does.

    The result does not depend on where the chunks end, so both search
    paths cut the same snippet.
    """

    def __init__(self, terms: list[SearchTerm]) -> None:
        self.terms = terms
        self._window = ""
        self._carried = ""
        self._lines_before = 0

    def feed(self, chunk: str) -> tuple[str, list[tuple[int, int]], int] | None:
        """Add the next chunk; return the snippet, its spans and line once a match has enough text after it."""
        if not chunk:
            return None
        if self._window:
            # The previous window had no match early enough: keep its end for context.
            self._carried = self._window[-CHUNK_OVERLAP_CHARS:]
            self._lines_before += self._window.count("\n", 0, len(self._window) - len(self._carried))
        self._window = self._carried + chunk
        found = first_match_start(self._window, self.terms)
        if found is not None and found + CHUNK_OVERLAP_CHARS <= len(self._window):
            return self._snippet()
        return None

    def finish(self) -> tuple[str, list[tuple[int, int]], int] | None:
        """Return the snippet of a match in the last chunk, or None when the text has no match."""
        if self._window and first_match_start(self._window, self.terms) is not None:
            return self._snippet()
        return None

    def _snippet(self) -> tuple[str, list[tuple[int, int]], int]:
        snippet, offsets, line = make_snippet(self._window, self.terms)
        if self._carried and not snippet.startswith("…"):
            # The window starts inside the text, so text precedes the snippet.
            snippet = "…" + snippet
            offsets = [(start + 1, end + 1) for start, end in offsets]
        return snippet, offsets, self._lines_before + line


def snippet_from_chunks(
    chunks: Iterable[str], terms: list[SearchTerm]
) -> tuple[str, list[tuple[int, int]], int] | None:
    """Scan a text given as chunks from its start; return the snippet of its first match, or None."""
    scanner = ChunkScanner(terms)
    for chunk in chunks:
        found = scanner.feed(chunk)
        if found is not None:
            return found
    return scanner.finish()


def make_snippet(field_text: str, terms: list[SearchTerm]) -> tuple[str, list[tuple[int, int]], int]:
    """Cut a one-line snippet around the first match; return it, its match spans and the line."""
    found = first_match_start(field_text, terms)
    first = found if found is not None else 0
    line = field_text.count("\n", 0, first)
    start = max(0, first - SNIPPET_BEFORE)
    end = min(len(field_text), first + SNIPPET_AFTER)
    raw = field_text[start:end]
    # Collapse whitespace so the snippet is one line, then find the spans again.
    snippet = _WHITESPACE.sub(" ", raw)
    snippet = snippet.strip()
    if start > 0:
        snippet = "…" + snippet
    if end < len(field_text):
        snippet += "…"
    return snippet, highlight_offsets(snippet, terms), line
