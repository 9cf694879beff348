"""Line-indexed terminal output for viewers that render only visible lines.

`TerminalDocument` stores the decoded output once and the start offset of
each line in an array (4 bytes a line below 4 Gi characters). Lines are
rendered on request and kept in an LRU cache. The SGR state at the start of
every `checkpoint_interval`-th line is computed the first time a line at or
past it is requested, so opening a large output costs one `str.split`, a
block at a time (see `line_index`), and showing its first screen parses
only those lines.

A line longer than `max_line_chars` code points is rendered up to that
length and ends with a dim marker that gives its full length. Rendering
cost grows with the length of the raw line. With Python 3.11 on a 2-core
VM, a generated 10 MB line of dense SGR sequences took 16 s to render
whole, and its first 10,000 characters take about 16 ms.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from itertools import accumulate, islice
from typing import Final

from rich.text import Text

from shadow_tui.render.ansi_parse import (
    DEFAULT_SGR,
    MARKER_STYLE,
    SgrState,
    SgrScanner,
    decode_output,
)
from shadow_tui.render.line_buffer import render_line, validate_tab_size
from shadow_tui.render.line_index import iter_line_blocks, offset_array
from shadow_tui.render.terminal_search import (
    complex_lines,
    first_simple_match,
    may_contain,
    search_view,
)

logger = logging.getLogger(__name__)

_FIND_BLOCK_LINES: Final = 1024

MAX_LINE_CHARS: Final = 10_000
"""Default maximum code points of one raw line that `TerminalDocument` renders."""


def truncation_marker(shown: int, total: int) -> str:
    """Return the text that ends a line cut after `shown` of its `total` code points."""
    return f" … [line truncated at {shown:,} of {total:,} characters]"


class TerminalDocument:
    """Terminal output split into lines that render lazily.

    Lines end at "\\n" only, and a trailing "\\n" does not start an empty
    last line, so "a\\nb\\n" has two lines and "" has none. The SGR state
    carries from line to line like on a terminal.
    """

    def __init__(
        self,
        source: str | bytes,
        *,
        tab_size: int = 8,
        cache_size: int = 1024,
        checkpoint_interval: int = 256,
        max_line_chars: int = MAX_LINE_CHARS,
    ) -> None:
        validate_tab_size(tab_size)
        if cache_size < 1:
            raise ValueError(f"cache_size must be at least 1 line, got {cache_size!r}")
        if checkpoint_interval < 1:
            raise ValueError(
                f"checkpoint_interval must be at least 1 line, got {checkpoint_interval!r}"
            )
        if max_line_chars < 1:
            raise ValueError(f"max_line_chars must be at least 1 character, got {max_line_chars!r}")

        self._text = decode_output(source)
        self._tab_size = tab_size
        self._cache_size = cache_size
        self._checkpoint_interval = checkpoint_interval
        self._max_line_chars = max_line_chars

        # offsets[i] is where line i starts and offsets[i + 1] - 1 where it
        # ends, the "\n" excluded. The last entry may be len(text) + 1.
        self._offsets = offset_array(len(self._text) + 1)
        self._offsets.append(0)
        self._max_raw_length = 0
        # Sorted indices of the lines that render truncated.
        self._long_line_list: list[int] = []
        for lines in iter_line_blocks(self._text):
            first_index = len(self._offsets) - 1
            lengths = list(map(len, lines))
            del lines
            # The first value of accumulate is the initial one, which is already the last offset.
            self._offsets.extend(islice(accumulate(map((1).__add__, lengths), initial=self._offsets[-1]), 1, None))
            widest = max(lengths, default=0)
            self._max_raw_length = max(self._max_raw_length, widest)
            if widest > max_line_chars:
                self._long_line_list.extend(
                    first_index + number for number, length in enumerate(lengths) if length > max_line_chars
                )
        self._long_lines = frozenset(self._long_line_list)

        self._checkpoints: list[SgrState] = [DEFAULT_SGR]
        self._scanner = SgrScanner()
        self._cache: OrderedDict[int, Text] = OrderedDict()
        logger.debug("Indexed %d lines of terminal output", self.line_count)

    @property
    def line_count(self) -> int:
        """Number of lines."""
        return len(self._offsets) - 1

    @property
    def max_width_hint(self) -> int:
        """Estimate of the widest rendered line, in cells.

        NOTE: this is the longest raw line in code points, or the length of
        a truncated line with its marker. It overestimates lines with escape
        sequences or CR redraws, and underestimates lines with tabs or wide
        characters.
        """
        if self._max_raw_length > self._max_line_chars:
            marker = truncation_marker(self._max_line_chars, self._max_raw_length)
            return self._max_line_chars + len(marker)
        return self._max_raw_length

    @property
    def truncated_lines(self) -> frozenset[int]:
        """Indices of the lines longer than `max_line_chars`, which render cut."""
        return self._long_lines

    def _raw_line(self, index: int) -> str:
        return self._text[self._offsets[index] : self._offsets[index + 1] - 1]

    def _check_index(self, index: int) -> None:
        if not 0 <= index < self.line_count:
            raise IndexError(
                f"line index {index} is out of range: the output has {self.line_count} "
                f"lines, numbered from 0"
            )

    def _state_at(self, index: int) -> SgrState:
        """Return the SGR state at the start of line `index`."""
        interval = self._checkpoint_interval
        offsets = self._offsets
        checkpoint = index // interval
        while len(self._checkpoints) <= checkpoint:
            known = len(self._checkpoints) - 1
            start = offsets[known * interval]
            end = offsets[(known + 1) * interval]
            state = self._scanner.advance(self._text, start, end, self._checkpoints[known])
            self._checkpoints.append(state)
        return self._scanner.advance(
            self._text, offsets[checkpoint * interval], offsets[index], self._checkpoints[checkpoint]
        )

    def _render(self, index: int, state: SgrState) -> Text:
        raw = self._raw_line(index)
        if index not in self._long_lines:
            text, _ = render_line(raw, state, self._tab_size)
            return text
        # The next line's SGR state comes from the checkpoints, which scan
        # the whole raw line, so cutting the rendered part changes no other line.
        text, _ = render_line(raw[: self._max_line_chars], state, self._tab_size)
        text.append(truncation_marker(self._max_line_chars, len(raw)), MARKER_STYLE)
        return text

    def line(self, index: int) -> Text:
        """Render line `index` with its colors, as a copy that the caller may change.

        A line longer than `max_line_chars` is cut there and ends with a marker.
        """
        self._check_index(index)
        cached = self._cache.get(index)
        if cached is None:
            cached = self._render(index, self._state_at(index))
            self._cache[index] = cached
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(index)
        return cached.copy()

    def plain_line(self, index: int) -> str:
        """Return line `index` as displayed without styles; equal to line(index).plain."""
        self._check_index(index)
        cached = self._cache.get(index)
        if cached is not None:
            return cached.plain
        # The plain text does not depend on the SGR state, so no checkpoint is needed.
        return self._render(index, DEFAULT_SGR).plain

    def find(
        self,
        pattern: str,
        start_line: int,
        *,
        backwards: bool = False,
        case_sensitive: bool = False,
        cancelled: Callable[[], bool] | None = None,
    ) -> int | None:
        """Return the first line from `start_line` whose plain text contains `pattern`.

        The search includes `start_line` and goes towards the end, or towards
        line 0 when `backwards` is set, without wrapping around. A
        `start_line` past either end is clamped to the document. Matching is
        a substring test, case-insensitive by default (str.casefold). An
        empty pattern or one containing "\\n" matches no line.

        `cancelled` is called before each block of 1,024 lines, and when it
        returns True the search stops and returns None.
        """
        count = self.line_count
        if not pattern or "\n" in pattern or count == 0:
            return None
        needle = pattern if case_sensitive else pattern.casefold()

        if backwards:
            current = min(start_line, count - 1)
            while current >= 0:
                if cancelled is not None and cancelled():
                    return None
                first = max(current - _FIND_BLOCK_LINES + 1, 0)
                found = self._find_in_block(first, current + 1, needle, case_sensitive, backwards)
                if found is not None:
                    return found
                current = first - 1
            return None

        current = max(start_line, 0)
        while current < count:
            if cancelled is not None and cancelled():
                return None
            stop = min(current + _FIND_BLOCK_LINES, count)
            found = self._find_in_block(current, stop, needle, case_sensitive, backwards)
            if found is not None:
                return found
            current = stop
        return None

    def _find_in_block(
        self, first: int, stop: int, needle: str, case_sensitive: bool, backwards: bool
    ) -> int | None:
        """Search lines [first, stop) in the given direction."""
        raw = self._text[self._offsets[first] : self._offsets[stop] - 1]
        view = search_view(raw, self._tab_size, case_sensitive)
        complex_numbers = complex_lines(view)
        if self._long_lines:
            # A truncated line displays less than its raw text, so it is searched as rendered.
            low = bisect_left(self._long_line_list, first)
            high = bisect_left(self._long_line_list, stop)
            long_numbers = [index - first for index in self._long_line_list[low:high]]
            complex_numbers = sorted({*complex_numbers, *long_numbers})
        simple = first_simple_match(view, needle, set(complex_numbers), backwards=backwards)

        # Complex lines before the first simple match decide, in search order.
        for number in reversed(complex_numbers) if backwards else complex_numbers:
            if simple is not None and (number < simple if backwards else number > simple):
                break
            index = first + number
            # The truncation marker adds characters, so may_contain does not apply to long lines.
            if index not in self._long_lines and not may_contain(self._raw_line(index), needle, case_sensitive):
                continue
            plain = self.plain_line(index)
            if needle in (plain if case_sensitive else plain.casefold()):
                return index
        return None if simple is None else first + simple
