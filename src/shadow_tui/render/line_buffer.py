"""One line of terminal output replayed as a terminal would draw it.

`render_line` follows the cursor inside a line: CR returns to column 0 and
later text overwrites, BS moves back one column, tabs move to the next tab
stop, CUF, CUB, CHA and HPA move the cursor and EL erases. A progress bar
redrawn with CR therefore shows only its last state.

Markers (removed sequences, control pictures) take no column, as the
sequences they stand for take none on a terminal. Each one is anchored
before the cell at the cursor column where it occurred and stays when that
cell is overwritten.

NOTE: a column is one code point. Wide (East Asian) characters and combining
marks count as one column, so tab stops and overwrites after them can differ
from a terminal by a column or more.
"""

from __future__ import annotations

from itertools import groupby
from typing import Final

from rich.style import Style
from rich.text import Span, Text

from shadow_tui.render.ansi_parse import (
    MARKER_STYLE,
    SgrState,
    apply_sgr,
    iter_tokens,
    parse_param,
    style_for,
)

MIN_COLUMN_LIMIT: Final = 256
"""Column that cursor movements can always reach, even on a short line.

A terminal stops the cursor at its right margin. Here a movement stops at
the line end or at column max(MIN_COLUMN_LIMIT, raw line length), whichever
is further. So `ESC [ 999999999 C` cannot pad a line with a billion spaces,
and a run of short lines of cursor movements renders at most 256 columns
each.
"""

Piece = tuple[str, Style | None]


