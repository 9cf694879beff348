"""The pieces that the unified and side-by-side diff renderers share.

The theme, the highlighted or plain text of hunk lines, word-level marks,
and the lines of files that show a note or raw text instead of hunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from rich.style import Style
from rich.text import Text

from shadow_tui.render.diff_parse import DiffFile
from shadow_tui.render.diff_split import split_diff_lines
from shadow_tui.render.diff_words import Span, hunk_emphasis
from shadow_tui.render.hunk_lines import HunkList
from shadow_tui.render.highlight import (
    DEFAULT_THEME,
    highlight_lines,
    lexer_name_for,
    plain_lines,
)
from shadow_tui.render.visible import DEFAULT_TAB_SIZE, display_line

Side = Literal["old", "new"]

BINARY_MESSAGE = "binary file changed"
SEPARATOR = "│"

# A file with more diff lines than this gets no word-level marks. Pairing
# and comparing its lines took about 40% of the 2 s that render_unified
# took on a generated 100,000-line diff (Python 3.11, 2-core VM), and word
# marks add little to a diff of that size.
MAX_WORD_DIFF_LINES = 20_000


@dataclass(frozen=True, slots=True)
class DiffTheme:
    """Colours of the diff view. The defaults suit a dark terminal."""

    added_background: str = "#16361f"
    removed_background: str = "#3d1a1c"
    added_emphasis: str = "#2b6e3f"
    removed_emphasis: str = "#85303a"
    added_marker: str = "bold green"
    removed_marker: str = "bold red"
    hunk_header: str = "cyan"
    line_number: str = "bright_black"
    file_header: str = "bold"
    note: str = "italic bright_black"
    warning: str = "bold yellow"
    code_theme: str = DEFAULT_THEME
    tab_size: int = DEFAULT_TAB_SIZE


DEFAULT_DIFF_THEME = DiffTheme()


class HighlightedContents:
    """The highlighted text of every line of a file, old and new side."""

    def __init__(
        self,
        file: DiffFile,
        lexer_name: str | None,
        theme: DiffTheme,
        lines: Iterable[tuple[int, int]] | None = None,
    ) -> None:
        """Highlight the (hunk index, line index) pairs in `lines`, by default every line of the file."""
        old_sources: list[str] = []
        new_sources: list[str] = []
        self._refs: dict[tuple[int, int], tuple[int | None, int | None]] = {}
        if lines is None:
            lines = all_lines(file)

        # Context lines go to both sides, so each side is lexed as one
        # continuous file. Removed lines go to the old side, added to the new.
        # NOTE: the lines between hunks are missing, so a string or comment
        # that opens there is coloured wrongly until the lexer recovers.
        for hunk_index, line_index in lines:
            line = file.hunks[hunk_index].lines[line_index]
            old_position: int | None = None
            new_position: int | None = None
            if line.kind in ("context", "removed"):
                old_position = len(old_sources)
                old_sources.append(line.text)
            if line.kind in ("context", "added"):
                new_position = len(new_sources)
                new_sources.append(line.text)
            self._refs[(hunk_index, line_index)] = (old_position, new_position)

        if lexer_name:
            self._old = highlight_lines(old_sources, lexer_name, theme=theme.code_theme, tab_size=theme.tab_size)
            self._new = highlight_lines(new_sources, lexer_name, theme=theme.code_theme, tab_size=theme.tab_size)
        else:
            self._old = plain_lines(old_sources, theme.tab_size)
            self._new = plain_lines(new_sources, theme.tab_size)

    def text(self, hunk_index: int, line_index: int, side: Side) -> Text:
        old_position, new_position = self._refs[(hunk_index, line_index)]
        if side == "old" and old_position is not None:
            return self._old[old_position].copy()
        if new_position is not None:
            return self._new[new_position].copy()
        if old_position is not None:
            return self._old[old_position].copy()
        return Text()


class PlainContents:
    """The uncoloured text of any line of a file, made on request without lexing."""

    def __init__(self, file: DiffFile, theme: DiffTheme) -> None:
        self._file = file
        self._tab_size = theme.tab_size

    def text(self, hunk_index: int, line_index: int, side: Side) -> Text:
        return Text(display_line(self._file.hunks[hunk_index].lines[line_index].text, self._tab_size))


def line_number_width(file: DiffFile) -> int:
    largest = 0
    if isinstance(file.hunks, HunkList):
        # Read from the arrays, without making a `Hunk` per hunk.
        largest = file.hunks.largest_line_number()
    else:
        for hunk in file.hunks:
            largest = max(largest, hunk.old_start + hunk.old_length, hunk.new_start + hunk.new_length)
    return max(1, len(str(largest)))


def all_lines(file: DiffFile) -> Iterator[tuple[int, int]]:
    """Yield (hunk index, line index) for every line of every hunk."""
    for hunk_index, hunk in enumerate(file.hunks):
        for line_index in range(len(hunk.lines)):
            yield hunk_index, line_index


def word_marks_enabled(file: DiffFile) -> bool:
    """Return whether the file is small enough for word-level marks."""
    return sum(len(hunk.lines) for hunk in file.hunks) <= MAX_WORD_DIFF_LINES


def hunk_word_marks(file: DiffFile, hunk_index: int, tab_size: int) -> dict[int, list[Span]]:
    """Return the word-level marks of one hunk, by line index."""
    hunk = file.hunks[hunk_index]
    return hunk_emphasis(hunk, [display_line(line.text, tab_size) for line in hunk.lines])


def file_word_marks(file: DiffFile, tab_size: int) -> list[dict[int, list[Span]]]:
    if not word_marks_enabled(file):
        return [{} for _ in file.hunks]
    return [hunk_word_marks(file, hunk_index, tab_size) for hunk_index in range(len(file.hunks))]


def pad(text: Text, width: int | None, background: str | None) -> Text:
    if width is None:
        return text
    missing = width - text.cell_len
    if missing > 0:
        text.append(" " * missing, Style(bgcolor=background) if background else None)
    return text


def is_special(file: DiffFile) -> bool:
    """Return whether a file shows a message or its raw text instead of hunks."""
    return file.warning is not None or file.kind == "binary" or not file.hunks


def special_message(file: DiffFile) -> str | None:
    """Return the one-line note of a binary file or a file without hunks, or None."""
    if file.warning is not None:
        return None
    if file.kind == "binary":
        return BINARY_MESSAGE
    if not file.hunks:
        messages = {
            "added": "empty file added",
            "deleted": "empty file deleted",
            "renamed": "renamed without content changes",
        }
        return messages.get(file.kind, "no content changes")
    return None


def warning_line(file: DiffFile, theme: DiffTheme) -> Text:
    """Render the warning above the raw text of a file that could not be parsed."""
    return Text(f"⚠ {display_line(file.warning or '')}", style=theme.warning)


def special_lines(file: DiffFile, theme: DiffTheme) -> list[Text] | None:
    """Return the lines of a file that has no hunks to show, or None."""
    if not is_special(file):
        return None
    if file.warning is not None:
        lines = [warning_line(file, theme)]
        lines.extend(Text(display_line(raw, theme.tab_size)) for raw in split_diff_lines(file.raw))
        return lines
    return [Text(special_message(file) or "", style=theme.note)]


def hunk_header_line(header: str, theme: DiffTheme) -> Text:
    """Render a hunk's "@@" line."""
    return Text(display_line(header), style=theme.hunk_header)


def resolve_lexer(file: DiffFile, highlight: bool, lexer_name: str | None) -> str | None:
    if not highlight:
        return None
    if lexer_name:
        return lexer_name
    return lexer_name_for(file.path) if file.path else None
