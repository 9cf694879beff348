"""Pair removed and added lines of a hunk and find the words that changed."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from shadow_tui.render.diff_parse import Hunk

# Changed spans are only marked when a pair is at least this similar
# (SequenceMatcher.ratio over word tokens). Below it, nearly the whole line
# would be marked, which adds nothing to the line background.
MIN_PAIR_RATIO = 0.35

# SequenceMatcher is quadratic in the worst case, so very long lines get no
# word-level marks.
MAX_WORD_DIFF_CHARS = 2_000

_WORD = re.compile(r"\w+|\s+|[^\w\s]")

Span = tuple[int, int]


def pair_changed_lines(hunk: Hunk) -> list[tuple[int, int]]:
    """Pair each run of removed lines with the run of added lines after it.

    Returns (removed index, added index) pairs of indices into `hunk.lines`:
    the first removed line with the first added line, and so on. Lines left
    over in the longer run stay unpaired. "\\ No newline" markers are skipped.
    """
    pairs: list[tuple[int, int]] = []
    lines = hunk.lines
    index = 0
    count = len(lines)
    while index < count:
        if lines[index].kind != "removed":
            index += 1
            continue

        removed: list[int] = []
        while index < count and lines[index].kind in ("removed", "no_newline"):
            if lines[index].kind == "removed":
                removed.append(index)
            index += 1

        added: list[int] = []
        while index < count and lines[index].kind in ("added", "no_newline"):
            if lines[index].kind == "added":
                added.append(index)
            index += 1

        pairs.extend(zip(removed, added))
    return pairs


def _token_offsets(tokens: list[str]) -> list[int]:
    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + len(token))
    return offsets


def changed_spans(old: str, new: str) -> tuple[list[Span], list[Span]] | None:
    """Return the changed character spans of `old` and of `new`.

    Spans are (start, end) offsets into the strings as given, so pass the
    displayed text. Returns None when the lines are too long to compare or
    too different for marks to help.
    """
    if len(old) > MAX_WORD_DIFF_CHARS or len(new) > MAX_WORD_DIFF_CHARS:
        return None

    old_tokens = _WORD.findall(old)
    new_tokens = _WORD.findall(new)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    if matcher.ratio() < MIN_PAIR_RATIO:
        return None

    old_offsets = _token_offsets(old_tokens)
    new_offsets = _token_offsets(new_tokens)
    old_spans: list[Span] = []
    new_spans: list[Span] = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        if old_end > old_start:
            _add_span(old_spans, old_offsets[old_start], old_offsets[old_end])
        if new_end > new_start:
            _add_span(new_spans, new_offsets[new_start], new_offsets[new_end])
    return old_spans, new_spans


def _add_span(spans: list[Span], start: int, end: int) -> None:
    if spans and spans[-1][1] == start:
        spans[-1] = (spans[-1][0], end)
    else:
        spans.append((start, end))


def hunk_emphasis(hunk: Hunk, displayed: list[str]) -> dict[int, list[Span]]:
    """Map line indices of a hunk to the spans that differ from the paired line.

    `displayed[i]` is the displayed text of `hunk.lines[i]`.
    """
    emphasis: dict[int, list[Span]] = {}
    for removed_index, added_index in pair_changed_lines(hunk):
        spans = changed_spans(displayed[removed_index], displayed[added_index])
        if spans is None:
            continue
        old_spans, new_spans = spans
        if old_spans:
            emphasis[removed_index] = old_spans
        if new_spans:
            emphasis[added_index] = new_spans
    return emphasis
