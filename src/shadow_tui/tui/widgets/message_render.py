"""Message rows as strips for `MessageList`: headers, quick placeholders and Markdown renderings.

A placeholder folds the message's plain text at the body width, which costs
little and has exactly the height that `estimate_height` returns. The
Markdown rendering replaces it when a worker thread has made it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import overload

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from shadow_tui.queries.fts import SearchTerm, highlight_offsets
from shadow_tui.queries.records import MessageRecord
from shadow_tui.render.terminal import sanitize_inline
from shadow_tui.render.visible import display_block
from shadow_tui.tui.widgets.line_source import match_spans

MARGIN = "  "
SELECTED_MARGIN = "▌ "
"""The left margin of each row. The selected message's rows show a bar in it."""
SENDER_STYLES = {"user": "bold cyan", "agent": "bold green"}

# Above this many characters a message's height is estimated from its
# length and line count instead of line by line.
_QUICK_ESTIMATE_CHARS = 200_000


def estimate_height(content: str, width: int) -> int:
    """Return the number of rows of `content` folded at `width` cells (at least 1).

    The count is exact for the placeholder, whose rows are cut every
    `width` characters, and an estimate for the Markdown rendering.
    """
    width = max(1, width)
    if len(content) > _QUICK_ESTIMATE_CHARS:
        return max(1, len(content) // width + content.count("\n") + 1)
    rows = 0
    for line in content.split("\n"):
        rows += max(1, -(-len(line) // width))
    return rows


class FoldedRows(Sequence[Strip]):
    """A placeholder body: rows of plain text that become strips only when drawn.

    A Strip costs several caches, so making tens of thousands at once (a
    Markdown table 10,000 columns wide) would hold up the UI for a second.
    """

    __slots__ = ("_row_text", "_rows")

    def __init__(self, rows: int, row_text: Callable[[int], str]) -> None:
        self._rows = rows
        self._row_text = row_text

    def __len__(self) -> int:
        return self._rows

    @overload
    def __getitem__(self, index: int) -> Strip: ...

    @overload
    def __getitem__(self, index: slice) -> list[Strip]: ...

    def __getitem__(self, index: int | slice) -> Strip | list[Strip]:
        if isinstance(index, slice):
            return [self[number] for number in range(*index.indices(self._rows))]
        if index < 0:
            index += self._rows
        if not 0 <= index < self._rows:
            raise IndexError(f"row {index} is out of range for a body of {self._rows} rows")
        return Strip([Segment(self._row_text(index))])


def placeholder_strips(content: str, width: int) -> FoldedRows:
    """Fold the message's text at `width` characters, controls made visible."""
    width = max(1, width)
    rows = estimate_height(content, width)
    if len(content) > _QUICK_ESTIMATE_CHARS:
        # The rows must match estimate_height, so the whole text folds without
        # splitting lines, and each row is made visible only when drawn.
        def long_row(number: int) -> str:
            piece = content[number * width : (number + 1) * width]
            return display_block(piece).replace("\t", " ").replace("\n", " ")

        return FoldedRows(rows, long_row)
    pieces: list[str] = []
    for line in content.split("\n"):
        shown = display_block(line)
        # Tab expansion changes the length, so fold the original length's worth of rows.
        count = max(1, -(-len(line) // width))
        chunks = [shown[start : start + width] for start in range(0, len(shown), width)] or [""]
        pieces.extend((chunks + [""] * count)[:count])
    return FoldedRows(len(pieces), pieces.__getitem__)


def render_body(content: str, width: int) -> list[Strip]:
    """Render a message as Markdown at `width` cells; blocks while code fences are highlighted.

    Call it from a worker thread. Trailing blank rows are removed.
    """
    # Imported on first use: markdown-it and Pygments are not needed before a message is shown.
    from shadow_tui.render.markdown import render_message_markdown

    console = Console(
        width=width,
        file=io.StringIO(),
        color_system="truecolor",
        force_terminal=True,
        legacy_windows=False,
        highlight=False,
    )
    renderable = render_message_markdown(content)
    options = console.options.update_width(width)
    lines = console.render_lines(renderable, options, pad=False)
    strips = [Strip(line) for line in lines]
    while strips and not strips[-1].text.strip():
        strips.pop()
    return strips or [Strip([])]


def header_text(message: MessageRecord, *, selected: bool) -> Text:
    """Return a message's header row: the margin, the sender in its colour, the time and the sequence number."""
    text = Text(no_wrap=True, end="")
    text.append(SELECTED_MARGIN if selected else MARGIN)
    sender = sanitize_inline(message.sender) or "?"
    text.append(sender, style=SENDER_STYLES.get(message.sender, "bold magenta"))
    time = message.created_at.strftime("%Y-%m-%d %H:%M:%S") if message.created_at else "-"
    text.append(f"  {time}  #{message.sequence}")
    return text


def term_spans(text: str, term: str, search_terms: list[SearchTerm] | None) -> list[tuple[int, int]]:
    """Return where `text` matches: the words of a global search when `search_terms` is given, else `term` as typed.

    A global search matches its words apart and `build*` as a prefix, as
    the hit was found. Find matches its text as one case-insensitive string.
    """
    if search_terms:
        return highlight_offsets(text, search_terms)
    return match_spans(text, term)


def highlight_strip(strip: Strip, spans: list[tuple[int, int]], style: Style) -> Strip:
    """Lay `style` over the (start, end) character spans of the strip's text."""
    if not spans:
        return strip
    segments: list[Segment] = []
    position = 0
    span_index = 0
    for segment in strip:
        text = segment.text
        end = position + len(text)
        cuts = {position, end}
        for start, stop in spans[span_index:]:
            if start >= end:
                break
            cuts.update(value for value in (start, stop) if position < value < end)
        ordered = sorted(cuts)
        for first, last in zip(ordered, ordered[1:], strict=False):
            piece = text[first - position : last - position]
            inside = any(start <= first and last <= stop for start, stop in spans)
            if not inside:
                piece_style = segment.style
            elif segment.style is None:
                piece_style = style
            else:
                piece_style = segment.style + style
            segments.append(Segment(piece, piece_style, segment.control))
        while span_index < len(spans) and spans[span_index][1] <= end:
            span_index += 1
        position = end
    return Strip(segments, strip.cell_length)
