"""Building unified diffs: from old and new text, from hunk lists, for new files.

Diffs are split into lines on `\\n` only, like the JSONL reader, so a U+2028
inside a line stays inside it. A last line without a newline is followed
by the standard `\\ No newline at end of file` marker. Paths are written in
the headers as given, without `a/` and `b/` prefixes.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DEV_NULL = "/dev/null"
NO_NEWLINE = "\\ No newline at end of file"

# Context lines around each change, as in `diff -u` and `git diff`.
CONTEXT_LINES = 3


@dataclass(frozen=True, slots=True)
class Hunk:
    """One hunk: where it starts in the old and new file, and its prefixed lines."""

    old_start: int
    new_start: int
    lines: tuple[str, ...]
    """Lines that start with ' ', '-' or '+', or a `\\` marker line."""
    section: str = ""
    """Text after the closing `@@`, such as the enclosing function."""


def split_lines(text: str) -> list[str]:
    """Split text into lines that keep their `\\n`. Only the last line may lack it."""
    if not text:
        return []
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


def _terminate(lines: Iterable[str]) -> str:
    """Join diff lines, adding the no-newline marker after a line without `\\n`."""
    out: list[str] = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n")
            out.append(NO_NEWLINE + "\n")
    return "".join(out)


def diff_texts(old: str, new: str, path: str, *, new_path: str | None = None) -> str:
    """Return the unified diff that turns `old` into `new` ("" when they are equal)."""
    return _terminate(difflib.unified_diff(
        split_lines(old), split_lines(new),
        fromfile=path, tofile=new_path or path, n=CONTEXT_LINES,
    ))


def new_file_diff(content: str, path: str) -> str:
    """Return the diff that creates `path` with `content`, from /dev/null."""
    lines = split_lines(content)
    header = f"--- {DEV_NULL}\n+++ {path}\n"
    if not lines:
        return header
    return header + f"@@ -0,0 +1,{len(lines)} @@\n" + _terminate("+" + line for line in lines)


def deleted_file_diff(path: str, content: str | None = None) -> str:
    """Return the diff that deletes `path`, with headers only when the content is unknown."""
    header = f"--- {path}\n+++ {DEV_NULL}\n"
    lines = split_lines(content or "")
    if not lines:
        return header
    return header + f"@@ -1,{len(lines)} +0,0 @@\n" + _terminate("-" + line for line in lines)


def _range(start: int, count: int) -> str:
    # `diff -u` writes a range of one line as a bare number.
    return str(start) if count == 1 else f"{start},{count}"


def hunks_diff(old_path: str, new_path: str, hunks: Sequence[Hunk]) -> str:
    """Return a diff from hunks, counting each hunk's lines from its own lines.

    Counts declared by a source are not trusted: a hunk whose header does
    not match its lines is rejected by diff parsers, so they are recounted.
    """
    out = [f"--- {old_path}\n", f"+++ {new_path}\n"]
    for hunk in hunks:
        old_count = sum(1 for line in hunk.lines if line[:1] in (" ", "-"))
        new_count = sum(1 for line in hunk.lines if line[:1] in (" ", "+"))
        old_start = hunk.old_start if old_count else max(hunk.old_start - 1, 0)
        new_start = hunk.new_start if new_count else max(hunk.new_start - 1, 0)
        section = f" {hunk.section}" if hunk.section else ""
        out.append(f"@@ -{_range(old_start, old_count)} +{_range(new_start, new_count)} @@{section}\n")
        for line in hunk.lines:
            out.append(line if line.endswith("\n") else line + "\n")
    return "".join(out)


def structured_patch_diff(path: str, structured_patch: Sequence[dict[str, object]]) -> str:
    """Return a diff from Claude Code's `structuredPatch` hunks.

    Each hunk is {oldStart, oldLines, newStart, newLines, lines}, where the
    lines already carry their ' ', '-' or '+' prefix and no newline.
    """
    hunks: list[Hunk] = []
    for item in structured_patch:
        if not isinstance(item, dict):
            continue
        raw_lines = item.get("lines")
        if not isinstance(raw_lines, list):
            continue
        lines = tuple(
            str(line) if str(line)[:1] in (" ", "-", "+", "\\") else " " + str(line)
            for line in raw_lines
        )
        hunks.append(Hunk(_int(item.get("oldStart"), 1), _int(item.get("newStart"), 1), lines))
    return hunks_diff(path, path, hunks)


def _int(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def snippet_diff(old: str, new: str, path: str) -> str:
    """Return a diff of an edited snippet when the rest of the file is unknown.

    NOTE: line numbers in the hunk headers count from the start of the
    snippet, not of the file, because the file's content is not recorded.
    """
    diff = diff_texts(old, new, path)
    return diff or f"--- {path}\n+++ {path}\n"


def labelled(diff: str, label: str) -> str:
    """Put a `# label` comment line above a diff. Diff parsers skip it as preamble."""
    return f"# {' '.join(label.split())}\n{diff}"


def replacements_diff(path: str, replacements: Sequence[tuple[str, str]]) -> str:
    """Return one hunk per (old, new) snippet replacement of a file whose content is unknown.

    NOTE: the hunks are numbered as if each followed the previous one, from
    line 1, because the file's content and the snippets' places are not recorded.
    """
    hunks: list[Hunk] = []
    old_line = new_line = 1
    for old, new in replacements:
        removed = ["-" + line.rstrip("\n") for line in split_lines(old)]
        added = ["+" + line.rstrip("\n") for line in split_lines(new)]
        if not removed and not added:
            continue
        hunks.append(Hunk(old_line, new_line, tuple(removed + added)))
        old_line += len(removed)
        new_line += len(added)
    return hunks_diff(path, path, hunks)


def rewritten_file_diff(content: str, path: str) -> str:
    """Return a diff that shows a whole file's new content when its old content is unknown."""
    lines = split_lines(content)
    diff = f"--- {path}\n+++ {path}\n"
    if lines:
        diff += f"@@ -0,0 +1,{len(lines)} @@\n" + _terminate("+" + line for line in lines)
    return labelled(diff, "The previous content was not recorded, so the whole new content is shown as added.")
