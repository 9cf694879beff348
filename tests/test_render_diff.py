"""Tests for diff parsing (diff_parse) and diff rendering (diff_view, diff_document)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.style import Style
from rich.text import Text

from shadow_tui.render.diff_document import next_start, previous_start, render_diff
from shadow_tui.render.diff_parse import DiffFile, diff_stats, parse_diff
from shadow_tui.render.diff_paths import unquote_git_path
from shadow_tui.render.diff_view import (
    BINARY_MESSAGE,
    DEFAULT_DIFF_THEME,
    hunk_starts,
    render_side_by_side,
    render_unified,
)
from shadow_tui.render.highlight import shutdown_highlighter

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

TWO_HUNKS = (
    "diff --git a/app.py b/app.py\n"
    "index 1111111..2222222 100644\n"
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
    " d = 5\n"
)


@pytest.fixture(scope="module", autouse=True)
def stop_lexer_process() -> Iterator[None]:
    yield
    shutdown_highlighter()


def only_file(text: str, file_path: str | None = None) -> DiffFile:
    parsed = parse_diff(text, file_path)
    assert len(parsed.files) == 1
    return parsed.files[0]


def has_raw_control(line: Text) -> bool:
    return any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F for char in line.plain)


# --- parsing: cases that unidiff alone gets wrong ---------------------------


def test_parse_bare_cr_and_esc_in_line() -> None:
    text = "--- a/f.txt\n+++ b/f.txt\n@@ -1 +1 @@\n-norm R\n+norm R\rdoo\x1bbdeu\n"
    diff_file = only_file(text)
    added = [line for line in diff_file.hunks[0].lines if line.kind == "added"]
    assert diff_file.warning is None
    assert added[0].text == "norm R\rdoo\x1bbdeu"
    assert (diff_file.added, diff_file.removed) == (1, 1)


def test_render_bare_cr_and_esc_visible() -> None:
    text = "--- a/f.txt\n+++ b/f.txt\n@@ -1 +1 @@\n-norm R\n+norm R\rdoo\x1bbdeu\n"
    lines = render_unified(only_file(text), highlight=False)
    assert lines[2].plain.endswith("norm R␍doo␛bdeu")
    assert not any(has_raw_control(line) for line in lines)


def test_parse_headerless_hunk_uses_file_path() -> None:
    diff_file = only_file("@@ -1,2 +1,2 @@\n a\n-b\n+c\n", file_path="src/edit.py")
    assert diff_file.path == "src/edit.py"
    assert diff_file.kind == "modified"
    assert diff_file.warning is None
    assert [line.kind for line in diff_file.hunks[0].lines] == ["context", "removed", "added"]
    assert diff_file.hunks[0].lines[2].new_number == 2


def test_parse_headerless_hunk_without_path() -> None:
    diff_file = only_file("@@ -1,2 +1,2 @@\n a\n-b\n+c\n")
    assert diff_file.path == ""
    assert diff_file.warning is None


def test_parse_short_hunk_keeps_other_files() -> None:
    text = (
        "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n"
        "diff --git a/y.py b/y.py\n--- a/y.py\n+++ b/y.py\n@@ -1 +1 @@\n-p\n+q\n"
    )
    parsed = parse_diff(text)
    short, intact = parsed.files
    assert short.path == "x.py"
    assert short.warning is not None
    assert "shorter" in short.warning
    assert short.hunks == []
    assert "@@ -1,3 +1,3 @@" in short.raw
    assert intact.warning is None
    assert (intact.path, intact.added, intact.removed) == ("y.py", 1, 1)
    assert len(parsed.warnings) == 1


def test_render_short_hunk_raw_with_warning() -> None:
    text = "--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n a\n-b\n"
    lines = render_unified(only_file(text))
    assert lines[0].plain.startswith("⚠ ")
    assert [line.plain for line in lines[1:]] == text.rstrip("\n").split("\n")


def test_parse_long_hunk_not_silently_cut() -> None:
    diff_file = only_file("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n+c\n")
    assert diff_file.warning is not None
    assert "+c" in diff_file.warning
    assert "+c" in diff_file.raw


def test_parse_c_quoted_git_path() -> None:
    text = (
        'diff --git "a/docs/Bug \\346\\216\\222.md" "b/docs/Bug \\346\\216\\222.md"\n'
        "index 1111111..2222222 100644\n"
        '--- "a/docs/Bug \\346\\216\\222.md"\n'
        '+++ "b/docs/Bug \\346\\216\\222.md"\n'
        "@@ -1 +1 @@\n-old\n+new\n"
    )
    diff_file = only_file(text)
    assert diff_file.path == "docs/Bug 排.md"
    assert diff_file.old_path == "docs/Bug 排.md"
    assert diff_file.kind == "modified"


@pytest.mark.parametrize(
    ("quoted", "expected"),
    [
        ('"a\\tb"', "a\tb"),
        ('"a\\nb"', "a\nb"),
        ('"say \\"hi\\""', 'say "hi"'),
        ('"back\\\\slash"', "back\\slash"),
        ('"\\303\\251t\\303\\251"', "été"),
        ("plain name", "plain name"),
    ],
)
def test_unquote_git_path_escapes(quoted: str, expected: str) -> None:
    assert unquote_git_path(quoted) == expected


def test_parse_rename_with_spaces() -> None:
    text = "diff --git a/a b b/a c\nsimilarity index 100%\nrename from a b\nrename to a c\n"
    diff_file = only_file(text)
    assert diff_file.kind == "renamed"
    assert diff_file.old_path == "a b"
    assert diff_file.path == "a c"
    assert render_unified(diff_file)[0].plain == "renamed without content changes"


def test_parse_rename_with_changes() -> None:
    text = (
        "diff --git a/old name.py b/new name.py\nsimilarity index 90%\n"
        "rename from old name.py\nrename to new name.py\n"
        "--- a/old name.py\t\n+++ b/new name.py\t\n@@ -1 +1 @@\n-x\n+y\n"
    )
    diff_file = only_file(text)
    assert diff_file.kind == "renamed"
    assert diff_file.old_path == "old name.py"
    assert diff_file.path == "new name.py"
    assert (diff_file.added, diff_file.removed) == (1, 1)


def test_parse_crlf_strips_cr() -> None:
    text = "--- a/f\r\n+++ b/f\r\n@@ -1,2 +1,2 @@\r\n keep\r\n-x\r\n+y\r\n"
    diff_file = only_file(text)
    assert diff_file.path == "f"
    assert [line.text for line in diff_file.hunks[0].lines] == ["keep", "x", "y"]
    assert all("␍" not in line.plain for line in render_unified(diff_file, highlight=False))


def test_parse_binary_files_differ() -> None:
    diff_file = only_file("diff --git a/x.png b/x.png\nindex 1111111..2222222 100644\nBinary files a/x.png and b/x.png differ\n")
    assert diff_file.kind == "binary"
    assert diff_file.path == "x.png"
    assert [line.plain for line in render_unified(diff_file)] == [BINARY_MESSAGE]


def test_parse_git_binary_patch() -> None:
    text = (
        "diff --git a/y.png b/y.png\nnew file mode 100644\nindex 0000000..1111111\n"
        "GIT binary patch\nliteral 5\nMcmZ?wbaG+<0000\n\nliteral 0\nHcmV?d00001\n\n"
    )
    diff_file = only_file(text)
    assert diff_file.kind == "binary"
    assert diff_file.path == "y.png"
    assert [line.plain for line in render_unified(diff_file)] == [BINARY_MESSAGE]


def test_parse_binary_without_git_header() -> None:
    diff_file = only_file("Binary files old/logo.png and new/logo.png differ\n")
    assert diff_file.kind == "binary"
    assert diff_file.path == "new/logo.png"


def test_parse_no_newline_marker() -> None:
    text = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n"
    diff_file = only_file(text)
    kinds = [line.kind for line in diff_file.hunks[0].lines]
    assert kinds == ["removed", "no_newline", "added", "no_newline"]
    assert (diff_file.added, diff_file.removed) == (1, 1)
    assert diff_file.warning is None


def test_parse_added_file() -> None:
    text = "diff --git a/n.py b/n.py\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/n.py\n@@ -0,0 +1,2 @@\n+a\n+b\n"
    diff_file = only_file(text)
    assert diff_file.kind == "added"
    assert diff_file.old_path is None
    assert diff_file.path == "n.py"
    assert diff_file.added == 2


def test_parse_deleted_file() -> None:
    text = "diff --git a/n.py b/n.py\ndeleted file mode 100644\nindex 1111111..0000000\n--- a/n.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n"
    diff_file = only_file(text)
    assert diff_file.kind == "deleted"
    assert diff_file.new_path is None
    assert diff_file.path == "n.py"
    assert diff_file.removed == 2


def test_parse_empty_new_file() -> None:
    diff_file = only_file("diff --git a/empty b/empty\nnew file mode 100644\nindex 0000000..e69de29\n")
    assert diff_file.kind == "added"
    assert diff_file.hunks == []
    assert render_unified(diff_file)[0].plain == "empty file added"


def test_parse_several_files() -> None:
    text = (
        "--- a/one.txt\n+++ b/one.txt\n@@ -1 +1 @@\n-1\n+one\n"
        "--- a/two.txt\n+++ b/two.txt\n@@ -1,2 +1 @@\n-2\n--- removed sql comment\n+two\n"
        "diff --git a/three.txt b/three.txt\nnew file mode 100644\n--- /dev/null\n+++ b/three.txt\n@@ -0,0 +1 @@\n+3\n"
    )
    parsed = parse_diff(text)
    assert [diff_file.path for diff_file in parsed.files] == ["one.txt", "two.txt", "three.txt"]
    assert [diff_file.kind for diff_file in parsed.files] == ["modified", "modified", "added"]
    assert parsed.files[1].removed == 2
    assert parsed.warnings == []


def test_parse_not_a_diff_never_raises() -> None:
    diff_file = only_file("File created successfully.\nNo diff here.", file_path="notes.md")
    assert diff_file.kind == "modified"
    assert diff_file.warning is not None
    assert diff_file.raw == "File created successfully.\nNo diff here."
    assert diff_file.path == "notes.md"


def test_parse_empty_text() -> None:
    parsed = parse_diff("")
    assert parsed.files == []
    assert parsed.warnings == []


def test_parse_line_numbers_across_hunks() -> None:
    diff_file = only_file(TWO_HUNKS)
    second = diff_file.hunks[1]
    numbers = [(line.old_number, line.new_number) for line in second.lines]
    assert numbers == [(20, 20), (21, None), (None, 21), (None, 22), (22, 23)]
    assert second.header == "@@ -20,3 +20,4 @@"
    assert diff_file.hunks[0].section == "def main():"


def test_diff_stats_counts() -> None:
    assert diff_stats(TWO_HUNKS) == (3, 2)


def test_diff_stats_skips_header_lookalikes() -> None:
    text = "--- a/q.sql\n+++ b/q.sql\n@@ -1,2 +1,2 @@\n--- old comment\n+++ new comment\n x\n"
    assert diff_stats(text) == (1, 1)


def test_parse_large_diff() -> None:
    lines: list[str] = []
    for number in range(20):
        lines.append(f"diff --git a/f{number}.py b/f{number}.py\n--- a/f{number}.py\n+++ b/f{number}.py\n")
        for hunk in range(10):
            start = hunk * 1000 + 1
            lines.append(f"@@ -{start},375 +{start},375 @@\n")
            lines.extend(f" context {i}\n" if i % 2 else f"-old {i}\n" for i in range(250))
            lines.extend(f" context {i}\n" if i % 2 else f"+new {i}\n" for i in range(250))
    text = "".join(lines)
    assert text.count("\n") > 100_000
    parsed = parse_diff(text)
    assert len(parsed.files) == 20
    assert parsed.warnings == []
    assert sum(diff_file.added for diff_file in parsed.files) == 25_000


# --- real diffs from the corpus ----------------------------------------------


def corpus_path(relative: str) -> Path:
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"corpus file {path} is not present beside the checkout")
    return path


def test_corpus_swe_agent_submission() -> None:
    trajectory = json.loads(corpus_path("swe-agent/pydicom__pydicom-1458.traj").read_text())
    submission = trajectory["info"]["submission"]
    parsed = parse_diff(submission)
    assert len(parsed.files) == 1
    diff_file = parsed.files[0]
    assert diff_file.path == "pydicom/pixel_data_handlers/numpy_handler.py"
    assert (diff_file.added, diff_file.removed) == (3, 2)
    assert diff_file.hunks[0].old_start == 285
    assert diff_stats(submission) == (3, 2)


def test_corpus_openhands_edits() -> None:
    events = json.loads(corpus_path("openhands/basic_gui_mode.json").read_text())
    edits = [event for event in events if event.get("observation") == "edit"]
    assert len(edits) == 2

    index_html = only_file(edits[0]["content"], edits[0]["extras"]["path"])
    assert index_html.path == "/workspace/todo-app/index.html"
    assert (index_html.added, index_html.removed) == (99, 0)
    assert len(index_html.hunks) == 2
    assert index_html.kind == "added"

    app_js = only_file(edits[1]["content"], edits[1]["extras"]["path"])
    assert app_js.path == "/workspace/todo-app/app.js"
    assert (app_js.added, app_js.removed) == (74, 0)
    assert app_js.hunks[1].lines[0].new_number == 3


# --- rendering ---------------------------------------------------------------


def spans_with_background(line: Text, colour: str) -> list[str]:
    target = Style(bgcolor=colour).bgcolor
    found: list[str] = []
    for span in line.spans:
        style = span.style if isinstance(span.style, Style) else Style.parse(span.style)
        if style.bgcolor == target:
            found.append(line.plain[span.start : span.end])
    return found


def test_unified_word_spans_on_changed_pair() -> None:
    lines = render_unified(only_file(TWO_HUNKS), highlight=False)
    removed, added = lines[2], lines[3]
    assert spans_with_background(removed, DEFAULT_DIFF_THEME.removed_emphasis) == ["beta"]
    assert spans_with_background(added, DEFAULT_DIFF_THEME.added_emphasis) == ["gamma"]


def test_unified_unpaired_line_has_no_word_spans() -> None:
    lines = render_unified(only_file(TWO_HUNKS), highlight=False)
    extra_added = lines[9]
    assert extra_added.plain.endswith("+ c = 4")
    assert spans_with_background(extra_added, DEFAULT_DIFF_THEME.added_emphasis) == []


def test_unified_line_numbers_across_hunks() -> None:
    plain = [line.plain for line in render_unified(only_file(TWO_HUNKS), highlight=False)]
    assert plain == [
        "@@ -1,3 +1,3 @@ def main():",
        " 1  1   import os",
        " 2    - value = compute(alpha, beta)",
        "    2 + value = compute(alpha, gamma)",
        " 3  3   print(value)",
        "@@ -20,3 +20,4 @@",
        "20 20   a = 1",
        "21    - b = 2",
        "   21 + b = 3",
        "   22 + c = 4",
        "22 23   d = 5",
    ]


def test_unified_highlight_keeps_text() -> None:
    diff_file = only_file(TWO_HUNKS)
    highlighted = [line.plain for line in render_unified(diff_file)]
    plain = [line.plain for line in render_unified(diff_file, highlight=False)]
    assert highlighted == plain


def test_unified_width_pads_changed_lines() -> None:
    lines = render_unified(only_file(TWO_HUNKS), highlight=False, width=60)
    assert lines[2].cell_len == 60


def test_unified_tabs_expanded() -> None:
    diff_file = only_file("--- a/Makefile\n+++ b/Makefile\n@@ -1 +1 @@\n-\tcc -o a\n+\tcc -o b\n")
    lines = render_unified(diff_file)
    assert lines[1].plain == "1   -     cc -o a"
    assert not any(has_raw_control(line) for line in lines)


def test_side_by_side_pairs_rows() -> None:
    lines = render_side_by_side(only_file(TWO_HUNKS), 120, highlight=False)
    left, right = lines[2].plain.split("│")
    assert left.rstrip() == " 2 - value = compute(alpha, beta)"
    assert right.rstrip() == " 2 + value = compute(alpha, gamma)"


def test_side_by_side_extra_line_faces_blank() -> None:
    lines = render_side_by_side(only_file(TWO_HUNKS), 120, highlight=False)
    left, right = lines[7].plain.split("│")
    assert left.strip() == ""
    assert right.rstrip() == "22 + c = 4"


def test_side_by_side_fixed_width() -> None:
    lines = render_side_by_side(only_file(TWO_HUNKS), 121)
    assert {line.cell_len for line in lines} == {121}


def test_side_by_side_crops_long_lines() -> None:
    long_line = "x" * 300
    diff_file = only_file(f"--- a/f\n+++ b/f\n@@ -1 +1 @@\n-{long_line}\n+{long_line}y\n")
    lines = render_side_by_side(diff_file, 120, highlight=False)
    assert {line.cell_len for line in lines} == {120}


def test_hunk_starts_unified() -> None:
    diff_file = only_file(TWO_HUNKS)
    starts = hunk_starts(diff_file)
    lines = render_unified(diff_file, highlight=False)
    assert starts == [0, 5]
    assert [lines[start].plain[:2] for start in starts] == ["@@", "@@"]


def test_hunk_starts_side_by_side() -> None:
    diff_file = only_file(TWO_HUNKS)
    starts = hunk_starts(diff_file, side_by_side=True)
    lines = render_side_by_side(diff_file, 120, highlight=False)
    assert starts == [0, 4]
    assert [lines[start].plain[:2] for start in starts] == ["@@", "@@"]


def test_render_diff_file_and_hunk_starts() -> None:
    text = TWO_HUNKS + "diff --git a/logo.png b/logo.png\nBinary files a/logo.png and b/logo.png differ\n"
    rendering = render_diff(parse_diff(text), highlight=False)
    assert rendering.file_starts == [0, 12]
    assert rendering.hunk_starts == [1, 6]
    assert rendering.lines[0].plain == "app.py  modified  +3 -2"
    assert rendering.lines[13].plain == BINARY_MESSAGE


def test_render_diff_side_by_side_needs_width() -> None:
    with pytest.raises(ValueError, match="width"):
        render_diff(parse_diff(TWO_HUNKS), side_by_side=True)


def test_next_and_previous_start() -> None:
    starts = [1, 6, 14]
    assert next_start(starts, 1) == 6
    assert next_start(starts, 14) is None
    assert previous_start(starts, 6) == 1
    assert previous_start(starts, 1) is None


def test_render_lone_surrogate_replaced() -> None:
    diff_file = only_file("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\ud800b\n+ab\n")
    lines = render_unified(diff_file, highlight=False)
    assert lines[1].plain.endswith("a\ufffdb")


def test_render_path_controls_visible() -> None:
    text = 'diff --git "a/x\\033y" "b/x\\033y"\nnew file mode 100644\n'
    rendering = render_diff(parse_diff(text), highlight=False)
    assert rendering.lines[0].plain.startswith("x␛y")


def test_render_modules_skip_textual() -> None:
    code = (
        "import sys\n"
        "import shadow_tui.render.diff_document, shadow_tui.render.markdown\n"
        "print('textual' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- robustness ----------------------------------------------------------------

DIFF_LINE = st.one_of(
    st.sampled_from(
        [
            "diff --git a/x b/x",
            "--- a/x",
            "+++ b/x",
            "--- /dev/null",
            "+++ /dev/null",
            "@@ -1,2 +1,2 @@",
            "@@ -0,0 +1 @@",
            "@@ -3 +3,0 @@ section",
            "\\ No newline at end of file",
            "new file mode 100644",
            "rename from a b",
            "rename to a c",
            "Binary files a/x and b/x differ",
            "GIT binary patch",
            "",
        ]
    ),
    st.builds(lambda marker, body: marker + body, st.sampled_from([" ", "+", "-"]), st.text(max_size=12)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(DIFF_LINE, max_size=30), st.sampled_from(["\n", "\r\n"]))
def test_parse_diff_like_input_never_raises(lines: list[str], newline: str) -> None:
    parsed = parse_diff(newline.join(lines), file_path="fuzz.txt")
    for diff_file in parsed.files:
        assert not any(has_raw_control(line) for line in render_unified(diff_file, highlight=False))
        assert not any(has_raw_control(line) for line in render_side_by_side(diff_file, 120, highlight=False))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_any_text_never_raises(text: str) -> None:
    parsed = parse_diff(text)
    for diff_file in parsed.files:
        assert not any(has_raw_control(line) for line in render_unified(diff_file, highlight=False))
