"""Cut the lines of one long file's diff into groups of whole hunks, to parse one group at a time."""

from __future__ import annotations

from collections.abc import Sequence

PARSE_GROUP_LINES = 5_000
"""A file with more lines than this is parsed in groups of whole hunks of about this many lines."""


def hunk_groups(fed: Sequence[str]) -> list[tuple[int, int]] | None:
    """Cut a long file into (start, end) ranges of whole hunks of about `PARSE_GROUP_LINES` lines.

    Returns None for a file that is parsed at once: a short one, or one
    without a "+++" header before its first hunk, which each group needs.
    Hunk lines start with " ", "+", "-" or "\\", so every line that starts
    with "@@ " is a hunk header, and cutting there keeps each hunk whole.
    """
    if len(fed) <= PARSE_GROUP_LINES:
        return None
    first_hunk = next((index for index, line in enumerate(fed) if line.startswith("@@ ")), None)
    if first_hunk is None or not any(line.startswith("+++ ") for line in fed[:first_hunk]):
        return None
    groups: list[tuple[int, int]] = []
    start = first_hunk
    for index in range(first_hunk + PARSE_GROUP_LINES, len(fed), PARSE_GROUP_LINES):
        following = range(max(index, start + 1), len(fed))
        cut = next((position for position in following if fed[position].startswith("@@ ")), None)
        if cut is None:
            break
        groups.append((start, cut))
        start = cut
    groups.append((start, len(fed)))
    return groups
