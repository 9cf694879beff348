"""Render parsed diffs as Rich `Text` lines, unified or side by side.

Every function returns one `Text` per display line, so a virtualised view
can show any slice. Line text passes through `display_line` (controls shown
as symbols, tabs expanded), and highlighting may block for up to its time
budget (see `highlight`), so call these from a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.style import Style
from rich.text import Span as RichSpan
from rich.text import Text

from shadow_tui.render.diff_parse import DiffFile, DiffLine
from shadow_tui.render.diff_split import split_diff_lines
from shadow_tui.render.diff_words import Span, hunk_emphasis
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


class _Contents:
    """The highlighted text of every line of a file, old and new side."""

    def __init__(self, file: DiffFile, lexer_name: str | None, theme: DiffTheme) -> None:
        old_sources: list[str] = []
        new_sources: list[str] = []
        self._refs: dict[tuple[int, int], tuple[int | None, int | None]] = {}

        # Context lines go to both sides, so each side is lexed as one
        # continuous file. Removed lines go to the old side, added to the new.
        # NOTE: the lines between hunks are missing, so a string or comment
        # that opens there is coloured wrongly until the lexer recovers.
        for hunk_index, hunk in enumerate(file.hunks):
            for line_index, line in enumerate(hunk.lines):
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


def _number_width(file: DiffFile) -> int:
    largest = 0
    for hunk in file.hunks:
        largest = max(largest, hunk.old_start + hunk.old_length, hunk.new_start + hunk.new_length)
    return max(1, len(str(largest)))


def _emphasis(file: DiffFile, tab_size: int) -> list[dict[int, list[Span]]]:
    if sum(len(hunk.lines) for hunk in file.hunks) > MAX_WORD_DIFF_LINES:
        return [{} for _ in file.hunks]
    return [
        hunk_emphasis(hunk, [display_line(line.text, tab_size) for line in hunk.lines])
        for hunk in file.hunks
    ]


def _line_colours(line: DiffLine, theme: DiffTheme) -> tuple[str, str | None, str | None, str]:
    """Return the marker, background, emphasis background and marker style."""
    if line.kind == "added":
        return "+", theme.added_background, theme.added_emphasis, theme.added_marker
    if line.kind == "removed":
        return "-", theme.removed_background, theme.removed_emphasis, theme.removed_marker
    return " ", None, None, ""


def _marker_text(marker: str, marker_style: str, background: str | None) -> Text:
    if not marker_style:
        return Text(f"{marker} ")
    return Text(f"{marker} ", style=Style.parse(marker_style) + Style(bgcolor=background))


def _styled_body(content: Text, background: str | None, emphasis_background: str | None, spans: list[Span]) -> Text:
    if background:
        content.stylize(Style(bgcolor=background))
    if emphasis_background:
        for start, end in spans:
            content.stylize(Style(bgcolor=emphasis_background), start, end)
    return content


def _pad(text: Text, width: int | None, background: str | None) -> Text:
    if width is None:
        return text
    missing = width - text.cell_len
    if missing > 0:
        text.append(" " * missing, Style(bgcolor=background) if background else None)
    return text


def _special_lines(file: DiffFile, theme: DiffTheme) -> list[Text] | None:
    """Return the lines of a file that has no hunks to show, or None."""
    if file.warning is not None:
        lines = [Text(f"⚠ {display_line(file.warning)}", style=theme.warning)]
        lines.extend(Text(display_line(raw, theme.tab_size)) for raw in split_diff_lines(file.raw))
        return lines
    if file.kind == "binary":
        return [Text(BINARY_MESSAGE, style=theme.note)]
    if not file.hunks:
        messages = {
            "added": "empty file added",
            "deleted": "empty file deleted",
            "renamed": "renamed without content changes",
        }
        return [Text(messages.get(file.kind, "no content changes"), style=theme.note)]
    return None


def _resolve_lexer(file: DiffFile, highlight: bool, lexer_name: str | None) -> str | None:
    if not highlight:
        return None
    if lexer_name:
        return lexer_name
    return lexer_name_for(file.path) if file.path else None


def render_unified(
    file: DiffFile,
    *,
    highlight: bool = True,
    lexer_name: str | None = None,
    width: int | None = None,
    theme: DiffTheme = DEFAULT_DIFF_THEME,
) -> list[Text]:
    """Render one file as a unified diff, one `Text` per display line.

    Each hunk starts with its styled "@@" line. Other lines carry old and
    new line numbers, a +/- marker, a green or red background and the
    file's syntax colours. In a removed line paired with an added line, the
    changed words get a stronger background. With `width`, changed lines are padded
    so their background fills the width. `lexer_name` overrides the lexer
    chosen from the file name.
    """
    special = _special_lines(file, theme)
    if special is not None:
        return special

    contents = _Contents(file, _resolve_lexer(file, highlight, lexer_name), theme)
    emphasis = _emphasis(file, theme.tab_size)
    number_width = _number_width(file)
    blank_numbers = " " * (number_width * 2 + 2)
    # One Style object per line kind, built once: building them per line
    # was most of the time spent on a diff of 100,000 lines.
    kind_styles = {kind: _KindStyles.build(kind, theme) for kind in ("context", "added", "removed")}
    gutter_end = number_width * 2 + 2

    lines: list[Text] = []
    for hunk_index, hunk in enumerate(file.hunks):
        lines.append(Text(display_line(hunk.header), style=theme.hunk_header))
        for line_index, line in enumerate(hunk.lines):
            if line.kind == "no_newline":
                lines.append(Text.assemble((blank_numbers, theme.line_number), (display_line(line.text), theme.note)))
                continue

            old = "" if line.old_number is None else str(line.old_number)
            new = "" if line.new_number is None else str(line.new_number)
            styles = kind_styles[line.kind]
            text = Text(
                f"{old:>{number_width}} {new:>{number_width}} {styles.marker} ",
                spans=styles.prefix_spans(gutter_end, theme.line_number),
            )
            side: Side = "old" if line.kind == "removed" else "new"
            text.append_text(contents.text(hunk_index, line_index, side))
            if styles.background is not None:
                text.spans.append(RichSpan(gutter_end + 2, len(text), styles.background))
            if styles.emphasis is not None:
                offset = gutter_end + 2
                for start, end in emphasis[hunk_index].get(line_index, []):
                    text.spans.append(RichSpan(offset + start, offset + end, styles.emphasis))
            lines.append(_pad(text, width, styles.background_colour))
    return lines


@dataclass(frozen=True, slots=True)
class _KindStyles:
    """The marker and styles of one kind of diff line."""

    marker: str
    marker_style: Style | None
    background_colour: str | None
    background: Style | None
    emphasis: Style | None

    @classmethod
    def build(cls, kind: str, theme: DiffTheme) -> _KindStyles:
        if kind == "added":
            marker, background, emphasis = "+", theme.added_background, theme.added_emphasis
            marker_style = theme.added_marker
        elif kind == "removed":
            marker, background, emphasis = "-", theme.removed_background, theme.removed_emphasis
            marker_style = theme.removed_marker
        else:
            return cls(" ", None, None, None, None)
        return cls(
            marker,
            Style.parse(marker_style) + Style(bgcolor=background),
            background,
            Style(bgcolor=background),
            Style(bgcolor=emphasis),
        )

    def prefix_spans(self, gutter_end: int, number_style: str) -> list[RichSpan]:
        spans = [RichSpan(0, gutter_end, number_style)]
        if self.marker_style is not None:
            spans.append(RichSpan(gutter_end, gutter_end + 2, self.marker_style))
        return spans


def _side_rows(file: DiffFile) -> list[tuple[int, int | None, int | None]]:
    """Lay out side-by-side rows as (hunk index, left line, right line).

    A row with both line indices None is the hunk's header. Context lines
    sit on both sides, and each removed line faces the added line that
    `pair_changed_lines` pairs it with. A "\\ No newline" marker stays on the
    side of the line before it.
    """
    rows: list[tuple[int, int | None, int | None]] = []
    for hunk_index, hunk in enumerate(file.hunks):
        rows.append((hunk_index, None, None))
        lines = hunk.lines
        index = 0
        while index < len(lines):
            if lines[index].kind in ("context", "no_newline"):
                rows.append((hunk_index, index, index))
                index += 1
                continue

            left: list[int] = []
            right: list[int] = []
            while index < len(lines):
                kind = lines[index].kind
                if kind == "removed" and not right:
                    left.append(index)
                elif kind == "added":
                    right.append(index)
                elif kind == "no_newline":
                    (right if right else left).append(index)
                else:
                    break
                index += 1

            for row in range(max(len(left), len(right))):
                rows.append(
                    (
                        hunk_index,
                        left[row] if row < len(left) else None,
                        right[row] if row < len(right) else None,
                    )
                )
    return rows


def _half(
    file: DiffFile,
    hunk_index: int,
    line_index: int | None,
    side: Side,
    half_width: int,
    number_width: int,
    contents: _Contents,
    emphasis: list[dict[int, list[Span]]],
    theme: DiffTheme,
) -> Text:
    if line_index is None:
        return Text(" " * half_width)

    line = file.hunks[hunk_index].lines[line_index]
    number = line.old_number if side == "old" else line.new_number
    gutter = Text(f"{'' if number is None else number:>{number_width}} ", style=theme.line_number)
    if line.kind == "no_newline":
        half = Text.assemble(gutter, ("  ", None), (display_line(line.text), theme.note))
        half.truncate(half_width, overflow="crop")
        return _pad(half, half_width, None)

    marker, background, emphasis_background, marker_style = _line_colours(line, theme)
    marker_text = _marker_text(marker, marker_style, background)
    body = _styled_body(
        contents.text(hunk_index, line_index, side),
        background,
        emphasis_background,
        emphasis[hunk_index].get(line_index, []),
    )
    half = Text.assemble(gutter, marker_text, body)
    half.truncate(half_width, overflow="crop")
    return _pad(half, half_width, background)


def render_side_by_side(
    file: DiffFile,
    width: int,
    *,
    highlight: bool = True,
    lexer_name: str | None = None,
    theme: DiffTheme = DEFAULT_DIFF_THEME,
) -> list[Text]:
    """Render one file with the old text on the left and the new on the right.

    Every line is exactly `width` cells: two halves cropped or padded to
    fit, with a separator between them. Hunk headers span the full width.
    The app offers this view from 120 columns up; narrower widths work but
    leave little room for code.
    """
    special = _special_lines(file, theme)
    if special is not None:
        for line in special:
            line.truncate(width, overflow="crop", pad=True)
        return special

    half_width = max(1, (width - len(SEPARATOR)) // 2)
    right_width = max(1, width - len(SEPARATOR) - half_width)
    contents = _Contents(file, _resolve_lexer(file, highlight, lexer_name), theme)
    emphasis = _emphasis(file, theme.tab_size)
    number_width = _number_width(file)

    lines: list[Text] = []
    for hunk_index, left, right in _side_rows(file):
        if left is None and right is None:
            header = Text(display_line(file.hunks[hunk_index].header), style=theme.hunk_header)
            header.truncate(width, overflow="crop", pad=True)
            lines.append(header)
            continue
        left_half = _half(file, hunk_index, left, "old", half_width, number_width, contents, emphasis, theme)
        right_half = _half(file, hunk_index, right, "new", right_width, number_width, contents, emphasis, theme)
        lines.append(Text.assemble(left_half, (SEPARATOR, theme.line_number), right_half))
    return lines


def hunk_starts(file: DiffFile, *, side_by_side: bool = False) -> list[int]:
    """Return the indices of hunk header lines in the output of the renderers.

    Indices refer to `render_unified(file)` or, with `side_by_side`, to
    `render_side_by_side(file, width)` for any width.
    """
    if _special_lines(file, DEFAULT_DIFF_THEME) is not None:
        return []
    if side_by_side:
        return [index for index, (_, left, right) in enumerate(_side_rows(file)) if left is None and right is None]

    starts: list[int] = []
    position = 0
    for hunk in file.hunks:
        starts.append(position)
        position += 1 + len(hunk.lines)
    return starts
