"""Parsed hunks kept as arrays: the same hunks and lines as plain objects, in every shape of line."""

from __future__ import annotations

import pytest

from shadow_tui.render.diff_parse import DiffLine, Hunk, parse_diff
from shadow_tui.render.hunk_lines import HunkLines, HunkList, LineStore


def test_lines_read_back_from_store() -> None:
    diff = (
        "--- a/x.py\n+++ b/x.py\n"
        "@@ -1,3 +1,3 @@ def f():\n a\n-b\n+c\n\n"
        "\\ No newline at end of file\n"
    )
    [file] = parse_diff(diff).files
    [hunk] = file.hunks
    assert isinstance(file.hunks, HunkList)
    assert isinstance(hunk.lines, HunkLines)
    assert hunk.header == "@@ -1,3 +1,3 @@ def f():"
    assert hunk.section == "def f():"
    assert (hunk.old_start, hunk.old_length, hunk.new_start, hunk.new_length) == (1, 3, 1, 3)
    assert list(hunk.lines) == [
        DiffLine("context", 1, 1, "a"),
        DiffLine("removed", 2, None, "b"),
        DiffLine("added", None, 2, "c"),
        DiffLine("context", 3, 3, ""),
        DiffLine("no_newline", None, None, "\\ No newline at end of file"),
    ]
    assert hunk.lines[-1].kind == "no_newline"
    assert hunk.lines[1:3] == [DiffLine("removed", 2, None, "b"), DiffLine("added", None, 2, "c")]
    assert hunk.lines.count_kind("added") == 1
    assert list(hunk.lines.texts()) == ["a", "b", "c", "", "\\ No newline at end of file"]
    assert (file.added, file.removed) == (1, 1)


def test_hunks_compare_equal_to_plain_objects() -> None:
    [file] = parse_diff("@@ -1 +1 @@\n-a\n+b\n", "x.txt").files
    expected = Hunk("@@ -1 +1 @@", 1, 1, 1, 1, "", [DiffLine("removed", 1, None, "a"), DiffLine("added", None, 1, "b")])
    assert file.hunks == [expected]
    assert file.hunks[0] == expected
    assert file.hunks[-1] == expected
    with pytest.raises(IndexError):
        file.hunks[1]


def test_large_line_numbers_kept_whole() -> None:
    big = 2**40
    [file] = parse_diff(f"--- a/x\n+++ b/x\n@@ -{big},2 +{big},2 @@\n a\n-b\n+c\n").files
    [hunk] = file.hunks
    assert hunk.old_start == big
    assert list(hunk.lines) == [
        DiffLine("context", big, big, "a"),
        DiffLine("removed", big + 1, None, "b"),
        DiffLine("added", None, big + 1, "c"),
    ]


def test_line_number_zero_kept() -> None:
    # A malformed header that starts at line 0 gives context lines number 0, which the arrays cannot store as such.
    [file] = parse_diff("--- a/x\n+++ b/x\n@@ -0,2 +0,2 @@\n a\n b\n").files
    assert [(line.old_number, line.new_number) for line in file.hunks[0].lines] == [(0, 0), (1, 1)]


def test_crlf_and_long_file_groups() -> None:
    body = "".join(f"@@ -{n * 10 + 1},2 +{n * 10 + 1},2 @@\r\n line {n}\r\n-old {n}\r\n+new {n}\r\n" for n in range(3000))
    [file] = parse_diff("--- a/x\r\n+++ b/x\r\n" + body).files
    assert file.warning is None
    assert len(file.hunks) == 3000
    assert file.hunks[2999].header == "@@ -29991,2 +29991,2 @@"
    assert list(file.hunks[2999].lines) == [
        DiffLine("context", 29991, 29991, "line 2999"),
        DiffLine("removed", 29992, None, "old 2999"),
        DiffLine("added", None, 29992, "new 2999"),
    ]
    assert (file.added, file.removed) == (3000, 3000)


def test_store_keeps_mismatched_lines() -> None:
    store = LineStore("+a\n-b", [2, 2])
    store.append("added", None, 1, "a", 0)
    store.append("removed", 1, None, "other", 1)
    store.append("context", 2, 2, "z", None)
    store.append("context", 3, 3, "y", 9)
    lines = HunkLines(store, 0, 4)
    assert list(lines) == [
        DiffLine("added", None, 1, "a"),
        DiffLine("removed", 1, None, "other"),
        DiffLine("context", 2, 2, "z"),
        DiffLine("context", 3, 3, "y"),
    ]
    with pytest.raises(ValueError, match="outside"):
        HunkLines(store, 3, 5)
