"""The record of a full-text search hit, and the kinds of hit.

Kept apart from `records` so that `shadow-tui search` does not create the
task, message and command record classes, which it never uses: the
dataclasses of `records` took 6 to 10 ms to import on a loaded 2-core VM
(`python -X importtime`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

SearchKind = Literal["message", "command", "output", "diff"]
SEARCH_KINDS: tuple[SearchKind, ...] = ("message", "command", "output", "diff")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One full-text match."""

    kind: SearchKind
    task_id: str
    item_id: str
    created_at: datetime | None
    snippet: str
    """Text around the first match, on one line."""
    offsets: list[tuple[int, int]] = field(default_factory=list)
    """(start, end) spans of the matches within the snippet."""
    line: int = 0
    """Zero-based line of the first match within the matched field."""
    task_title: str | None = None

    @property
    def first_match(self) -> str:
        """The text of the first match as the snippet shows it, or "" when the snippet marks no match."""
        if not self.offsets:
            return ""
        start, end = min(self.offsets)
        return self.snippet[start:end]
