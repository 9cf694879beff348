"""Cut diff text into lines and into one chunk per file, without parsing hunks.

These scans only follow hunk lengths, so they are cheap enough for list views
(`diff_stats`) and tolerate any malformed input.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain, islice
from operator import sub
from typing import overload

from shadow_tui.render.line_index import iter_line_blocks, iter_lines, iter_region_blocks, offset_array

logger = logging.getLogger(__name__)

HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)")


@dataclass(slots=True)
class FileChunk:
    """The lines of one file's diff, as cut from the whole text."""

    lines: Sequence[str] = field(default_factory=list)
    headerless: bool = False
    in_header: bool = False


def split_diff_lines(text: str) -> list[str]:
    """Split diff text on "\\n" only and drop one CR before each line end."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" not in text:
        return lines
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _without_cr(line: str) -> str:
    return line[:-1] if line.endswith("\r") else line


class TextLines(Sequence[str]):
    """The lines of a text as `split_diff_lines` returns them, cut from the text when read.

    It keeps the text and a 4-byte offset per line (8 bytes from 4 Gi
    characters on) instead of one string per line, which for 100,000 lines
    of 45 characters is about 0.4 MB instead of 10 MB. `lines(start, stop)`
    is a view of some of the lines that shares the text and the offsets.
    """

    __slots__ = ("_text", "_starts", "_first", "_count", "_has_cr", "_max_length")

    def __init__(self, text: str, blocks: Iterable[list[str]] | None = None) -> None:
        """Index `text`.

        `blocks` are the lines of `text.split("\\n")` without a final "", in
        order and in one or more lists, when the caller has them.
        """
        self._text = text
        # Line i is text[_starts[i] : _starts[i + 1] - 1], because each line
        # before the last ends with one "\n". The last start may be len(text) + 1.
        self._starts = offset_array(len(text) + 1)
        self._starts.append(0)
        self._max_length: int | None = 0
        for block in iter_line_blocks(text) if blocks is None else blocks:
            # The first value of accumulate is the initial one, which is already the last start.
            self._starts.extend(islice(accumulate(map((1).__add__, map(len, block)), initial=self._starts[-1]), 1, None))
            self._max_length = max(self._max_length, max(map(len, block), default=0))
        self._first = 0
        self._count = len(self._starts) - 1
        self._has_cr = "\r" in text

    def lines(self, start: int, stop: int) -> TextLines:
        """Return lines `start` to `stop - 1` as a view that shares this text and its offsets."""
        if not 0 <= start <= stop <= self._count:
            raise IndexError(f"lines {start} to {stop} are outside the text's {self._count} lines")
        view = object.__new__(TextLines)
        view._text = self._text
        view._starts = self._starts
        view._first = self._first + start
        view._count = stop - start
        view._has_cr = self._has_cr
        view._max_length = None
        return view

    def max_length(self) -> int:
        """Return the length of the longest line in code points, 0 without lines."""
        if self._count == 0:
            return 0
        if self._max_length is not None and not self._has_cr:
            return self._max_length
        if self._has_cr:
            return max(map(len, self))
        # Slicing the arrays copies only this view's offsets, where islice would step from offset 0.
        first = self._first
        ends = self._starts[first + 1 : first + self._count + 1]
        return max(map(sub, ends, self._starts[first : first + self._count])) - 1

    def _region(self, start: int, stop: int) -> Iterator[str]:
        """Iterate over lines `start` to `stop - 1` of this view, splitting a block at a time."""
        if start >= stop:
            return iter(())
        begin = self._starts[self._first + start]
        end = self._starts[self._first + stop] - 1
        lines = chain.from_iterable(iter_region_blocks(self._text, begin, end))
        return map(_without_cr, lines) if self._has_cr else lines

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        # Splitting a block at a time is faster than slicing line by line.
        return self._region(0, self._count)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            if step == 1:
                return list(self._region(start, stop))
            return [self[position] for position in range(start, stop, step)]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(f"line {index} is outside the text's {self._count} lines")
        position = self._first + index
        line = self._text[self._starts[position] : self._starts[position + 1] - 1]
        return line[:-1] if line.endswith("\r") else line


def hunk_counts(match: re.Match[str]) -> tuple[int, int]:
    old_length = int(match.group(2)) if match.group(2) is not None else 1
    new_length = int(match.group(4)) if match.group(4) is not None else 1
    return old_length, new_length


def split_files(lines: Sequence[str]) -> list[FileChunk]:
    """Cut the lines into one chunk per file, following hunk lengths.

    Each chunk's lines are a range of `lines`: a list for a list, and a
    view that shares the text for `TextLines`.
    """
    chunks: list[FileChunk] = []
    # [start, end) of each chunk in `lines`: the lines of a chunk are consecutive.
    bounds: list[list[int]] = []
    current: FileChunk | None = None
    old_left = 0
    new_left = 0
    index = 0
    count = len(lines)

    def start_chunk(chunk: FileChunk, first: int, stop: int) -> FileChunk:
        chunks.append(chunk)
        bounds.append([first, stop])
        return chunk

    while index < count:
        line = lines[index]

        # Inside a hunk, body lines belong to it even when they look like a
        # header: a removed "-- comment" line reads "--- comment".
        if (old_left > 0 or new_left > 0) and current is not None:
            marker = line[:1]
            if marker in ("", " "):
                old_left -= 1
                new_left -= 1
            elif marker == "-":
                old_left -= 1
            elif marker == "+":
                new_left -= 1
            if marker in ("", " ", "-", "+", "\\"):
                bounds[-1][1] = index + 1
                index += 1
                continue
            # The hunk ends before the line counts of its header, and unidiff
            # reports that when the chunk is parsed.
            old_left = 0
            new_left = 0

        if line.startswith("diff --git ") or line.startswith("diff -"):
            current = start_chunk(FileChunk(in_header=True), index, index + 1)
        elif (
            line.startswith("--- ")
            and index + 1 < count
            and lines[index + 1].startswith("+++ ")
        ):
            if current is None or not current.in_header:
                current = start_chunk(FileChunk(), index, index)
            bounds[-1][1] = index + 2
            current.in_header = False
            index += 2
            continue
        elif (match := HUNK_HEADER.match(line)) is not None:
            if current is None:
                current = start_chunk(FileChunk(headerless=True), index, index)
            current.in_header = False
            bounds[-1][1] = index + 1
            old_left, new_left = hunk_counts(match)
        elif line.startswith("Binary files ") and (current is None or not current.in_header):
            start_chunk(FileChunk(), index, index + 1)
            current = None
        elif current is not None:
            bounds[-1][1] = index + 1
        elif line.strip():
            # Text before the first file, such as a commit message.
            logger.debug("Ignoring diff preamble line: %.80r", line)
        index += 1

    for chunk, (first, stop) in zip(chunks, bounds):
        chunk.lines = lines.lines(first, stop) if isinstance(lines, TextLines) else list(lines[first:stop])
    return chunks


def count_changes(lines: Iterable[str]) -> tuple[int, int]:
    """Count added and removed lines inside hunks, following hunk lengths."""
    added = 0
    removed = 0
    old_left = 0
    new_left = 0
    for line in lines:
        if old_left > 0 or new_left > 0:
            marker = line[:1]
            if marker == "+":
                added += 1
                new_left -= 1
                continue
            if marker == "-":
                removed += 1
                old_left -= 1
                continue
            if marker in ("", " ", "\r"):
                old_left -= 1
                new_left -= 1
                continue
            if marker == "\\":
                continue
            old_left = 0
            new_left = 0
        match = HUNK_HEADER.match(line)
        if match is not None:
            old_left, new_left = hunk_counts(match)
    return added, removed


def diff_stats(text: str) -> tuple[int, int]:
    """Return (added, removed) line counts of a diff without building objects.

    For well-formed diffs the counts equal the sums over `parse_diff` files.
    Lines outside the ranges that hunk headers give are not counted. The
    text is split a block at a time, so a 100,000-line diff never has all its
    lines as separate strings at once.
    """
    return count_changes(iter_lines(text))
