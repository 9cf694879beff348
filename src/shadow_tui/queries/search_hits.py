"""The parts of global search that both search paths share, without SQLAlchemy.

The SQLAlchemy path (`queries.search`) and the `sqlite3` path for SQLite
files (`queries.search_sqlite`) take the row keys, the snippet length, the
kind of a hit and its snippet from here, so their hits read the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from shadow_tui.queries.fts import SearchTerm, first_match_start, highlight_offsets
from shadow_tui.queries.search_records import SearchKind

# Characters of each matched field read to build its snippet. A match past
# this point is still found, but its snippet shows the start of the field.
SNIPPET_SOURCE_CHARS = 262_144
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

KINDS_BY_TABLE: dict[str, tuple[SearchKind, ...]] = {
    "chat_messages": ("message",),
    "task_commands": ("command", "output"),
    "file_edits": ("diff",),
}
KEY_COLUMNS = {"chat_messages": "message_id", "task_commands": "command_id", "file_edits": "edit_id"}
_WHITESPACE = re.compile(r"\s+")


def hit_kind_and_text(
    table_name: str, fields: Mapping[str, Any], terms: list[SearchTerm]
) -> tuple[SearchKind, str]:
    """Return the kind of a matched row and the text its snippet is cut from.

    A command row is a `command` hit when every term occurs in the command
    line, else an `output` hit. A diff row whose diff has no match shows its path.
    """
    if table_name == "chat_messages":
        return "message", fields["content"] or ""
    if table_name == "file_edits":
        diff = fields["diff"] or ""
        path = fields["file_path"] or ""
        return "diff", diff if first_match_start(diff, terms) is not None else path
    command = fields["command_text"] or ""
    matched = first_match_start(command, terms) is not None
    words_in_command = {word for word in re.findall(r"[^\W_]+", command.lower())}
    all_terms_in_command = all(
        all(word in words_in_command or term.prefix for word in term.words) or term.text.lower() in command.lower()
        for term in terms
    )
    if matched and all_terms_in_command:
        return "command", command
    return "output", fields["output"] or ""


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
