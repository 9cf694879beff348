"""Shortened task ids that stay distinct, for lists and tables."""

from __future__ import annotations

import os
from collections.abc import Iterable


def unique_prefix_length(ids: Iterable[str], minimum: int = 12) -> int:
    """Return the shortest prefix length, at least `minimum`, that distinguishes the ids.

    Imported ids often share a long prefix (`codex-` and a UUIDv7 that starts
    with its timestamp, `shadow-demo-…`), so a fixed cut would show several
    rows with the same id.
    """
    length = minimum
    ordered = sorted(set(ids))
    for before, after in zip(ordered, ordered[1:]):
        shared = len(os.path.commonprefix([before, after]))
        length = max(length, min(shared + 1, len(after)))
    return length
