"""Tests for the chunked diff document (diff_lazy) and the quick file summaries (diff_summary)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rich.text import Text

from shadow_tui.render.diff_document import render_diff
from shadow_tui.render.diff_lazy import CHUNK_ROWS, MAX_CACHED_CHUNKS, DiffDocument
from shadow_tui.render.diff_parse import parse_diff
from shadow_tui.render.diff_split import TextLines, split_diff_lines
from shadow_tui.render.diff_summary import summarize_diff
from shadow_tui.render.highlight import shutdown_highlighter

SMALL = (
    "diff --git a/app.py b/app.py\n"
    "--- a/app.py\n"
    "+++ b/app.py\n"
    "@@ -1,3 +1,3 @@ def main():\n"
    " import os\n"
    "-value = compute(alpha, beta)\n"
    "+value = compute(alpha, gamma)\n"
    " print(value)\n"
    "@@ -20,3 +20,4 @@\n"
    " a = 1\n"
    "-b = 2\n"
    "+b = 3\n"
    "+c = 4\n"
    " d\tx = 5\n"
    "\\ No newline at end of file\n"
)
MALFORMED = "@@ -1,2 +1,2 @@\n-only one line\n+x\n+y\n+z\ngarbage [/ here\n"
BINARY = "diff --git a/logo.png b/logo.png\nBinary files a/logo.png and b/logo.png differ\n"


def large_diff(hunks: int, path: str = "src/tables.py") -> str:
    """Return a well-formed diff of one file: `hunks` hunks of 3 context, 2 removed and 3 added lines."""
    lines = [f"--- a/{path}", f"+++ b/{path}"]
    old = 1
    new = 1
    for number in range(hunks):
        lines.append(f"@@ -{old},5 +{new},6 @@ def table_{number}():")
        lines.append(f"    first_{number} = lookup('a', {number})")
        lines.append(f"-    old_{number} = lookup('b', {number})")
        lines.append(f"-    gone_{number} = 'é' * {number}")
        lines.append(f"+    old_{number} = cached_lookup('b', {number})")
        lines.append(f"+    new_{number} = '日本' * {number}")
        lines.append(f"+    extra_{number} = {number}")
        lines.append(f"    second_{number} = lookup('c', {number})")
        lines.append(f" \tthird_{number} = None")
        old += 5 + 40
        new += 6 + 40
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module", autouse=True)
def stop_lexer_process() -> Iterator[None]:
    yield
    shutdown_highlighter()


@pytest.mark.parametrize("side_by_side", [False, True])
def test_small_document_equals_eager(side_by_side: bool) -> None:
    files = parse_diff(SMALL + BINARY + MALFORMED).files
    eager = render_diff(files, side_by_side=side_by_side, width=130, highlight=True)
    document = DiffDocument(files, side_by_side=side_by_side, width=130, highlight=True)
    assert document.line_count == len(eager.lines)
    assert document.file_starts == eager.file_starts
    assert document.hunk_starts == eager.hunk_starts
    assert document.width_hint == max(line.cell_len for line in eager.lines)
    document.render_chunk((0, 0))
    for index, expected in enumerate(eager.lines):
        assert document.line(index) == expected, index
        assert document.plain(index) == expected.plain, index


@pytest.mark.parametrize("side_by_side", [False, True])
def test_large_document_lines_equal_eager(side_by_side: bool) -> None:
    # Unhighlighted, so the chunks compare with the eager renderer line for line.
    files = parse_diff(large_diff(600)).files
    eager = render_diff(files, side_by_side=side_by_side, width=140, highlight=False)
    document = DiffDocument(files, side_by_side=side_by_side, width=140, highlight=False)
    assert document.line_count == len(eager.lines) > 4 * CHUNK_ROWS
    assert document.hunk_starts == eager.hunk_starts
    assert document.width_hint == max(line.cell_len for line in eager.lines)
    for index, expected in enumerate(eager.lines):
        assert document.plain(index) == expected.plain, index
        # Before its chunk is rendered a line has no word marks, only the same text.
        assert document.line(index).plain == expected.plain, index

    far = document.line_count - 3
    key = document.chunk_key(far)
    assert key == (0, (far - 1) // CHUNK_ROWS)
    assert not document.is_rendered(far)
    document.render_chunk(key)
    assert document.is_rendered(far)
    assert document.line(far) == eager.lines[far]

    for start in range(1, document.line_count, CHUNK_ROWS):
        document.render_chunk(document.chunk_key(start) or (0, 0))
        for index in range(start, min(start + CHUNK_ROWS, document.line_count)):
            assert document.line(index) == eager.lines[index], index


def test_unrendered_line_requests_chunk() -> None:
    document = DiffDocument(parse_diff(large_diff(600)).files, width=120, highlight=True)
    requested: list[tuple[int, int]] = []
    document.on_missing = requested.append
    index = 3 * CHUNK_ROWS + 5
    document.plain(index)
    assert requested == []
    document.line(index)
    assert requested == [(0, 3)]
    document.render_chunk((0, 3))
    document.line(index)
    assert requested == [(0, 3)]


def test_rendered_chunk_highlights_python() -> None:
    document = DiffDocument(parse_diff(large_diff(600)).files, width=120, highlight=True)
    index = 2 * CHUNK_ROWS + 2
    uncoloured = document.line(index)
    document.render_chunk(document.chunk_key(index) or (0, 0))
    coloured = document.line(index)
    assert coloured.plain == uncoloured.plain
    assert len(coloured.spans) > len(uncoloured.spans)


def test_chunk_cache_is_bounded() -> None:
    document = DiffDocument(parse_diff(large_diff(2_000)).files, width=120, highlight=False)
    for number in range(MAX_CACHED_CHUNKS + 2):
        document.render_chunk((0, number))
    assert not document.is_rendered(1)
    assert document.is_rendered(1 + (MAX_CACHED_CHUNKS + 1) * CHUNK_ROWS)


def test_document_hunk_starts_land_on_headers() -> None:
    document = DiffDocument(parse_diff(large_diff(600) + SMALL).files, width=120, highlight=False)
    assert len(document.hunk_starts) == 602
    for start in document.hunk_starts:
        assert document.plain(start).startswith("@@ -"), start
    assert document.plain(document.file_starts[1]).startswith("app.py")


def test_malformed_large_diff_shows_raw_lines() -> None:
    text = large_diff(600)
    truncated = text[: text.rindex("\n", 0, len(text) - 1) + 1]
    [file] = parse_diff(truncated).files
    assert file.warning is not None
    document = DiffDocument([file], width=120)
    raw = truncated.split("\n")[:-1]
    assert document.line_count == 2 + len(raw)
    assert document.hunk_starts == []
    assert document.line(1).plain.startswith("⚠ ")
    assert document.plain(2) == "--- a/src/tables.py"
    assert document.plain(document.line_count - 1) == raw[-1].expandtabs(4)
    assert document.chunk_key(document.line_count - 1) is None
    assert document.is_rendered(document.line_count - 1)


def test_crlf_raw_lines_drop_cr() -> None:
    [file] = parse_diff("@@ -1,2 +1,2 @@\r\n-a\r\n+b\r\n+c\r\n").files
    assert file.warning is not None
    document = DiffDocument([file])
    assert [document.plain(index) for index in range(2, document.line_count)] == ["@@ -1,2 +1,2 @@", "-a", "+b", "+c"]


def test_side_by_side_needs_width() -> None:
    with pytest.raises(ValueError, match="width"):
        DiffDocument(parse_diff(SMALL).files, side_by_side=True)


def test_line_outside_document_raises() -> None:
    document = DiffDocument(parse_diff(SMALL).files)
    with pytest.raises(IndexError, match="outside"):
        document.line(document.line_count)


def test_document_line_is_a_copy() -> None:
    document = DiffDocument(parse_diff(SMALL).files, highlight=False)
    document.render_chunk((0, 0))
    document.line(2).stylize("bold")
    assert document.line(2) == render_diff(parse_diff(SMALL), highlight=False).lines[2]
    assert isinstance(document.line(2), Text)


# --- summaries ---------------------------------------------------------------


SUMMARY_CASES = {
    "git, two hunks": (SMALL, None),
    "added": ("diff --git a/n.md b/n.md\nnew file mode 100644\n--- /dev/null\n+++ b/n.md\n@@ -0,0 +1,2 @@\n+# N\n+t\n", None),
    "deleted": ("diff --git a/o.txt b/o.txt\ndeleted file mode 100644\n--- a/o.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n", None),
    "renamed": ("diff --git a/a.txt b/b.txt\nsimilarity index 100%\nrename from a.txt\nrename to b.txt\n", None),
    "binary": (BINARY, None),
    "plain rename": ("--- x.orig\n+++ x\n@@ -1 +1 @@\n-a\n+b\n", None),
    "headerless": ("@@ -1,2 +1,2 @@\n a\n-b\n+c\n", "given.py"),
    "headerless added": ("@@ -0,0 +1,2 @@\n+a\n+b\n", "new.py"),
    "two files": (SMALL + "diff --git a/b.py b/b.py\n--- a/b.py\n+++ b/b.py\n@@ -1 +1 @@\n-x\n+y\n", None),
    "removed dashes": ("--- a/s.sql\n+++ b/s.sql\n@@ -1,2 +1,1 @@\n--- old comment\n keep\n", None),
    "empty": ("", "empty.txt"),
    "not a diff": ("just some text\n", "notes.txt"),
    "large": (large_diff(300), None),
}


@pytest.mark.parametrize("case", sorted(SUMMARY_CASES))
def test_summary_matches_parse(case: str) -> None:
    text, file_path = SUMMARY_CASES[case]
    summaries = summarize_diff(text, file_path)
    parsed = parse_diff(text, file_path).files
    expected = [(file.path, file.kind, file.added, file.removed) for file in parsed] or [
        (file_path or "", "modified", 0, 0)
    ]
    assert [(summary.path, summary.kind, summary.added, summary.removed) for summary in summaries] == expected
    assert all(summary.warning is None for summary in summaries)


def test_summary_keeps_raw_lines() -> None:
    [summary] = summarize_diff("--- a/t.py\n+++ b/t.py\n@@ -1 +1 @@\n-a\tb\r\n+日本\n", None)
    assert list(summary.lines) == ["--- a/t.py", "+++ b/t.py", "@@ -1 +1 @@", "-a\tb", "+日本"]
    assert summary.widest == 11


# --- parsing long files in groups of hunks ------------------------------------


ONE_LONG_HUNK = "--- a/big.txt\n+++ b/big.txt\n@@ -1,6000 +1,6000 @@\n" + "".join(f" line {n}\n" for n in range(6000))


@pytest.mark.parametrize(
    ("text", "hunks"),
    [
        ("diff --git a/src/tables.py b/src/tables.py\nindex 1..2 100644\n" + large_diff(1_200), 1_200),
        (ONE_LONG_HUNK + large_diff(700, "big.txt").split("\n", 2)[2].replace("@@ -1,", "@@ -9001,", 1), 701),
    ],
)
def test_grouped_parse_equals_whole(text: str, hunks: int, monkeypatch: pytest.MonkeyPatch) -> None:
    grouped = parse_diff(text)
    monkeypatch.setattr("shadow_tui.render.diff_groups.PARSE_GROUP_LINES", 10**9)
    whole = parse_diff(text)
    assert grouped == whole
    assert len(grouped.files[0].hunks) == hunks


def test_grouped_parse_reports_short_hunk(monkeypatch: pytest.MonkeyPatch) -> None:
    text = large_diff(1_200)
    truncated = text[: text.rindex("\n", 0, len(text) - 1) + 1]
    grouped = parse_diff(truncated)
    monkeypatch.setattr("shadow_tui.render.diff_groups.PARSE_GROUP_LINES", 10**9)
    assert grouped == parse_diff(truncated)
    assert "Hunk is shorter than expected" in (grouped.files[0].warning or "")


def test_grouped_parse_reports_stray_line(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = large_diff(1_200).split("\n")
    lines.insert(len(lines) // 2 + 3, "+stray")
    text = "\n".join(lines)
    grouped = parse_diff(text)
    monkeypatch.setattr("shadow_tui.render.diff_groups.PARSE_GROUP_LINES", 10**9)
    assert grouped == parse_diff(text)
    assert grouped.files[0].warning is not None


def test_chunk_keys_of_a_range() -> None:
    document = DiffDocument(parse_diff(large_diff(600) + SMALL).files, highlight=False)
    assert document.chunk_keys(0, 1) == []
    assert document.chunk_keys(0, 50) == [(0, 0)]
    assert document.chunk_keys(CHUNK_ROWS - 5, CHUNK_ROWS + 5) == [(0, 0), (0, 1)]
    last_file = document.file_starts[1]
    assert document.chunk_keys(last_file - 1, last_file + 3)[-1] == (1, 0)


@pytest.mark.parametrize("text", ["a\nb\r\n\nc", "a\nb\r\n\nc\n", "", "\n", "x\r\n\r\n"])
def test_text_lines_equal_split(text: str) -> None:
    lines = TextLines(text)
    expected = split_diff_lines(text)
    assert len(lines) == len(expected)
    assert list(lines) == expected
    assert lines[1:] == expected[1:]
    if expected:
        assert lines[-1] == expected[-1]
    with pytest.raises(IndexError, match="outside"):
        lines[len(expected)]
