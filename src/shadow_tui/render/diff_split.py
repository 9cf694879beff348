"""Cut diff text into lines and into one chunk per file, without parsing hunks.

These scans only follow hunk lengths, so they are cheap enough for list views
(`diff_stats`) and tolerate any malformed input.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)")


@dataclass(slots=True)
class FileChunk:
    """The lines of one file's diff, as cut from the whole text."""

    lines: list[str] = field(default_factory=list)
    headerless: bool = False
    in_header: bool = False


def split_diff_lines(text: str) -> list[str]:
    """Split diff text on "\\n" only and drop one CR before each line end."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def hunk_counts(match: re.Match[str]) -> tuple[int, int]:
    old_length = int(match.group(2)) if match.group(2) is not None else 1
    new_length = int(match.group(4)) if match.group(4) is not None else 1
    return old_length, new_length


def split_files(lines: list[str]) -> list[FileChunk]:
    """Cut the lines into one chunk per file, following hunk lengths."""
    chunks: list[FileChunk] = []
    current: FileChunk | None = None
    old_left = 0
    new_left = 0
    index = 0
    count = len(lines)

    while index < count:
        line = lines[index]

        # Inside a hunk, body lines belong to it even when they look like a
        # header: a removed "-- comment" line reads "--- comment".
        if (old_left > 0 or new_left > 0) and current is not None:
            marker = line[:1]
            if marker in ("", " "):
                old_left -= 1
                new_left -= 1
            elif marker == "-":
                old_left -= 1
            elif marker == "+":
                new_left -= 1
            if marker in ("", " ", "-", "+", "\\"):
                current.lines.append(line)
                index += 1
                continue
            # The hunk ends before the line counts of its header, and unidiff
            # reports that when the chunk is parsed.
            old_left = 0
            new_left = 0

        if line.startswith("diff --git ") or line.startswith("diff -"):
            current = FileChunk([line], in_header=True)
            chunks.append(current)
        elif (
            line.startswith("--- ")
            and index + 1 < count
            and lines[index + 1].startswith("+++ ")
        ):
            if current is None or not current.in_header:
                current = FileChunk([])
                chunks.append(current)
            current.lines.extend((line, lines[index + 1]))
            current.in_header = False
            index += 2
            continue
        elif (match := HUNK_HEADER.match(line)) is not None:
            if current is None:
                current = FileChunk([], headerless=True)
                chunks.append(current)
            current.in_header = False
            current.lines.append(line)
            old_left, new_left = hunk_counts(match)
        elif line.startswith("Binary files ") and (current is None or not current.in_header):
            current = FileChunk([line])
            chunks.append(current)
            current = None
        elif current is not None:
            current.lines.append(line)
        elif line.strip():
            # Text before the first file, such as a commit message.
            logger.debug("Ignoring diff preamble line: %.80r", line)
        index += 1

    return chunks


def count_changes(lines: list[str]) -> tuple[int, int]:
    """Count added and removed lines inside hunks, following hunk lengths."""
    added = 0
    removed = 0
    old_left = 0
    new_left = 0
    for line in lines:
        if old_left > 0 or new_left > 0:
            marker = line[:1]
            if marker == "+":
                added += 1
                new_left -= 1
                continue
            if marker == "-":
                removed += 1
                old_left -= 1
                continue
            if marker in ("", " ", "\r"):
                old_left -= 1
                new_left -= 1
                continue
            if marker == "\\":
                continue
            old_left = 0
            new_left = 0
        match = HUNK_HEADER.match(line)
        if match is not None:
            old_left, new_left = hunk_counts(match)
    return added, removed


def diff_stats(text: str) -> tuple[int, int]:
    """Return (added, removed) line counts of a diff without building objects.

    For well-formed diffs the counts equal the sums over `parse_diff` files.
    Lines outside the ranges that hunk headers give are not counted.
    """
    return count_changes(text.split("\n"))
