"""Render parsed diffs as Rich `Text` lines, unified or side by side.

Every function returns one `Text` per display line, so a virtualised view
can show any slice. Line text passes through `display_line` (controls shown
as symbols, tabs expanded), and highlighting may block for up to its time
budget (see `highlight`), so call these from a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Span as RichSpan
from rich.text import Text

from shadow_tui.render.diff_parse import DiffFile
from shadow_tui.render.diff_parts import (
    BINARY_MESSAGE,
    DEFAULT_DIFF_THEME,
    MAX_WORD_DIFF_LINES,
    DiffTheme,
    HighlightedContents,
    PlainContents,
    Side,
    file_word_marks,
    hunk_header_line,
    is_special,
    line_number_width,
    pad,
    resolve_lexer,
    special_lines,
)
from shadow_tui.render.diff_side import render_side_by_side, side_rows
from shadow_tui.render.diff_words import Span
from shadow_tui.render.visible import display_line

__all__ = [
    "BINARY_MESSAGE",
    "DEFAULT_DIFF_THEME",
    "MAX_WORD_DIFF_LINES",
    "DiffTheme",
    "UnifiedLayout",
    "hunk_starts",
    "render_side_by_side",
    "render_unified",
    "unified_line",
]


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
    special = special_lines(file, theme)
    if special is not None:
        return special

    contents = HighlightedContents(file, resolve_lexer(file, highlight, lexer_name), theme)
    emphasis = file_word_marks(file, theme.tab_size)
    layout = UnifiedLayout.build(file, width, theme)
    lines: list[Text] = []
    for hunk_index, hunk in enumerate(file.hunks):
        lines.append(hunk_header_line(hunk.header, theme))
        for line_index in range(len(hunk.lines)):
            lines.append(unified_line(file, hunk_index, line_index, contents, emphasis[hunk_index], layout))
    return lines


@dataclass(frozen=True, slots=True)
class UnifiedLayout:
    """The gutter and styles shared by every line of one file in the unified view."""

    number_width: int
    width: int | None
    theme: DiffTheme
    kind_styles: dict[str, _KindStyles]

    @classmethod
    def build(cls, file: DiffFile, width: int | None, theme: DiffTheme) -> UnifiedLayout:
        # One Style object per line kind, built once: building them per line
        # was most of the time spent on a diff of 100,000 lines.
        kind_styles = {kind: _KindStyles.build(kind, theme) for kind in ("context", "added", "removed")}
        return cls(line_number_width(file), width, theme, kind_styles)

    @property
    def gutter_end(self) -> int:
        return self.number_width * 2 + 2


def unified_line(
    file: DiffFile,
    hunk_index: int,
    line_index: int,
    contents: HighlightedContents | PlainContents,
    emphasis: dict[int, list[Span]],
    layout: UnifiedLayout,
) -> Text:
    """Render one hunk line: line numbers, marker, highlighted text and word marks."""
    theme = layout.theme
    line = file.hunks[hunk_index].lines[line_index]
    if line.kind == "no_newline":
        blank_numbers = " " * layout.gutter_end
        return Text.assemble((blank_numbers, theme.line_number), (display_line(line.text), theme.note))

    number_width = layout.number_width
    gutter_end = layout.gutter_end
    old = "" if line.old_number is None else str(line.old_number)
    new = "" if line.new_number is None else str(line.new_number)
    styles = layout.kind_styles[line.kind]
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
        for start, end in emphasis.get(line_index, []):
            text.spans.append(RichSpan(offset + start, offset + end, styles.emphasis))
    return pad(text, layout.width, styles.background_colour)


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


def hunk_starts(file: DiffFile, *, side_by_side: bool = False) -> list[int]:
    """Return the indices of hunk header lines in the output of the renderers.

    Indices refer to `render_unified(file)` or, with `side_by_side`, to
    `render_side_by_side(file, width)` for any width.
    """
    if is_special(file):
        return []
    if side_by_side:
        return [index for index, (_, left, right) in enumerate(side_rows(file)) if left is None and right is None]

    starts: list[int] = []
    position = 0
    for hunk in file.hunks:
        starts.append(position)
        position += 1 + len(hunk.lines)
    return starts
