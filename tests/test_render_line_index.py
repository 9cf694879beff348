"""Block-wise line splitting, compact line offsets, and the documents built on them."""

from __future__ import annotations

import random

import pytest

from shadow_tui.render.diff_split import TextLines, split_diff_lines, split_files
from shadow_tui.render.line_buffer import split_lines
from shadow_tui.render.line_index import LINE_BLOCK_CHARS, iter_line_blocks, iter_lines, iter_region_blocks, offset_array
from shadow_tui.render.terminal_document import TerminalDocument

TEXTS = ["", "\n", "\n\n", "a", "a\n", "a\nb", "a\nb\n", "a\n\nb\n\n", "abc\ndef\nghi"]


@pytest.mark.parametrize("block_chars", [1, 2, 3, 5, 1000])
@pytest.mark.parametrize("text", TEXTS)
def test_iter_lines_matches_split_lines(text: str, block_chars: int) -> None:
    assert list(iter_lines(text, block_chars)) == split_lines(text)


def test_iter_lines_random_texts() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice("ab\n") for _ in range(rng.randint(0, 14)))
        block_chars = rng.randint(1, 6)
        assert list(iter_lines(text, block_chars)) == split_lines(text), (text, block_chars)


def test_region_blocks_match_split() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        text = "".join(rng.choice("ab\n") for _ in range(rng.randint(0, 14)))
        start = rng.randint(0, len(text))
        stop = rng.randint(start, len(text))
        block_chars = rng.randint(1, 6)
        lines = [line for block in iter_region_blocks(text, start, stop, block_chars) for line in block]
        assert lines == text[start:stop].split("\n"), (text, start, stop, block_chars)


def test_blocks_end_at_line_ends() -> None:
    text = "".join(f"line {number}\n" for number in range(1000))
    blocks = list(iter_line_blocks(text, 100))
    assert len(blocks) > 10
    assert [line for block in blocks for line in block] == split_lines(text)
    assert all(len("\n".join(block)) < 100 + 20 for block in blocks)


def test_block_chars_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        list(iter_line_blocks("a\nb", 0))


def test_offset_array_item_size() -> None:
    assert offset_array(2**32 - 1).itemsize == 4
    assert offset_array(2**32).itemsize == 8


def test_terminal_document_over_several_blocks() -> None:
    rng = random.Random(3)
    lines = [f"\x1b[32mok\x1b[0m {rng.randint(0, 10**9)} " + "x" * rng.randint(0, 120) for _ in range(30_000)]
    lines[12_345] = "y" * (LINE_BLOCK_CHARS + 5)
    text = "\n".join(lines) + "\n"
    assert len(text) > 3 * LINE_BLOCK_CHARS
    document = TerminalDocument(text)
    assert document.line_count == len(lines)
    assert document.truncated_lines == frozenset({12_345})
    assert f"of {LINE_BLOCK_CHARS + 5:,} characters]" in document.plain_line(12_345)
    for index in (0, 1, 8_000, 12_344, 12_346, 20_000, len(lines) - 1):
        assert document.plain_line(index) == lines[index].replace("\x1b[32m", "").replace("\x1b[0m", "")
    assert document.find("y" * 20, 0) == 12_345
    assert document.find(lines[-1].split(" ")[1], 20_000) == len(lines) - 1


def test_text_lines_view_and_iteration() -> None:
    text = "a\r\nb\n\nc\r\n"
    lines = TextLines(text)
    assert list(lines) == split_diff_lines(text)
    assert [lines[index] for index in range(len(lines))] == split_diff_lines(text)
    view = lines.lines(1, 3)
    assert list(view) == ["b", ""]
    assert view[1] == ""
    assert view[-1] == ""
    assert view[0:2] == ["b", ""]
    assert list(lines.lines(2, 2)) == []
    with pytest.raises(IndexError):
        lines.lines(2, 5)
    with pytest.raises(IndexError):
        view[2]


def test_split_files_same_for_text_lines_and_list() -> None:
    text = (
        "preamble\n"
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
        "diff --git a/y b/y\nBinary files a/y and b/y differ\n"
        "stray line\n"
        "--- a/z\n+++ b/z\n@@ -1 +1 @@\n--- comment\n+++ comment\n"
        "@@ -5 +5 @@\n-q\n+r\n"
    )
    from_list = split_files(split_diff_lines(text))
    from_view = split_files(TextLines(text))
    # The binary line belongs to the header of y, and the stray line to that chunk.
    assert len(from_list) == len(from_view) == 2
    for listed, viewed in zip(from_list, from_view, strict=True):
        assert list(viewed.lines) == listed.lines
        assert viewed.headerless == listed.headerless