class _LineBuffer:
    """Cells of one line, kept as styled runs until something overwrites or erases them."""

    __slots__ = ("runs", "chars", "styles", "length", "cursor", "markers", "column_limit")

    def __init__(self, column_limit: int) -> None:
        # Run mode: `runs` lists the line's text in order while nothing has
        # been overwritten. Cell mode (runs is None): one entry per column.
        self.runs: list[Piece] | None = []
        self.chars: list[str] = []
        self.styles: list[Style | None] = []
        self.length = 0
        self.cursor = 0
        self.markers: list[tuple[int, str]] = []
        self.column_limit = column_limit

    def _to_cells(self) -> None:
        if self.runs is None:
            return
        for text, style in self.runs:
            self.chars.extend(text)
            self.styles.extend([style] * len(text))
        self.runs = None

    def _pad_to(self, column: int) -> None:
        missing = column - self.length
        if missing <= 0:
            return
        if self.runs is not None:
            self.runs.append((" " * missing, None))
        else:
            self.chars.extend(" " * missing)
            self.styles.extend([None] * missing)
        self.length = column

    def write(self, text: str, style: Style | None) -> None:
        cursor = self.cursor
        self._pad_to(cursor)
        size = len(text)
        if cursor < self.length:
            self._to_cells()
        if self.runs is not None:
            self.runs.append((text, style))
        else:
            self.chars[cursor : cursor + size] = text
            self.styles[cursor : cursor + size] = [style] * size
        self.cursor = cursor + size
        self.length = max(self.length, self.cursor)

    def mark(self, marker: str) -> None:
        self.markers.append((self.cursor, marker))

    def move_to(self, column: int) -> None:
        self.cursor = max(0, min(column, max(self.length, self.column_limit)))

    def tab(self, tab_size: int) -> None:
        # A tab moves over existing cells without changing them. Past the end
        # it adds spaces, so a line without other controls renders like
        # str.expandtabs(tab_size).
        stop = (self.cursor // tab_size + 1) * tab_size
        self._pad_to(stop)
        self.cursor = stop

    def erase(self, mode: int) -> None:
        """Apply EL: 0 erases from the cursor to the end, 1 from the start, 2 all."""
        cursor = self.cursor
        if mode == 0:
            if cursor < self.length:
                self._to_cells()
                del self.chars[cursor:]
                del self.styles[cursor:]
                self.length = cursor
        elif mode == 1:
            end = min(cursor + 1, self.length)
            if end > 0:
                self._to_cells()
                self.chars[0:end] = " " * end
                self.styles[0:end] = [None] * end
        elif mode == 2:
            self.runs = []
            self.chars.clear()
            self.styles.clear()
            self.length = 0

    def pieces(self) -> list[Piece]:
        """Return the line as styled pieces, markers included."""
        if self.runs is not None:
            cells = self.runs
        else:
            cells = [
                ("".join(char for char, _ in group), style)
                for style, group in groupby(zip(self.chars, self.styles), key=lambda cell: cell[1])
            ]
        if not self.markers:
            return cells

        markers = sorted(self.markers, key=lambda marker: marker[0])
        pieces: list[Piece] = []
        next_marker = 0
        position = 0
        for text, style in cells:
            end = position + len(text)
            cut = 0
            while next_marker < len(markers) and markers[next_marker][0] < end:
                anchor = max(markers[next_marker][0] - position, 0)
                if anchor > cut:
                    pieces.append((text[cut:anchor], style))
                    cut = anchor
                pieces.append((markers[next_marker][1], MARKER_STYLE))
                next_marker += 1
            if cut < len(text):
                pieces.append((text[cut:], style))
            position = end
        for _, marker in markers[next_marker:]:
            pieces.append((marker, MARKER_STYLE))
        return pieces


def _parse_count(params: str) -> int:
    """Return the first CSI parameter, with 0 or missing meaning 1."""
    count = parse_param(params.split(";", 1)[0])
    return count if count > 0 else 1


def _apply_cursor(buffer: _LineBuffer, operation: str, tab_size: int) -> None:
    if operation == "\r":
        buffer.cursor = 0
    elif operation == "\b":
        buffer.cursor = max(buffer.cursor - 1, 0)
    elif operation == "\t":
        buffer.tab(tab_size)
    else:
        final, params = operation[0], operation[1:]
        if final == "C":
            buffer.move_to(buffer.cursor + _parse_count(params))
        elif final == "D":
            buffer.move_to(buffer.cursor - _parse_count(params))
        elif final in "G`":
            buffer.move_to(_parse_count(params) - 1)
        elif final == "K":
            buffer.erase(parse_param(params.split(";", 1)[0]))


def text_from_pieces(pieces: list[Piece]) -> Text:
    """Build a Text from styled pieces without parsing markup."""
    spans: list[Span] = []
    offset = 0
    for piece, style in pieces:
        end = offset + len(piece)
        if style is not None and end > offset:
            spans.append(Span(offset, end, style))
        offset = end
    return Text("".join(piece for piece, _ in pieces), spans=spans)


def validate_tab_size(tab_size: int) -> None:
    """Raise ValueError unless tab_size is a positive number of columns."""
    if tab_size < 1:
        raise ValueError(
            f"tab_size must be at least 1 column, got {tab_size!r}: pass the number "
            "of columns between tab stops, such as 8"
        )


def split_lines(text: str) -> list[str]:
    """Split text on "\\n" only, without a final empty line after a trailing "\\n".

    str.splitlines() is not used because it also splits on U+2028, U+2029,
    U+0085, VT, FF and U+001C-U+001E, which do not end a terminal line.
    """
    if not text:
        return []
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def render_line(line: str, state: SgrState, tab_size: int) -> tuple[Text, SgrState]:
    """Render one line (no "\\n") that starts in SGR `state`.

    Returns the Text and the SGR state at the end of the line, which the
    next line starts in.
    """
    buffer = _LineBuffer(max(MIN_COLUMN_LIMIT, len(line)))
    style = style_for(state)
    for kind, value in iter_tokens(line):
        if kind == "text":
            buffer.write(value, style)
        elif kind == "sgr":
            state = apply_sgr(state, value)
            style = style_for(state)
        elif kind == "cursor":
            _apply_cursor(buffer, value, tab_size)
        else:
            buffer.mark(value)
    return text_from_pieces(buffer.pieces()), state
