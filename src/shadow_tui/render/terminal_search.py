"""Substring search over terminal output without rendering every line.

Most lines of an output display as their raw text with the SGR sequences
removed and tabs expanded. `search_view` builds that text for a block of
lines in a few C-level passes. A match there is final for "simple" lines,
and only "complex" lines (those with markers, control pictures or cursor
overwrites) have to be rendered one by one.
"""

from __future__ import annotations

import re
from typing import Final

from shadow_tui.render.ansi_parse import GENERATED_CHARACTERS

# Characters that `iter_tokens` turns into something other than the same
# text: escapes, controls other than tab and "\n", separators, surrogates.
_SPECIAL_RE: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")

# Sequences that `iter_tokens` drops without a marker or a cursor effect:
# CSI with a final byte other than C, D, G, ` and K, ESC sequences other than
# CSI and string introducers, and OSC 8. Each one matches with the extent
# that `iter_tokens` gives it. Anything this leaves out keeps an ESC or C1
# character in the text, so `_SPECIAL_RE` marks its line complex. All
# alternatives are in one pattern: removing them in separate passes could
# join a lone ESC to the text after a removed sequence.
_SILENT_PATTERN: Final = (
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-BE-FH-JL-_a-~]"
    r"|\x1b[ -/]*[0-OQ-WYZ\\`a-~]"
    r"|(?:\x1b\]|\x9d)8;[^\x07\x1b\x18\x1a\x80-\x9f\n]*(?:\x07|\x1b\\|[\x9c\x18\x1a])?"
)
_SILENT_RE: Final = re.compile(_SILENT_PATTERN)
# The same pattern without the 8-bit forms. It starts with a literal ESC,
# which the regex engine finds several times faster.
_SILENT_7BIT_RE: Final = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-BE-FH-JL-_a-~]"
    r"|[ -/]*[0-OQ-WYZ\\`a-~]"
    r"|\]8;[^\x07\x1b\x18\x1a\x80-\x9f\n]*(?:\x07|\x1b\\|[\x9c\x18\x1a])?)"
)

# A CR with nothing written after it on its line changes nothing. The final
# line of a block is handled with rstrip.
_LINE_END_CR_RE: Final = re.compile(r"\r(?=\r*\n)")


def search_view(raw: str, tab_size: int, case_sensitive: bool) -> str:
    """Return raw lines as a simple line displays them, casefolded unless case_sensitive.

    The result has as many lines as `raw`. Lines that `complex_lines`
    reports are not displayed like this and need rendering.
    """
    if _SPECIAL_RE.search(raw) is not None:
        silent = _SILENT_RE if "\x9b" in raw or "\x9d" in raw else _SILENT_7BIT_RE
        raw = silent.sub("", raw)
        if "\r" in raw:
            raw = _LINE_END_CR_RE.sub("", raw).rstrip("\r")
    displayed = raw.expandtabs(tab_size)
    return displayed if case_sensitive else displayed.casefold()


def complex_lines(view: str) -> list[int]:
    """Return the numbers (from 0) of the lines of a `search_view` that need rendering."""
    numbers: list[int] = []
    position = 0
    line = 0
    while True:
        match = _SPECIAL_RE.search(view, position)
        if match is None:
            return numbers
        line += view.count("\n", position, match.start())
        numbers.append(line)
        newline = view.find("\n", match.start())
        if newline < 0:
            return numbers
        position = newline + 1
        line += 1


def first_simple_match(
    view: str, needle: str, complex_numbers: set[int], *, backwards: bool
) -> int | None:
    """Return the first (or last, if backwards) simple line of view that contains needle."""
    if backwards:
        position = view.rfind(needle)
        line = view.count("\n", 0, position) if position >= 0 else 0
        while position >= 0:
            if line not in complex_numbers:
                return line
            line_start = view.rfind("\n", 0, position)
            if line_start < 0:
                return None
            previous = view.rfind(needle, 0, line_start)
            if previous < 0:
                return None
            line -= view.count("\n", previous, position)
            position = previous
        return None

    position = view.find(needle)
    line = 0
    counted_to = 0
    while position >= 0:
        line += view.count("\n", counted_to, position)
        counted_to = position
        if line not in complex_numbers:
            return line
        newline = view.find("\n", position)
        if newline < 0:
            return None
        position = view.find(needle, newline + 1)
    return None


def may_contain(raw_line: str, needle: str, case_sensitive: bool) -> bool:
    """Return False when the rendered raw_line cannot contain needle.

    Overwrites can join characters that are apart in the raw line, so only
    a character of needle that the line lacks, and that rendering cannot
    add, rules the line out.
    """
    folded = raw_line if case_sensitive else raw_line.casefold()
    return all(char in folded for char in set(needle) - GENERATED_CHARACTERS)
