"""Several files of a diff as one document whose lines are rendered on request.

`DiffDocument` stores the parsed files and an index of where each file and
hunk starts, not the rendered lines, so it keeps no `Text` for a line
that was never drawn. The hunk lines of a file are rendered in chunks of
`CHUNK_ROWS` display lines. `render_chunk` lexes and renders one chunk,
which blocks (see `shadow_tui.render.highlight`), so call it from a worker
thread. Until a chunk is rendered, `line` returns the uncoloured line and
calls `on_missing` with the chunk's key, so a view can request it.

A file with at most `CHUNK_ROWS` display lines is one chunk, and its lines
equal those of `render_diff`. In a longer file each chunk is lexed on its
own, so a string or comment that spans a chunk boundary is coloured as if
it started there. Files with more than `MAX_WORD_DIFF_LINES` lines get no
word marks in either renderer.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from rich.cells import cell_len
from rich.text import Text

from shadow_tui.render.diff_document import file_header_line
from shadow_tui.render.diff_parse import DiffFile
from shadow_tui.render.diff_parts import (
    DEFAULT_DIFF_THEME,
    DiffTheme,
    HighlightedContents,
    PlainContents,
    hunk_header_line,
    hunk_word_marks,
    is_special,
    line_number_width,
    resolve_lexer,
    special_message,
    warning_line,
    word_marks_enabled,
)
from shadow_tui.render.diff_side import SideRow, hunk_side_rows, side_line
from shadow_tui.render.diff_split import TextLines, split_diff_lines
from shadow_tui.render.diff_summary import widest_line
from shadow_tui.render.diff_view import UnifiedLayout, unified_line
from shadow_tui.render.diff_words import Span
from shadow_tui.render.hunk_lines import HunkLines, HunkList
from shadow_tui.render.visible import display_line

CHUNK_ROWS = 1_000
"""Display lines rendered together, with one lexer call for each side of the file."""
MAX_CACHED_CHUNKS = 8
"""Rendered chunks kept, the least recently used dropped first: 8,000 lines at most."""

ChunkKey = tuple[int, int]
"""(file index, chunk number within the file's hunk lines)."""

# A hunk line as (hunk index, line index), with line index None for the "@@" line.
_UnifiedRow = tuple[int, int | None]


@dataclass(slots=True)
class _Part:
    """One file's place in the document and the index of its display lines."""

    file: DiffFile
    start: int
    """The document line of the file's header line, which its body follows."""
    body_rows: int
    number_width: int = 1
    hunk_rows: list[int] = field(default_factory=list)
    """The body row of each hunk's "@@" line."""
    side_rows: list[SideRow] | None = None
    raw_lines: TextLines | None = None
    """The lines of a file that could not be parsed, shown under its warning."""


def _line_texts(file: DiffFile) -> Iterator[str]:
    """Yield the text of every hunk line, one at a time: a list of them took about 10 MB for 100,000 lines."""
    for hunk in file.hunks:
        if isinstance(hunk.lines, HunkLines):
            yield from hunk.lines.texts()
        else:
            yield from (line.text for line in hunk.lines)


class DiffDocument:
    """The display lines of several files, unified or side by side, rendered in chunks."""

    def __init__(
        self,
        files: Sequence[DiffFile],
        *,
        side_by_side: bool = False,
        width: int | None = None,
        highlight: bool = True,
        theme: DiffTheme = DEFAULT_DIFF_THEME,
    ) -> None:
        """Index the files, reading every line once, so call it from a worker thread for large diffs."""
        if side_by_side and width is None:
            raise ValueError("DiffDocument(side_by_side=True) needs a width in terminal columns.")
        self.side_by_side = side_by_side
        self.width = width
        self.highlight = highlight
        self.theme = theme
        self.on_missing: Callable[[ChunkKey], None] | None = None
        """Called from `line` with the key of a chunk that is not rendered yet."""

        self._parts: list[_Part] = []
        self._layouts: dict[int, UnifiedLayout] = {}
        self._chunks: OrderedDict[ChunkKey, list[Text]] = OrderedDict()
        self._lock = threading.Lock()
        self.file_starts: list[int] = []
        """The document line of each file's header line."""
        self.hunk_starts: list[int] = []
        """The document line of each hunk's "@@" line, in order."""

        position = 0
        widest = 0
        for file in files:
            part, part_widest = self._index_file(file, position)
            self._parts.append(part)
            self.file_starts.append(position)
            self.hunk_starts.extend(position + 1 + row for row in part.hunk_rows)
            widest = max(widest, part_widest)
            position += 1 + part.body_rows
        self.line_count = position
        self.width_hint = widest
        """The widest line in cells."""

    # Index

    def _index_file(self, file: DiffFile, start: int) -> tuple[_Part, int]:
        """Return the file's part and the cell width of its widest line."""
        header_width = file_header_line(file, self.theme).cell_len
        if file.warning is not None:
            lines = split_diff_lines(file.raw)
            raw_lines = TextLines(file.raw, [lines] if "\r" not in file.raw else None)
            raw_widest = widest_line(lines, self.theme.tab_size, text=file.raw)
            widest = max(warning_line(file, self.theme).cell_len, raw_widest)
            part = _Part(file, start, 1 + len(raw_lines), raw_lines=raw_lines)
            return part, self._fit(header_width, widest)
        if is_special(file):
            return _Part(file, start, 1), self._fit(header_width, len(special_message(file) or ""))

        hunk_rows: list[int] = []
        side_rows: list[SideRow] | None = [] if self.side_by_side else None
        row = 0
        texts: list[str] = []
        if side_rows is None and isinstance(file.hunks, HunkList):
            # Read from the arrays, without making a `Hunk` per hunk.
            hunk_rows = list(accumulate(map((1).__add__, file.hunks.line_counts()), initial=0))
            row = hunk_rows.pop()
            texts = file.hunks.headers()
        else:
            for hunk_index, hunk in enumerate(file.hunks):
                hunk_rows.append(row)
                if side_rows is not None:
                    rows = hunk_side_rows(file, hunk_index)
                    side_rows.extend(rows)
                    row += len(rows)
                else:
                    row += 1 + len(hunk.lines)
                texts.append(hunk.header)
        part = _Part(file, start, row, line_number_width(file), hunk_rows=hunk_rows, side_rows=side_rows)
        if self.side_by_side:
            return part, self._fit(header_width, 0)
        self._layouts[len(self._parts)] = layout = UnifiedLayout.build(file, self.width, self.theme)
        quick = file.hunks.max_text_length() if isinstance(file.hunks, HunkList) else None
        text_width = quick if quick is not None else widest_line(_line_texts(file), self.theme.tab_size)
        body_width = layout.gutter_end + 2 + text_width
        # Hunk lines are padded to the width.
        widest = max(header_width, widest_line(texts, self.theme.tab_size), body_width, self.width or 0)
        return part, widest

    def _fit(self, header_width: int, body_width: int) -> int:
        # Side-by-side body lines are cropped or padded to the view's width,
        # and file header lines are not.
        if self.side_by_side and self.width is not None:
            return max(header_width, self.width)
        return max(header_width, body_width)

    def _locate(self, index: int) -> tuple[int, _Part, int]:
        """Return (file index, part, row within the file) of a document line, where row 0 is the header."""
        if not 0 <= index < self.line_count:
            raise IndexError(f"line {index} is outside the document's {self.line_count} lines")
        file_index = bisect_right(self.file_starts, index) - 1
        part = self._parts[file_index]
        return file_index, part, index - part.start

    def _unified_row(self, part: _Part, body_row: int) -> _UnifiedRow:
        hunk_index = bisect_right(part.hunk_rows, body_row) - 1
        offset = body_row - part.hunk_rows[hunk_index]
        return hunk_index, None if offset == 0 else offset - 1

    # Lines

    def line(self, index: int) -> Text:
        """Return document line `index`, highlighted when its chunk is rendered, else uncoloured.

        An uncoloured line calls `on_missing` with the key of its chunk.
        """
        return self._line(index, request=True)

    def _line(self, index: int, *, request: bool) -> Text:
        file_index, part, row = self._locate(index)
        if row == 0:
            return file_header_line(part.file, self.theme)
        body_row = row - 1
        if is_special(part.file):
            return self._crop(self._special_line(part, body_row))

        key = (file_index, body_row // CHUNK_ROWS)
        with self._lock:
            chunk = self._chunks.get(key)
            if chunk is not None:
                self._chunks.move_to_end(key)
        if chunk is not None:
            return chunk[body_row % CHUNK_ROWS].copy()
        if request and self.on_missing is not None:
            self.on_missing(key)
        return self._render_row(file_index, part, body_row, PlainContents(part.file, self.theme), {})

    def plain(self, index: int) -> str:
        """Return the text of document line `index` without styles."""
        file_index, part, row = self._locate(index)
        if part.raw_lines is not None and row >= 2 and not self.side_by_side:
            # Find scans every line, so a raw line is returned without building its `Text`.
            return display_line(part.raw_lines[row - 2], self.theme.tab_size)
        if row == 0 or is_special(part.file) or self.side_by_side:
            return self._line(index, request=False).plain
        hunk_index, line_index = self._unified_row(part, row - 1)
        hunk = part.file.hunks[hunk_index]
        if line_index is None:
            return display_line(hunk.header)
        layout = self._layouts[file_index]
        line = hunk.lines[line_index]
        if line.kind == "no_newline":
            return " " * layout.gutter_end + display_line(line.text)
        old = "" if line.old_number is None else str(line.old_number)
        new = "" if line.new_number is None else str(line.new_number)
        styles = layout.kind_styles[line.kind]
        width = layout.number_width
        plain = f"{old:>{width}} {new:>{width}} {styles.marker} " + display_line(line.text, self.theme.tab_size)
        if layout.width is not None:
            plain += " " * max(0, layout.width - cell_len(plain))
        return plain

    def is_rendered(self, index: int) -> bool:
        """Return whether line `index` shows its final colours."""
        key = self.chunk_key(index)
        if key is None:
            return True
        with self._lock:
            return key in self._chunks

    def chunk_key(self, index: int) -> ChunkKey | None:
        """Return the key of the chunk that contains line `index`, or None for a line that needs no chunk."""
        file_index, part, row = self._locate(index)
        if row == 0 or is_special(part.file):
            return None
        return file_index, (row - 1) // CHUNK_ROWS

    def chunk_keys(self, start: int, stop: int) -> list[ChunkKey]:
        """Return the keys of the chunks that contain lines `start` to `stop - 1`, in order."""
        keys: list[ChunkKey] = []
        for index in range(max(start, 0), min(stop, self.line_count)):
            key = self.chunk_key(index)
            if key is not None and key not in keys:
                keys.append(key)
        return keys

    def _crop(self, text: Text) -> Text:
        if self.side_by_side and self.width is not None:
            text.truncate(self.width, overflow="crop", pad=True)
        return text

    def _special_line(self, part: _Part, body_row: int) -> Text:
        file = part.file
        if file.warning is None:
            return Text(special_message(file) or "", style=self.theme.note)
        if body_row == 0:
            return warning_line(file, self.theme)
        assert part.raw_lines is not None
        return Text(display_line(part.raw_lines[body_row - 1], self.theme.tab_size))

    # Chunks

    def render_chunk(self, key: ChunkKey) -> None:
        """Lex and render one chunk of hunk lines and keep it. It blocks, so call it from a worker thread."""
        with self._lock:
            if key in self._chunks:
                return
        file_index, number = key
        part = self._parts[file_index]
        first = number * CHUNK_ROWS
        last = min(first + CHUNK_ROWS, part.body_rows)
        if is_special(part.file) or first >= last:
            raise ValueError(f"chunk {key} has no hunk lines to render")

        file = part.file
        rows = range(first, last)
        lines: set[tuple[int, int]] = set()
        hunks: set[int] = set()
        for body_row in rows:
            hunk_index, left, right = self._row_lines(part, body_row)
            hunks.add(hunk_index)
            lines.update((hunk_index, line_index) for line_index in (left, right) if line_index is not None)
        lexer = resolve_lexer(file, self.highlight, None)
        contents = HighlightedContents(file, lexer, self.theme, sorted(lines))
        marks: dict[int, dict[int, list[Span]]] = {}
        if word_marks_enabled(file):
            marks = {hunk_index: hunk_word_marks(file, hunk_index, self.theme.tab_size) for hunk_index in hunks}

        rendered = [
            self._render_row(file_index, part, body_row, contents, marks.get(self._row_lines(part, body_row)[0], {}))
            for body_row in rows
        ]
        with self._lock:
            self._chunks[key] = rendered
            while len(self._chunks) > MAX_CACHED_CHUNKS:
                self._chunks.popitem(last=False)

    def _row_lines(self, part: _Part, body_row: int) -> tuple[int, int | None, int | None]:
        """Return (hunk index, old-side line, new-side line) of a body row."""
        if part.side_rows is not None:
            return part.side_rows[body_row]
        hunk_index, line_index = self._unified_row(part, body_row)
        return hunk_index, line_index, line_index

    def _render_row(
        self,
        file_index: int,
        part: _Part,
        body_row: int,
        contents: HighlightedContents | PlainContents,
        marks: dict[int, list[Span]],
    ) -> Text:
        file = part.file
        if part.side_rows is not None:
            assert self.width is not None
            row = part.side_rows[body_row]
            return side_line(file, row, contents, marks, part.number_width, self.width, self.theme)
        hunk_index, line_index = self._unified_row(part, body_row)
        if line_index is None:
            return hunk_header_line(file.hunks[hunk_index].header, self.theme)
        return unified_line(file, hunk_index, line_index, contents, marks, self._layouts[file_index])
