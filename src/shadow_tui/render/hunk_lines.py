"""The hunks and lines of a parsed file, kept as arrays and cut from the diff text when read.

A `DiffLine` object per line, with its text as a separate string and its
line numbers as int objects, took about 200 bytes a line on CPython 3.11:
about 19 MB for the benchmark's 100,000-line diff (tracemalloc). `LineStore`
keeps a file's lines in arrays instead (a kind byte, two line numbers and a
text offset, 13 bytes a line) and the text they are cut from, which the
parsed file keeps as its `raw` text anyway. `HunkLines` serves one hunk's
lines as `DiffLine` objects made on each read, and `HunkList` serves the
hunks as `Hunk` objects the same way.

Small objects that outlive a parse keep the allocator's pools of the
parse's temporary objects resident. A parse that left a `Hunk` and two
strings per hunk behind raised the resident memory (VmRSS) by 16 MB on
that diff, against 4.5 MB without them (one run each).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import add, sub
from typing import Literal, overload

from shadow_tui.render.diff_split import HUNK_HEADER
from shadow_tui.render.line_index import offset_array

LineKind = Literal["context", "added", "removed", "no_newline"]

_KIND_CODES: dict[LineKind, int] = {"context": 0, "added": 1, "removed": 2, "no_newline": 3}
_KINDS: tuple[LineKind, ...] = ("context", "added", "removed", "no_newline")
_NO_NEWLINE = _KIND_CODES["no_newline"]
_NO_LINE = 0
"""The stored line number of a side that the line is not on; stored line numbers start at 1."""
_MAX_NUMBER = 2**32 - 1


@dataclass(frozen=True, slots=True)
class Hunk:
    """A hunk: its "@@" header line, the ranges it covers and its lines."""

    header: str
    old_start: int
    old_length: int
    new_start: int
    new_length: int
    section: str
    lines: Sequence[DiffLine]
    """The hunk's lines: a `HunkLines` when parsed, which makes each `DiffLine` when it is read."""


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a hunk, without its line terminator."""

    kind: LineKind
    old_number: int | None
    new_number: int | None
    text: str


class LineStore:
    """The hunk lines of one file, in order, cut from `text` when read.

    `text` contains the file's diff lines joined by "\\n", and `line_starts`
    the offset where each of those lines starts. Each stored line is the
    diff line at a position, without its first character (the "+", "-" or
    " " marker), except a "\\ No newline" line, which keeps it. A line whose
    text is not cut that way is kept as a string of its own.
    """

    __slots__ = ("_text", "_line_starts", "_positions", "_kinds", "_old", "_new", "_own_lines", "_plain_ascii")

    def __init__(self, text: str, line_lengths: Sequence[int]) -> None:
        """Index `text`, whose lines (split on "\\n") have the lengths `line_lengths`."""
        self._text = text
        self._line_starts = offset_array(len(text) + 1)
        self._line_starts.extend(accumulate((length + 1 for length in line_lengths), initial=0))
        self._positions = offset_array(len(line_lengths))
        self._kinds = bytearray()
        self._old = offset_array(_MAX_NUMBER)
        self._new = offset_array(_MAX_NUMBER)
        self._own_lines: dict[int, DiffLine] = {}
        """Lines kept whole: text not cut from a diff line, or a line number too large for the arrays."""
        self._plain_ascii: bool | None = None
        """Whether the text is ASCII without tabs, once `max_text_length` has checked."""

    @property
    def text(self) -> str:
        """The text the lines are cut from."""
        return self._text

    def __len__(self) -> int:
        return len(self._kinds)

    def append(self, kind: LineKind, old_number: int | None, new_number: int | None, text: str,
               position: int | None) -> None:
        """Add a line; `position` is the index of the diff line it was read from, when known."""
        index = len(self._kinds)
        old = _NO_LINE if old_number is None else old_number
        new = _NO_LINE if new_number is None else new_number
        code = _KIND_CODES[kind]
        compact = (
            position is not None
            and 0 <= position < len(self._line_starts) - 1
            and (old_number is None or 1 <= old <= _MAX_NUMBER)
            and (new_number is None or 1 <= new <= _MAX_NUMBER)
        )
        self._kinds.append(code)
        self._positions.append(position if compact and position is not None else 0)
        self._old.append(old if compact else _NO_LINE)
        self._new.append(new if compact else _NO_LINE)
        if compact and position is not None:
            # The text is the diff line without its marker, except for "\\ No newline", compared in place.
            begin = self._line_starts[position] + (0 if code == _NO_NEWLINE else 1)
            end = self._line_starts[position + 1] - 1
            if end - begin == len(text) and self._text.startswith(text, begin, end):
                return
        self._own_lines[index] = DiffLine(kind, old_number, new_number, text)

    def diff_line(self, position: int) -> str:
        """Return the diff line at `position` in the text, without its "\\n"."""
        return self._text[self._line_starts[position] : self._line_starts[position + 1] - 1]

    def has_position(self, position: int | None) -> bool:
        """Return whether `position` is the index of a diff line of the text."""
        return position is not None and 0 <= position < len(self._line_starts) - 1

    def _cut(self, index: int) -> str:
        line = self.diff_line(self._positions[index])
        return line if self._kinds[index] == _NO_NEWLINE else line[1:]

    def line(self, index: int) -> DiffLine:
        """Return line `index` as a `DiffLine`, made on this call unless it is kept whole."""
        own = self._own_lines.get(index)
        if own is not None:
            return own
        old = self._old[index]
        new = self._new[index]
        return DiffLine(_KINDS[self._kinds[index]], old or None, new or None, self._cut(index))

    def texts(self, start: int, stop: int) -> Iterator[str]:
        """Yield the text of lines `start` to `stop - 1`."""
        for index in range(start, stop):
            own = self._own_lines.get(index)
            yield own.text if own is not None else self._cut(index)

    def max_text_length(self, start: int, stop: int) -> int | None:
        """Return the longest text among lines `start` to `stop - 1` without cutting them, or None.

        None when the result needs the lines one by one: a line kept whole,
        a "\\ No newline" line, or a text that is not ASCII or has tabs (so a
        length is not a width).
        """
        if start >= stop:
            return 0
        if self._plain_ascii is None:
            self._plain_ascii = self._text.isascii() and "\t" not in self._text
        if not self._plain_ascii or self._kinds.find(_KIND_CODES["no_newline"], start, stop) >= 0:
            return None
        if any(start <= index < stop for index in self._own_lines):
            return None
        positions = self._positions[start:stop]
        starts = self._line_starts
        ends = map(starts.__getitem__, map((1).__add__, positions))
        # A diff line is its marker, its text and "\n".
        return max(map(sub, ends, map(starts.__getitem__, positions))) - 2

    def count(self, kind: LineKind, start: int, stop: int) -> int:
        """Count the lines of one kind among lines `start` to `stop - 1`."""
        return self._kinds.count(_KIND_CODES[kind], start, stop)


class HunkLines(Sequence[DiffLine]):
    """The lines `start` to `stop - 1` of a `LineStore`: one hunk's lines."""

    __slots__ = ("_store", "_start", "_stop")

    def __init__(self, store: LineStore, start: int, stop: int) -> None:
        if not 0 <= start <= stop <= len(store):
            raise ValueError(f"lines {start} to {stop} are outside the store's {len(store)} lines")
        self._store = store
        self._start = start
        self._stop = stop

    def __len__(self) -> int:
        return self._stop - self._start

    @overload
    def __getitem__(self, index: int) -> DiffLine: ...

    @overload
    def __getitem__(self, index: slice) -> list[DiffLine]: ...

    def __getitem__(self, index: int | slice) -> DiffLine | list[DiffLine]:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"line {index} is outside the hunk's {len(self)} lines")
        return self._store.line(self._start + index)

    def __iter__(self) -> Iterator[DiffLine]:
        line = self._store.line
        return (line(index) for index in range(self._start, self._stop))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(mine == theirs for mine, theirs in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"HunkLines({list(self)!r})"

    @property
    def store(self) -> LineStore:
        """The store that the lines are read from."""
        return self._store

    @property
    def bounds(self) -> tuple[int, int]:
        """The store lines `start` and `stop` that this hunk covers."""
        return self._start, self._stop

    def texts(self) -> Iterator[str]:
        """Yield the text of each line, without making `DiffLine` objects."""
        return self._store.texts(self._start, self._stop)

    def count_kind(self, kind: LineKind) -> int:
        """Count this hunk's lines of one kind without making `DiffLine` objects."""
        return self._store.count(kind, self._start, self._stop)


class HunkList(Sequence[Hunk]):
    """The hunks of one file, whose lines are in one `LineStore`, made as `Hunk` objects on each read.

    A hunk is kept as its header's position in the store's text, its four
    numbers and its range of store lines, and its section is read from the
    header again. A hunk that does not fit that form (a rebuilt header, a
    number of 2**32 or more) is kept as it is.
    """

    __slots__ = ("_store", "_headers", "_numbers", "_bounds", "_own_hunks", "_recent")

    def __init__(self, store: LineStore) -> None:
        self._store = store
        self._headers = offset_array(_MAX_NUMBER)
        self._numbers = offset_array(_MAX_NUMBER)
        """old_start, old_length, new_start and new_length of each hunk, one after the other."""
        self._bounds = offset_array(_MAX_NUMBER)
        """The first store line of each hunk and the one after its last, one after the other."""
        self._own_hunks: dict[int, Hunk] = {}
        self._recent: tuple[int, Hunk] | None = None
        """The hunk read last: rendering reads the same hunk for each of its lines."""

    def append(self, hunk: Hunk, header_position: int | None) -> None:
        """Add a hunk whose lines are a `HunkLines` of this list's store; `header_position` is its "@@" line."""
        index = len(self)
        lines = hunk.lines
        numbers = (hunk.old_start, hunk.old_length, hunk.new_start, hunk.new_length)
        compact = (
            isinstance(lines, HunkLines)
            and lines.store is self._store
            and self._store.has_position(header_position)
            and all(0 <= number <= _MAX_NUMBER for number in numbers)
        )
        if compact and header_position is not None and isinstance(lines, HunkLines):
            compact = self._store.diff_line(header_position) == hunk.header and _section(hunk.header) == hunk.section
        if compact and header_position is not None and isinstance(lines, HunkLines):
            self._headers.append(header_position)
            self._numbers.extend(numbers)
            self._bounds.extend(lines.bounds)
        else:
            self._headers.append(0)
            self._numbers.extend((0, 0, 0, 0))
            self._bounds.extend((0, 0))
            self._own_hunks[index] = hunk

    @property
    def store(self) -> LineStore:
        """The store that the hunks' lines are in."""
        return self._store

    def __len__(self) -> int:
        return len(self._headers)

    @overload
    def __getitem__(self, index: int) -> Hunk: ...

    @overload
    def __getitem__(self, index: slice) -> list[Hunk]: ...

    def __getitem__(self, index: int | slice) -> Hunk | list[Hunk]:
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"hunk {index} is outside the file's {len(self)} hunks")
        own = self._own_hunks.get(index)
        if own is not None:
            return own
        recent = self._recent
        if recent is not None and recent[0] == index:
            return recent[1]
        header = self._store.diff_line(self._headers[index])
        old_start, old_length, new_start, new_length = self._numbers[4 * index : 4 * index + 4]
        start, stop = self._bounds[2 * index : 2 * index + 2]
        lines = HunkLines(self._store, start, stop)
        # `append` checked that the header matches HUNK_HEADER, whose numbers
        # contain no "@", so the section follows the first " @@" after "@@ -".
        section = header[header.index(" @@", 3) + 3 :]
        hunk = Hunk(header, old_start, old_length, new_start, new_length, section[1:] if section[:1] == " " else section, lines)
        self._recent = (index, hunk)
        return hunk

    def line_counts(self) -> list[int]:
        """Return the number of lines of each hunk, without making `Hunk` objects."""
        bounds = self._bounds
        counts = list(map(sub, bounds[1::2], bounds[0::2]))
        for index, hunk in self._own_hunks.items():
            counts[index] = len(hunk.lines)
        return counts

    def headers(self) -> list[str]:
        """Return the "@@" line of each hunk, without making `Hunk` objects."""
        headers = list(map(self._store.diff_line, self._headers))
        for index, hunk in self._own_hunks.items():
            headers[index] = hunk.header
        return headers

    def largest_line_number(self) -> int:
        """Return the largest start + length of either side of any hunk: the end of the widest line number."""
        numbers = self._numbers
        largest = max(
            max(map(add, numbers[0::4], numbers[1::4]), default=0),
            max(map(add, numbers[2::4], numbers[3::4]), default=0),
        )
        for hunk in self._own_hunks.values():
            largest = max(largest, hunk.old_start + hunk.old_length, hunk.new_start + hunk.new_length)
        return largest

    def max_text_length(self) -> int | None:
        """Return the longest line text of all the hunks without cutting the lines, or None (see `LineStore`)."""
        if self._own_hunks:
            return None
        if not self._bounds:
            return 0
        return self._store.max_text_length(self._bounds[0], self._bounds[-1])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(mine == theirs for mine, theirs in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"HunkList({list(self)!r})"


def _section(header: str) -> str | None:
    match = HUNK_HEADER.match(header)
    return None if match is None else match.group(5)
