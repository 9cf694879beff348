"""Codex `apply_patch` format, converted to one unified diff per file.

The format, as Codex writes it:

    *** Begin Patch
    *** Add File: path          then the new content, each line prefixed '+'
    *** Delete File: path
    *** Update File: path
    *** Move to: new/path       (optional, right after Update File)
    @@ optional context text
     context line
    -removed line
    +added line
    *** End of File             (optional, the hunk touches the file's end)
    *** End Patch

Update hunks carry no line numbers, and the file they were applied to is
not recorded, so the line numbers in the converted hunk headers are a best
effort (see `_number_hunks`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from shadow_tui.importers.unified import Hunk, deleted_file_diff, hunks_diff, new_file_diff

BEGIN = "*** Begin Patch"
END = "*** End Patch"
ADD = "*** Add File: "
DELETE = "*** Delete File: "
UPDATE = "*** Update File: "
MOVE = "*** Move to: "
END_OF_FILE = "*** End of File"

# The patch inside a shell script: a heredoc or a quoted argument.
_EMBEDDED = re.compile(r"\*\*\* Begin Patch\n.*?\n\*\*\* End Patch", re.DOTALL)


class PatchFormatError(ValueError):
    """The text is not a valid apply_patch patch."""


@dataclass(slots=True)
class PatchChunk:
    section: str
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FilePatch:
    """The change a patch makes to one file."""

    action: Literal["add", "delete", "update"]
    path: str
    move_to: str | None = None
    added_lines: list[str] = field(default_factory=list)
    chunks: list[PatchChunk] = field(default_factory=list)

    @property
    def final_path(self) -> str:
        return self.move_to or self.path


def find_patch(text: str) -> str | None:
    """Return the `*** Begin Patch` ... `*** End Patch` block inside text, or None."""
    match = _EMBEDDED.search(text.replace("\r\n", "\n"))
    return match.group(0) if match else None


def parse_patch(text: str) -> list[FilePatch]:
    """Parse an apply_patch patch into its file changes.

    Raises PatchFormatError naming the line when the text is not a patch.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines or lines[0].strip() != BEGIN:
        raise PatchFormatError(f"line 1: expected {BEGIN!r}")
    files: list[FilePatch] = []
    current: FilePatch | None = None
    ended = False
    for number, line in enumerate(lines[1:], start=2):
        if ended:
            raise PatchFormatError(f"line {number}: text after {END!r}")
        if line.strip() == END:
            ended = True
        elif line.startswith(ADD):
            current = FilePatch("add", line[len(ADD):].strip())
            files.append(current)
        elif line.startswith(DELETE):
            current = FilePatch("delete", line[len(DELETE):].strip())
            files.append(current)
        elif line.startswith(UPDATE):
            current = FilePatch("update", line[len(UPDATE):].strip())
            files.append(current)
        elif current is None:
            raise PatchFormatError(f"line {number}: expected a file header, got {line[:40]!r}")
        else:
            _add_body_line(current, line, number)
    if not ended:
        raise PatchFormatError(f"missing {END!r}")
    return files


def _add_body_line(current: FilePatch, line: str, number: int) -> None:
    if current.action == "add":
        if not line.startswith("+"):
            raise PatchFormatError(f"line {number}: a line of an added file must start with '+'")
        current.added_lines.append(line[1:])
    elif current.action == "delete":
        raise PatchFormatError(f"line {number}: a deleted file takes no lines")
    elif line.startswith(MOVE) and not current.chunks:
        current.move_to = line[len(MOVE):].strip()
    elif line.strip() == END_OF_FILE:
        return
    elif line.startswith("@@"):
        current.chunks.append(PatchChunk(line[2:].strip()))
    elif line[:1] in (" ", "-", "+") or line == "":
        if not current.chunks:
            current.chunks.append(PatchChunk(""))
        # Codex accepts an empty line inside a hunk as an empty context line.
        current.chunks[-1].lines.append(line if line else " ")
    else:
        raise PatchFormatError(f"line {number}: unexpected line in an update: {line[:40]!r}")


def _number_hunks(chunks: list[PatchChunk]) -> list[Hunk]:
    # NOTE: apply_patch hunks have no line numbers. Each hunk is numbered as
    # if it followed the previous one directly, from line 1, so the numbers
    # are consistent within the diff but not the file's real line numbers.
    hunks: list[Hunk] = []
    old_line = new_line = 1
    for chunk in chunks:
        if not chunk.lines:
            continue
        hunks.append(Hunk(old_line, new_line, tuple(chunk.lines), chunk.section))
        old_line += sum(1 for line in chunk.lines if line[:1] in (" ", "-"))
        new_line += sum(1 for line in chunk.lines if line[:1] in (" ", "+"))
    return hunks


def file_patch_diff(file_patch: FilePatch) -> str:
    """Return the unified diff of one file's change."""
    if file_patch.action == "add":
        content = "".join(line + "\n" for line in file_patch.added_lines)
        return new_file_diff(content, file_patch.path)
    if file_patch.action == "delete":
        return deleted_file_diff(file_patch.path)
    return hunks_diff(file_patch.path, file_patch.final_path, _number_hunks(file_patch.chunks))


def patch_to_diffs(text: str) -> list[tuple[str, str]]:
    """Convert a patch to (path, unified diff) pairs, one per file.

    A moved file is listed under its new path. Raises PatchFormatError.
    """
    return [(item.final_path, file_patch_diff(item)) for item in parse_patch(text)]

