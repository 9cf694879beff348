"""Line sources for `LineView`, and the row index that wrapping needs.

A `LineSource` is a count and a way to render line i, so a view can show
any slice of a large output or diff without rendering the rest.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from rich.cells import cell_len
from rich.text import Text

from shadow_tui.render.terminal import TerminalDocument

CancelCheck = Callable[[], bool]
"""A callable that returns True when a running search should stop."""
FindFunction = Callable[[str, int, bool, CancelCheck], int | None]
"""(pattern, start line, backwards, cancelled) -> the first matching line from start, or None.

The function calls `cancelled` between blocks of lines and returns None once it returns True.
"""
_SCAN_CHECK_LINES = 4096


@dataclass(frozen=True, slots=True)
class LineSource:
    """The lines a `LineView` shows.

    `get` returns a `Text` without "\\n" whose cells match `plain`. Sources
    must not contain control characters: renderers in `shadow_tui.render`
    already make them visible.
    """

    count: Callable[[], int]
    get: Callable[[int], Text]
    plain: Callable[[int], str]
    width_hint: Callable[[], int]
    """Estimate of the widest line in cells, for the horizontal scroll range."""
    find: FindFunction | None = None
    """A faster search than scanning `plain`, such as `TerminalDocument.find`."""

    @classmethod
    def empty(cls) -> LineSource:
        return cls.from_texts([])

    @classmethod
    def from_texts(cls, lines: Sequence[Text]) -> LineSource:
        """Serve lines that are already rendered, such as a diff."""
        widest = max((line.cell_len for line in lines), default=0)
        return cls(
            count=lines.__len__,
            get=lambda index: lines[index].copy(),
            plain=lambda index: lines[index].plain,
            width_hint=lambda: widest,
        )

    @classmethod
    def from_strings(cls, lines: Sequence[str]) -> LineSource:
        """Serve plain lines, which must already be free of control characters."""
        widest = max((cell_len(line) for line in lines), default=0)
        return cls(
            count=lines.__len__,
            get=lambda index: Text(lines[index]),
            plain=lines.__getitem__,
            width_hint=lambda: widest,
        )

    @classmethod
    def from_document(cls, document: TerminalDocument) -> LineSource:
        """Serve terminal output, rendering each line on request."""

        def find(pattern: str, start: int, backwards: bool, cancelled: CancelCheck) -> int | None:
            return document.find(pattern, start, backwards=backwards, cancelled=cancelled)

        return cls(
            count=lambda: document.line_count,
            get=document.line,
            plain=document.plain_line,
            width_hint=lambda: document.max_width_hint,
            find=find,
        )


def _never() -> bool:
    return False


def scan_lines(
    source: LineSource, pattern: str, start: int, backwards: bool, cancelled: CancelCheck = _never
) -> int | None:
    """Return the first line from `start` whose plain text contains `pattern`, ignoring case.

    The scan includes `start` and stops at the first or last line without
    wrapping around. It also returns None when `cancelled` returns True,
    which it checks every few thousand lines.
    """
    count = source.count()
    if not pattern or count == 0:
        return None
    if source.find is not None:
        return source.find(pattern, start, backwards, cancelled)

    needle = pattern.casefold()
    if backwards:
        indices = range(min(start, count - 1), -1, -1)
    else:
        indices = range(max(start, 0), count)
    for checked, index in enumerate(indices):
        if checked % _SCAN_CHECK_LINES == 0 and cancelled():
            return None
        if needle in source.plain(index).casefold():
            return index
    return None


def match_spans(plain: str, pattern: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of every case-insensitive occurrence of pattern."""
    if not pattern:
        return []
    haystack = plain.casefold()
    needle = pattern.casefold()
    if len(haystack) != len(plain):
        # Case folding changed the length (as "ß" -> "ss" does), so offsets
        # into the folded text do not point into `plain`; use lower() instead.
        haystack = plain.lower()
        needle = pattern.lower()
        if len(haystack) != len(plain):
            return []
    spans: list[tuple[int, int]] = []
    position = haystack.find(needle)
    while position >= 0:
        spans.append((position, position + len(needle)))
        position = haystack.find(needle, position + max(len(needle), 1))
    return spans


class WrapIndex:
    """Maps display rows to (line, row within line) when long lines fold.

    Lines fold at a fixed cell width, like `less` does, so a line of n
    cells takes ceil(n / width) rows and the index needs only the cell
    length of each line, not its rendering.
    """

    def __init__(self, cell_lengths: Sequence[int], width: int) -> None:
        if width < 1:
            raise ValueError(f"wrap width must be at least 1 cell, got {width}")
        self.width = width
        heights = [max(1, -(-length // width)) for length in cell_lengths]
        # starts[i] is the first row of line i; starts[-1] is the row count.
        self._starts = list(accumulate(heights, initial=0))

    @property
    def row_count(self) -> int:
        return self._starts[-1]

    def first_row(self, line: int) -> int:
        return self._starts[line]

    def height(self, line: int) -> int:
        return self._starts[line + 1] - self._starts[line]

    def locate(self, row: int) -> tuple[int, int]:
        """Return (line, row within that line) for a display row."""
        line = bisect_right(self._starts, row) - 1
        return line, row - self._starts[line]
