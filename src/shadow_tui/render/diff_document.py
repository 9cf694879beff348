"""Several files of a diff as one scrollable document, with jump targets."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

from shadow_tui.render.diff_parse import DiffFile, ParsedDiff
from shadow_tui.render.diff_view import (
    DEFAULT_DIFF_THEME,
    DiffTheme,
    hunk_starts,
    render_side_by_side,
    render_unified,
)
from shadow_tui.render.visible import display_line


@dataclass(frozen=True, slots=True)
class DiffRendering:
    """The display lines of several files and where each file and hunk starts."""

    lines: list[Text]
    file_starts: list[int]
    hunk_starts: list[int]


def file_header_line(file: DiffFile, theme: DiffTheme) -> Text:
    """Render the line above a file's changes: its path or rename, kind and +/- counts."""
    if file.kind == "renamed" and file.old_path and file.old_path != file.path:
        name = f"{display_line(file.old_path)} → {display_line(file.path)}"
    else:
        name = display_line(file.path) if file.path else "(unnamed file)"
    header = Text(name, style=theme.file_header)
    header.append(f"  {file.kind}", style=theme.note)
    header.append(f"  +{file.added}", style=theme.added_marker)
    header.append(f" -{file.removed}", style=theme.removed_marker)
    return header


def render_diff(
    diff: ParsedDiff | Sequence[DiffFile],
    *,
    side_by_side: bool = False,
    width: int | None = None,
    highlight: bool = True,
    theme: DiffTheme = DEFAULT_DIFF_THEME,
) -> DiffRendering:
    """Render several files, each under a header line with its path and counts.

    `side_by_side` needs `width`. The returned `file_starts` index the file
    header lines and `hunk_starts` the hunk header lines of `lines`.
    """
    files = diff.files if isinstance(diff, ParsedDiff) else list(diff)
    if side_by_side and width is None:
        raise ValueError("render_diff(side_by_side=True) needs a width in terminal columns.")

    lines: list[Text] = []
    file_starts: list[int] = []
    starts: list[int] = []
    for file in files:
        file_starts.append(len(lines))
        lines.append(file_header_line(file, theme))
        offset = len(lines)
        if side_by_side and width is not None:
            lines.extend(render_side_by_side(file, width, highlight=highlight, theme=theme))
        else:
            lines.extend(render_unified(file, highlight=highlight, width=width, theme=theme))
        starts.extend(offset + start for start in hunk_starts(file, side_by_side=side_by_side))
    return DiffRendering(lines=lines, file_starts=file_starts, hunk_starts=starts)


def next_start(starts: Sequence[int], current: int) -> int | None:
    """Return the first start after line `current`, or None at the end."""
    position = bisect_right(starts, current)
    return starts[position] if position < len(starts) else None


def previous_start(starts: Sequence[int], current: int) -> int | None:
    """Return the last start before line `current`, or None at the top."""
    position = bisect_left(starts, current)
    return starts[position - 1] if position > 0 else None
