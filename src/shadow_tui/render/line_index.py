"""Split long texts into lines a block at a time, and store line offsets compactly.

A list of the lines of a 20 MB command output (about 290,000 lines) takes
about 35 MB of str objects on CPython 3.11, more than the text itself (an
estimate: 49 bytes of object header per str, plus the list's pointers). The
helpers here split about `LINE_BLOCK_CHARS` characters at a time, so only
one block's lines exist at once, and keep offsets in an `array` of 4 bytes
per line when the text is shorter than 4 Gi characters.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from itertools import chain
from typing import Final

LINE_BLOCK_CHARS: Final = 1 << 20
"""Characters split into lines at once, ending at the first "\\n" after this many."""

_MAX_UNSIGNED_INT: Final = 2**32 - 1


def offset_array(largest: int) -> array[int]:
    """Return an empty array for offsets up to `largest`: 4 bytes an item when they fit, else 8."""
    if largest <= _MAX_UNSIGNED_INT and array("I").itemsize == 4:
        return array("I")
    return array("Q")


def iter_line_blocks(text: str, block_chars: int = LINE_BLOCK_CHARS) -> Iterator[list[str]]:
    """Yield the lines of `text` in order, as lists of the lines of about `block_chars` characters each.

    Lines end at "\\n" only, and a trailing "\\n" does not start an empty last
    line, as `line_buffer.split_lines` splits them. A block ends at a line
    end, so a line longer than `block_chars` is one block of its own.
    """
    if not text:
        return
    stop = len(text) - 1 if text.endswith("\n") else len(text)
    yield from iter_region_blocks(text, 0, stop, block_chars)


def iter_region_blocks(text: str, start: int, stop: int, block_chars: int = LINE_BLOCK_CHARS) -> Iterator[list[str]]:
    """Yield the lines of `text[start:stop]` split on "\\n", in blocks, without copying the region first.

    Every "\\n" in the region ends a line, so a region always has one line
    more than it has "\\n" characters: an empty region is one empty line.
    """
    if block_chars < 1:
        raise ValueError(f"block_chars must be at least 1 character, got {block_chars!r}")
    while True:
        end = text.find("\n", start + block_chars - 1, stop) if start + block_chars - 1 < stop else -1
        if end < 0:
            yield text[start:stop].split("\n")
            return
        yield text[start:end].split("\n")
        start = end + 1


def iter_lines(text: str, block_chars: int = LINE_BLOCK_CHARS) -> Iterator[str]:
    """Yield the lines of `text` one by one, splitting a block at a time (see `iter_line_blocks`)."""
    return chain.from_iterable(iter_line_blocks(text, block_chars))
