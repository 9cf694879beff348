"""Turning typed search text into safe full-text queries for both backends.

Input is safe by default: every term is quoted, so operators and punctuation
typed by a person (`NOT`, `C++`, `don't`, `src/app.py:42`, `(x`) are words,
never syntax. Supported forms: words, "quoted phrases", and prefix* (a
trailing star on a word). All terms must match.

Words are runs of letters and digits, the split that SQLite's unicode61
tokenizer makes and that the PostgreSQL index reproduces, so `app.py` is
the phrase `app py` on both backends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from shadow_tui.db.fulltext import CJK_RANGES

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TERM = re.compile(r'"([^"]*)"?|(\S+)')


@lru_cache(maxsize=1024)
def contains_cjk(text: str) -> bool:
    """Tell whether typed text contains a CJK character.

    A loop over the characters of a search term: compiling the equivalent
    character class took 3.5 ms of every start of `shadow-tui search`.
    """
    return any(low <= char <= high for char in text for low, high in CJK_RANGES)


@dataclass(frozen=True, slots=True)
class SearchTerm:
    """One term of a search: its words, and whether the last word is a prefix."""

    text: str
    """The term as typed, without quotes or trailing star (used for substring matching)."""
    words: tuple[str, ...]
    prefix: bool = False

    @property
    def has_cjk(self) -> bool:
        return contains_cjk(self.text)


def parse_search(query: str) -> list[SearchTerm]:
    """Split typed search text into terms; terms without any word are dropped."""
    terms: list[SearchTerm] = []
    for match in _TERM.finditer(query or ""):
        phrase, bare = match.group(1), match.group(2)
        raw = phrase if phrase is not None else bare
        prefix = phrase is None and raw.endswith("*") and len(raw) > 1
        text = raw[:-1] if prefix else raw
        words = tuple(word.lower() for word in _WORD.findall(text))
        if words:
            terms.append(SearchTerm(text=text.strip(), words=words, prefix=prefix))
    return terms


def sqlite_match(terms: list[SearchTerm]) -> str:
    """Return an FTS5 MATCH expression (unicode61 index) for the terms."""
    parts = []
    for term in terms:
        phrase = '"' + " ".join(term.words).replace('"', '""') + '"'
        parts.append(phrase + (" *" if term.prefix else ""))
    return " AND ".join(parts)


def sqlite_trigram_match(terms: list[SearchTerm]) -> str | None:
    """Return a MATCH expression for the trigram index, or None when a term is too short.

    The trigram tokenizer cannot match strings under three characters;
    callers fall back to a substring scan of the CJK rows then.
    """
    parts = []
    for term in terms:
        if len(term.text) < 3:
            return None
        parts.append('"' + term.text.replace('"', '""') + '"')
    return " AND ".join(parts)


def pg_tsquery_parts(terms: list[SearchTerm]) -> list[tuple[str, str]]:
    """Return (function, argument) pairs whose tsqueries are ANDed on PostgreSQL.

    Whole words use `phraseto_tsquery`, which treats its input as plain
    text. A prefix term passes a quoted lexeme to `to_tsquery`: the words are
    letters and digits only, so the quoting cannot be broken.
    """
    parts: list[tuple[str, str]] = []
    for term in terms:
        if term.prefix:
            lexemes = [f"'{word}'" for word in term.words]
            lexemes[-1] += ":*"
            parts.append(("to_tsquery", " <-> ".join(lexemes)))
        else:
            parts.append(("phraseto_tsquery", " ".join(term.words)))
    return parts


@lru_cache(maxsize=256)
def _word_patterns(term: SearchTerm) -> tuple[str, ...]:
    """Return a regular expression per word of a term, matching it in lowered text.

    Cached, because the snippet of every hit uses the same term's patterns.
    """
    patterns = []
    for index, word in enumerate(term.words):
        is_prefix = term.prefix and index == len(term.words) - 1
        pattern = re.escape(word) + (r"[^\W_]*" if is_prefix else "")
        if not contains_cjk(word):
            pattern = r"(?<![^\W_])" + pattern + (r"" if is_prefix else r"(?![^\W_])")
        patterns.append(pattern)
    return tuple(patterns)


@lru_cache(maxsize=256)
def _phrase_pattern(term: SearchTerm) -> str | None:
    """Return one expression for a term's words in order, with anything but letters and digits between them.

    That is how the full-text index matches a term of several words
    (`"time zone"`, `app.py`, `checkout@v4`). Returns None for a term of one word.
    """
    if len(term.words) < 2:
        return None
    parts = [re.escape(word) for word in term.words]
    if term.prefix:
        parts[-1] += r"[^\W_]*"
    pattern = r"[\W_]+".join(parts)
    if not contains_cjk(term.words[0]):
        pattern = r"(?<![^\W_])" + pattern
    if not term.prefix and not contains_cjk(term.words[-1]):
        pattern += r"(?![^\W_])"
    return pattern


def _term_spans(term: SearchTerm, lowered: str) -> list[tuple[int, int]]:
    """Return the spans of a term in lowered text: its phrase where it occurs, else each of its words."""
    phrase = _phrase_pattern(term)
    if phrase is not None:
        spans = [match.span() for match in re.finditer(phrase, lowered)]
        if spans:
            return spans
    return [match.span() for pattern in _word_patterns(term) for match in re.finditer(pattern, lowered)]


def _term_start(term: SearchTerm, lowered: str) -> int | None:
    """Return where the first span of `_term_spans` starts, stopping at the first match of each pattern."""
    phrase = _phrase_pattern(term)
    if phrase is not None:
        match = re.search(phrase, lowered)
        if match is not None:
            return match.start()
    starts = [match.start() for pattern in _word_patterns(term) if (match := re.search(pattern, lowered))]
    return min(starts) if starts else None


def highlight_offsets(text: str, terms: list[SearchTerm]) -> list[tuple[int, int]]:
    """Return sorted, merged (start, end) spans in `text` where a term occurs: its phrase, else its words."""
    spans: list[tuple[int, int]] = []
    lowered = text.lower()
    for term in terms:
        spans += _term_spans(term, lowered)
        if term.has_cjk or not spans:
            start = lowered.find(term.text.lower())
            if start >= 0:
                spans.append((start, start + len(term.text)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def first_match_start(text: str, terms: list[SearchTerm]) -> int | None:
    """Return where the first span of `highlight_offsets(text, terms)` starts, or None when it has none.

    Each pattern stops at its first match, so a long text is not scanned to
    its end as `highlight_offsets` does.
    """
    first: int | None = None
    found = False
    lowered = text.lower()
    for term in terms:
        start = _term_start(term, lowered)
        if start is not None:
            found = True
            first = start if first is None else min(first, start)
        if term.has_cjk or not found:
            start = lowered.find(term.text.lower())
            if start >= 0:
                found = True
                first = start if first is None else min(first, start)
    return first
