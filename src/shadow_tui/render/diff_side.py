"""Render a parsed file side by side: old text on the left, new on the right."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from shadow_tui.render.diff_parse import DiffFile, DiffLine
from shadow_tui.render.diff_parts import (
    DEFAULT_DIFF_THEME,
    SEPARATOR,
    DiffTheme,
    HighlightedContents,
    PlainContents,
    Side,
    file_word_marks,
    hunk_header_line,
    line_number_width,
    pad,
    resolve_lexer,
    special_lines,
)
from shadow_tui.render.diff_words import Span
from shadow_tui.render.visible import display_line


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


SideRow = tuple[int, int | None, int | None]
"""A side-by-side row: (hunk index, left line index, right line index); both None for the hunk header."""


def side_rows(file: DiffFile) -> list[SideRow]:
    """Lay out the side-by-side rows of every hunk of a file."""
    rows: list[SideRow] = []
    for hunk_index in range(len(file.hunks)):
        rows.extend(hunk_side_rows(file, hunk_index))
    return rows


def hunk_side_rows(file: DiffFile, hunk_index: int) -> list[SideRow]:
    """Lay out one hunk's side-by-side rows, its header first.

    Context lines sit on both sides, and each removed line faces the added
    line that `pair_changed_lines` pairs it with. A "\\ No newline" marker
    stays on the side of the line before it.
    """
    rows: list[SideRow] = [(hunk_index, None, None)]
    lines = file.hunks[hunk_index].lines
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
    contents: HighlightedContents | PlainContents,
    marks: dict[int, list[Span]],
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
        return pad(half, half_width, None)

    marker, background, emphasis_background, marker_style = _line_colours(line, theme)
    marker_text = _marker_text(marker, marker_style, background)
    body = _styled_body(
        contents.text(hunk_index, line_index, side),
        background,
        emphasis_background,
        marks.get(line_index, []),
    )
    half = Text.assemble(gutter, marker_text, body)
    half.truncate(half_width, overflow="crop")
    return pad(half, half_width, background)


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
    special = special_lines(file, theme)
    if special is not None:
        for line in special:
            line.truncate(width, overflow="crop", pad=True)
        return special

    contents = HighlightedContents(file, resolve_lexer(file, highlight, lexer_name), theme)
    emphasis = file_word_marks(file, theme.tab_size)
    number_width = line_number_width(file)
    return [side_line(file, row, contents, emphasis[row[0]], number_width, width, theme) for row in side_rows(file)]


def side_line(
    file: DiffFile,
    row: SideRow,
    contents: HighlightedContents | PlainContents,
    marks: dict[int, list[Span]],
    number_width: int,
    width: int,
    theme: DiffTheme,
) -> Text:
    """Render one side-by-side row, exactly `width` cells: a hunk header or two halves."""
    hunk_index, left, right = row
    if left is None and right is None:
        header = hunk_header_line(file.hunks[hunk_index].header, theme)
        header.truncate(width, overflow="crop", pad=True)
        return header
    half_width = max(1, (width - len(SEPARATOR)) // 2)
    right_width = max(1, width - len(SEPARATOR) - half_width)
    left_half = _half(file, hunk_index, left, "old", half_width, number_width, contents, marks, theme)
    right_half = _half(file, hunk_index, right, "new", right_width, number_width, contents, marks, theme)
    return Text.assemble(left_half, (SEPARATOR, theme.line_number), right_half)
