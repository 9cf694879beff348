"""Convert unidiff hunks into the arrays of `hunk_lines`, keeping their lines' places in the diff text."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from unidiff.patch import Hunk as UnidiffHunk

from shadow_tui.render.diff_split import HUNK_HEADER
from shadow_tui.render.hunk_lines import DiffLine, Hunk, HunkLines, HunkList, LineKind


def count_kind(lines: Sequence[DiffLine], kind: LineKind) -> int:
    """Count the lines of one kind, from the arrays when the lines are a `HunkLines`."""
    if isinstance(lines, HunkLines):
        return lines.count_kind(kind)
    return sum(1 for line in lines if line.kind == kind)


def convert_hunk(hunk: UnidiffHunk, fed: Sequence[str], hunks: HunkList, position: Callable[[int], int]) -> None:
    """Convert a unidiff hunk and add it to `hunks`; `position` maps a `diff_line_no` into the store's text."""
    store = hunks.store
    start = len(store)
    for line in hunk:
        value = line.value[:-1] if line.value.endswith("\n") else line.value
        at = None if line.diff_line_no is None else position(line.diff_line_no)
        if line.line_type == "+":
            store.append("added", None, line.target_line_no, value, at)
        elif line.line_type == "-":
            store.append("removed", line.source_line_no, None, value, at)
        elif line.line_type == " ":
            store.append("context", line.source_line_no, line.target_line_no, value, at)
        elif line.line_type == "\\":
            store.append("no_newline", None, None, "\\" + value, at)
        # The remaining type is a blank line after the hunk, which is not content.

    header, header_line_no = original_header(hunk, fed)
    converted = Hunk(
        header=header,
        old_start=hunk.source_start,
        old_length=hunk.source_length,
        new_start=hunk.target_start,
        new_length=hunk.target_length,
        section=hunk.section_header,
        lines=HunkLines(store, start, len(store)),
    )
    hunks.append(converted, None if header_line_no is None else position(header_line_no))


def original_header(hunk: UnidiffHunk, fed: Sequence[str]) -> tuple[str, int | None]:
    """Return the hunk's "@@" line as written and its `diff_line_no`, or one rebuilt from the numbers and None."""
    for line in hunk:
        if line.diff_line_no is not None:
            candidate_index = line.diff_line_no - 2
            if 0 <= candidate_index < len(fed) and HUNK_HEADER.match(fed[candidate_index]):
                return fed[candidate_index], candidate_index + 1
        break
    header = (
        f"@@ -{hunk.source_start},{hunk.source_length} "
        f"+{hunk.target_start},{hunk.target_length} @@"
    )
    return (f"{header} {hunk.section_header}" if hunk.section_header else header), None
