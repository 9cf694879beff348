"""Line sources for the Diffs tab: raw diff lines, a lazily rendered diff, and the fallback text."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from rich.text import Text

from shadow_tui.render.diff_document import DiffRendering
from shadow_tui.render.diff_lazy import DiffDocument
from shadow_tui.render.diff_parse import DiffFile
from shadow_tui.render.diff_split import split_diff_lines
from shadow_tui.render.visible import display_line
from shadow_tui.tui.widgets.line_source import LineSource


def raw_source(parts: Sequence[Sequence[str]], widest: int) -> LineSource:
    """Serve the raw lines of several files one after another, making each displayable when it is drawn.

    `widest` is the widest line's width in cells.
    """
    starts = list(accumulate((len(part) for part in parts), initial=0))

    def raw_line(index: int) -> str:
        if not 0 <= index < starts[-1]:
            raise IndexError(f"line {index} is outside the {starts[-1]} raw lines")
        part = bisect_right(starts, index) - 1
        return parts[part][index - starts[part]]

    return LineSource(
        count=lambda: starts[-1],
        get=lambda index: Text(display_line(raw_line(index))),
        plain=lambda index: display_line(raw_line(index)),
        width_hint=lambda: widest,
    )


def document_source(document: DiffDocument) -> LineSource:
    """Serve the lines of a `DiffDocument`, rendered when they are drawn."""
    return LineSource(
        count=lambda: document.line_count,
        get=document.line,
        plain=document.plain,
        width_hint=lambda: document.width_hint,
    )


def raw_rendering(files: Sequence[DiffFile], warning: str) -> DiffRendering:
    """Render files as their raw text under a warning, for a diff that the renderer failed on."""
    lines = [Text(f"⚠ {warning}", style="bold yellow")]
    for diff_file in files:
        lines.extend(Text(display_line(line)) for line in split_diff_lines(diff_file.raw))
    return DiffRendering(lines=lines, file_starts=[], hunk_starts=[])
