"""Parse unified diffs from agent histories into files, hunks and lines.

The text is untrusted and often malformed, so `parse_diff` never raises. The
input is split into one chunk per file first, and each chunk is parsed by
`unidiff`. A chunk that `unidiff` rejects becomes a `DiffFile` with its raw
text and a `warning`, and the other files are still parsed.

What the splitting and the clean-up around `unidiff` 1.0.1 add:

* Lines are split on "\\n" only. `str.splitlines()` also splits on "\\r",
  U+2028, U+0085 and others, and a bare CR inside a changed line then makes
  `unidiff` raise "Hunk diff line expected".
* A CR before "\\n" (CRLF diffs, or CRLF files in an LF diff) is dropped, so
  header fields and displayed lines carry no stray CR.
* A hunk with no "---"/"+++" header, the shape agents store for one edit,
  gets headers from the caller's `file_path`.
* Git's C-quoted paths ("a/Bug \\346\\216\\222.md") are decoded as UTF-8, and
  "rename from"/"rename to" lines name the old and new paths.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from unidiff import PatchSet
from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchedFile

from shadow_tui.render.diff_groups import hunk_groups
from shadow_tui.render.diff_paths import (
    DEV_NULL,
    git_extended_header,
    strip_prefix,
    unquote_git_path,
)
from shadow_tui.render.hunk_convert import convert_hunk, count_kind
from shadow_tui.render.hunk_lines import DiffLine, Hunk, HunkList, LineKind, LineStore
from shadow_tui.render.diff_split import (
    HUNK_HEADER,
    FileChunk,
    count_changes,
    diff_stats,
    TextLines,
    split_files,
)

__all__ = [
    "DiffFile",
    "DiffKind",
    "DiffLine",
    "Hunk",
    "LineKind",
    "ParsedDiff",
    "diff_stats",
    "parse_diff",
    "paths_from_headers",
]

logger = logging.getLogger(__name__)

DiffKind = Literal["added", "deleted", "renamed", "modified", "binary"]

# Placeholder names for a headerless hunk. The path comes from the caller.
_PLACEHOLDER_OLD = "--- a/file"
_PLACEHOLDER_NEW = "+++ b/file"


@dataclass(frozen=True, slots=True)
class DiffFile:
    """The change to one file.

    `path` is the new path, or the old one for a deleted file, and is empty
    when the diff names no file and the caller gave none. When `warning` is
    set, the file could not be parsed: `hunks` is empty and `raw` is the text
    to show. `added` and `removed` count changed lines, not "\\ No newline"
    markers.
    """

    path: str
    old_path: str | None
    new_path: str | None
    kind: DiffKind
    added: int
    removed: int
    hunks: Sequence[Hunk]
    """The hunks: a `HunkList` when parsed, which makes each `Hunk` when it is read."""
    warning: str | None
    raw: str


@dataclass(frozen=True, slots=True)
class ParsedDiff:
    """The files of a diff and the warnings found while parsing it."""

    files: list[DiffFile]
    warnings: list[str] = field(default_factory=list)


def parse_diff(text: str, file_path: str | None = None) -> ParsedDiff:
    """Parse a unified diff (git or plain) into files, hunks and lines.

    `file_path` names the file of a hunk that has no "---"/"+++" header.
    Never raises: a file that cannot be parsed carries a `warning` and its
    raw text, and text with no diff in it becomes one such file.
    """
    # The lines are cut from the text when read: a list of the 100,000 lines
    # of the benchmark's diff took about 10 MB while the parse ran (tracemalloc).
    lines = TextLines(text)
    chunks = split_files(lines)
    # A file that is the whole text keeps that text as its `raw`, without a copy.
    whole = len(chunks) == 1 and len(chunks[0].lines) == len(lines) and "\r" not in text
    files: list[DiffFile] = []
    for chunk in chunks:
        files.extend(_parse_chunk(chunk, file_path, text if whole else None))

    if not files and text.strip():
        files.append(
            _fallback_file(
                lines,
                file_path,
                "No file header or hunk header was found, so this is not a unified diff.",
            )
        )

    warnings = [f"{diff_file.path or 'diff'}: {diff_file.warning}" for diff_file in files if diff_file.warning]
    return ParsedDiff(files=files, warnings=warnings)


def _parse_chunk(chunk: FileChunk, file_path: str | None, whole_text: str | None) -> list[DiffFile]:
    """Parse one chunk with unidiff, or return it raw with a warning.

    `whole_text` is the diff text when the chunk is all of it, without CRs.
    """
    try:
        return _parse_chunk_with_unidiff(chunk, file_path, whole_text)
    except UnidiffParseError as error:
        return [_fallback_file(chunk.lines, file_path, f"The diff could not be parsed ({_describe(error)}).")]
    except Exception as error:  # noqa: BLE001 - a bug here must not hide the text
        logger.warning("Parsing a diff chunk of %d lines failed", len(chunk.lines), exc_info=True)
        return [_fallback_file(chunk.lines, file_path, f"The diff could not be parsed ({_describe(error)}).")]


def _parse_chunk_with_unidiff(chunk: FileChunk, file_path: str | None, whole_text: str | None) -> list[DiffFile]:
    fed = [_PLACEHOLDER_OLD, _PLACEHOLDER_NEW, *chunk.lines] if chunk.headerless else chunk.lines
    # The placeholder headers come before the chunk's lines in `fed`.
    placeholders = 2 if chunk.headerless else 0
    raw = whole_text if whole_text is not None else "\n".join(chunk.lines)
    groups = hunk_groups(fed)
    if groups is not None:
        files = _parse_groups(chunk, fed, groups, file_path, _line_store(raw, chunk), placeholders)
        if files is not None:
            return files

    patch = PatchSet([line + "\n" for line in fed])
    if len(patch) == 0:
        return [_fallback_file(chunk.lines, file_path, "No file header or hunk header was found.")]

    stray = _stray_change_line(fed, patch)
    if stray is not None:
        return [_fallback_file(chunk.lines, file_path, _stray_warning(stray))]

    store = _line_store(raw, chunk)

    def position(diff_line_no: int) -> int:
        return diff_line_no - 1 - placeholders

    return [
        _convert_file(patched, fed, raw, chunk.headerless, file_path, store=store, position=position)
        for patched in patch
    ]


def _line_store(raw: str, chunk: FileChunk) -> LineStore:
    return LineStore(raw, [len(line) for line in chunk.lines])


def _stray_warning(stray: str) -> str:
    shown = stray if len(stray) <= 80 else stray[:79] + "…"
    return f"Line {shown!r} lies outside every hunk, so a hunk header gives wrong line counts."


def _parse_groups(
    chunk: FileChunk, fed: Sequence[str], groups: list[tuple[int, int]], file_path: str | None, store: LineStore,
    placeholders: int,
) -> list[DiffFile] | None:
    """Parse a long file one group of hunks at a time, each under the file's header lines.

    Returns None when a group does not read as one file, so that the caller
    parses the file at once.

    unidiff keeps several objects per diff line. On the benchmark's
    100,000-line diff, parsing in groups lowered the peak of Python
    allocations (tracemalloc) from 56 MB to 41 MB above those before the parse.
    """
    header = fed[: groups[0][0]]
    hunks = HunkList(store)
    first_file: PatchedFile | None = None
    for start, end in groups:
        group_fed = header + fed[start:end]
        patch = PatchSet([line + "\n" for line in group_fed])
        if len(patch) != 1:
            return None
        stray = _stray_change_line(group_fed, patch)
        if stray is not None:
            return [_fallback_file(chunk.lines, file_path, _stray_warning(stray))]
        patched = patch[0]
        first_file = first_file or patched

        def position(diff_line_no: int, start: int = start) -> int:
            # Line n of `group_fed` is header line n, or line start + n - len(header) of `fed`.
            index = diff_line_no - 1
            fed_index = index if index < len(header) else start + index - len(header)
            return fed_index - placeholders

        for hunk in patched:
            convert_hunk(hunk, group_fed, hunks, position)
    assert first_file is not None
    return [_convert_file(first_file, fed, store.text, chunk.headerless, file_path, hunks=hunks)]


def _describe(error: Exception) -> str:
    """Shorten an error message, which may quote a whole diff line."""
    message = str(error).strip() or type(error).__name__
    return message if len(message) <= 120 else message[:119] + "…"


def _stray_change_line(fed: Sequence[str], patch: PatchSet) -> str | None:
    """Return the first "+"/"-" line that no hunk holds, or None.

    `unidiff` stops a hunk after the number of lines its header gives and
    files any further lines as metadata, so a hunk that is longer than its
    header says would lose changed lines without an error.
    """
    used: set[int] = set()
    for patched in patch:
        for hunk in patched:
            for line in hunk:
                if line.diff_line_no is not None:
                    used.add(line.diff_line_no)

    seen_hunk = False
    for number, line in enumerate(fed, start=1):
        if HUNK_HEADER.match(line):
            seen_hunk = True
            continue
        if line.startswith("diff "):
            seen_hunk = False
            continue
        if not seen_hunk or number in used:
            continue
        if line == "-- ":
            # The signature separator of `git format-patch` output.
            return None
        if line.startswith(("--- ", "+++ ")):
            continue
        if line.startswith(("+", "-")):
            return line
    return None


def _convert_file(
    patched: PatchedFile,
    fed: Sequence[str],
    raw: str,
    headerless: bool,
    file_path: str | None,
    *,
    hunks: HunkList | None = None,
    store: LineStore | None = None,
    position: Callable[[int], int] | None = None,
) -> DiffFile:
    """Convert a unidiff file; `hunks` replaces the hunks of `patched` when given.

    Without `hunks`, the lines of `patched` go into `store`, and `position`
    maps a unidiff `diff_line_no` to the index of that line in the store's text.
    """
    info_lines = [line.rstrip("\n") for line in (patched.patch_info or [])]
    header = git_extended_header(info_lines)

    # unidiff splits "diff --git a/x b/y b/x b/y" at the wrong space, so the
    # paths of a git file come from git_extended_header.
    old_path: str | None
    new_path: str | None
    if header.git_paths is not None:
        old_path, new_path = header.git_paths
    else:
        old_path = strip_prefix(unquote_git_path(patched.source_file), "a/")
        new_path = strip_prefix(unquote_git_path(patched.target_file), "b/")
    if patched.source_file == DEV_NULL:
        old_path = None
    if patched.target_file == DEV_NULL:
        new_path = None
    if header.rename_from is not None:
        old_path = header.rename_from
    if header.rename_to is not None:
        new_path = header.rename_to
    if headerless:
        old_path = file_path
        new_path = file_path

    if hunks is None:
        if store is None or position is None:
            raise ValueError("_convert_file needs either the hunks or a store and a position mapping")
        hunks = HunkList(store)
        for hunk in patched:
            convert_hunk(hunk, fed, hunks, position)
    added = sum(count_kind(hunk.lines, "added") for hunk in hunks)
    removed = sum(count_kind(hunk.lines, "removed") for hunk in hunks)

    kind: DiffKind
    if patched.is_binary_file or header.binary_patch:
        kind = "binary"
    elif patched.source_file == DEV_NULL:
        kind = "added"
    elif patched.target_file == DEV_NULL:
        kind = "deleted"
    elif header.rename_from is not None or header.rename_to is not None:
        kind = "renamed"
    elif not header.is_git and old_path != new_path and not headerless:
        # NOTE: a plain diff between "x.orig" and "x" also counts as a rename,
        # because its headers cannot tell a rename from a backup copy.
        kind = "renamed"
    elif hunks and hunks[0].old_start == 0 and all(hunk.old_length == 0 for hunk in hunks):
        kind = "added"
    else:
        kind = "modified"

    path = new_path or old_path or file_path or ""
    return DiffFile(
        path=path,
        old_path=old_path,
        new_path=new_path,
        kind=kind,
        added=added,
        removed=removed,
        hunks=hunks,
        warning=None,
        raw=raw,
    )


def _fallback_file(lines: Sequence[str], file_path: str | None, reason: str) -> DiffFile:
    """Build an unparsed file that shows its raw text under a warning."""
    old_path, new_path = paths_from_headers(lines)
    path = new_path or old_path or file_path or ""
    added, removed = count_changes(lines)
    logger.info("Showing a diff of %r as raw text: %s", path, reason)
    return DiffFile(
        path=path,
        old_path=old_path if old_path is not None else file_path,
        new_path=new_path if new_path is not None else file_path,
        kind="modified",
        added=added,
        removed=removed,
        hunks=[],
        warning=f"{reason} Showing the raw text.",
        raw="\n".join(lines),
    )


def paths_from_headers(lines: Sequence[str]) -> tuple[str | None, str | None]:
    """Find the old and new paths in the file headers of a chunk, if any."""
    header = git_extended_header(lines)
    old_path = header.rename_from
    new_path = header.rename_to
    for line in lines:
        if HUNK_HEADER.match(line):
            break
        if old_path is None and line.startswith("--- "):
            value = line[4:].split("\t", 1)[0]
            if value != DEV_NULL:
                old_path = strip_prefix(unquote_git_path(value), "a/")
        elif new_path is None and line.startswith("+++ "):
            value = line[4:].split("\t", 1)[0]
            if value != DEV_NULL:
                new_path = strip_prefix(unquote_git_path(value), "b/")
    if old_path is None and new_path is None and header.git_paths is not None:
        old_path, new_path = header.git_paths
    return old_path, new_path
