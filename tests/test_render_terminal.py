"""Tests of the terminal-output renderer: escapes, controls, colors, large outputs."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.color import Color, ColorType
from rich.console import Console
from rich.style import Style
from rich.text import Text

from shadow_tui.render.ansi_parse import SgrScanner
from shadow_tui.render.line_buffer import MIN_COLUMN_LIMIT
from shadow_tui.render.terminal import (
    TerminalDocument,
    ansi_to_lines,
    ansi_to_text,
    decode_output,
    render_output,
    sanitize_inline,
    strip_ansi,
)

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# Characters that must never reach rendered text: C0 except "\n", DEL, C1,
# lone surrogates.
UNSAFE_IN_TEXT = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
UNSAFE_INLINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
RICH_SGR = re.compile(r"\x1b\[[0-9;]*m")


def style_at(text: Text, offset: int) -> Style:
    """Return the combined style of the spans that cover one offset."""
    covering = [span.style for span in text.spans if span.start <= offset < span.end]
    return Style.combine([Style(), *covering])


def render_with_rich(text: Text) -> str:
    console = Console(
        file=io.StringIO(), force_terminal=True, color_system="truecolor", width=80
    )
    console.print(text)
    output = console.file.getvalue()
    assert isinstance(output, str)
    return output


ESCAPE_CASES = [
    # OSC: hyperlinks keep their text, others become a marker without payload.
    ("see \x1b]8;;https://e.x\x07link\x1b]8;;\x07 end", "see link end"),
    ("see \x1b]8;id=1;https://e.x\x1b\\link\x1b]8;;\x1b\\ end", "see link end"),
    ("x\x1b]52;c;Y3VybCBldmlsfHNo\x07y", "x\u241b]52\u2026y"),
    ("x\x1b]0;title\x07y", "x\u241b]0\u2026y"),
    ("x\x1b]2;title\x1b\\y", "x\u241b]2\u2026y"),
    ("x\x1b]2;title\x9cy", "x\u241b]2\u2026y"),
    ("x\x9d0;title\x9cy", "x\u241b]0\u2026y"),
    ("x\x1b]0;title\x1b[31my", "x\u241b]0\u2026y"),
    ("x\x1b]0;title", "x\u241b]0\u2026"),
    (b"\x1b]0;\xe2\x9c\xb3 Claude Code\x07done", "\u241b]0\u2026done"),
    # DCS, SOS, PM, APC in 7-bit and 8-bit forms.
    ("a\x1bP1$r0m\x1b\\b", "a\u241bP\u2026b"),
    ("a\x901$r0m\x9cb", "a\u241bP\u2026b"),
    ("a\x1b_payload\x1b\\b", "a\u241b_\u2026b"),
    ("a\x9fpayload\x9cb", "a\u241b_\u2026b"),
    ("a\x1b^payload\x1b\\b", "a\u241b^\u2026b"),
    ("a\x9epayload\x9cb", "a\u241b^\u2026b"),
    ("a\x1bXpayload\x1b\\b", "a\u241bX\u2026b"),
    ("a\x98payload\x9cb", "a\u241bX\u2026b"),
    # CSI other than SGR and in-line cursor movement is dropped.
    ("\x1b[2J\x1b[Hhi", "hi"),
    ("\x1b[?1049hx\x1b[?1049l", "x"),
    ("\x1b[1;24rx", "x"),
    ("\x1b[3Ax\x1b[2B", "x"),
    ("\x1b[>4;2mx", "x"),
    ("x\x9b31my", "xy"),
    ("\x9b2Jz", "z"),
    # Single ESC sequences are dropped.
    ("\x1bcreset", "reset"),
    ("\x1b7a\x1b8b", "ab"),
    ("\x1b=keypad\x1b>", "keypad"),
    ("\x1b(Bcharset\x1b)0", "charset"),
    ("stray\x1b\\st", "strayst"),
    # An ESC that starts no complete sequence stays visible.
    ("abc\x1b", "abc\u241b"),
    ("abc\x1b[31", "abc\u241b[31"),
    ("a\x1b\x01b", "a\u241b\u2401b"),
    # Line ends, carriage return, backspace, tabs.
    ("Hello\r\nWorld\r\n", "Hello\nWorld\n"),
    ("progress 10%\rprogress 100%", "progress 100%"),
    ("[#   ] 25%\r[##  ] 50%\r[####] 100%\r\n", "[####] 100%\n"),
    ("abcdef\rXY", "XYcdef"),
    ("a\bb", "b"),
    ("_\bX", "X"),
    ("\bx", "x"),
    ("a\tb", "a       b"),
    ("12345678\tx", "12345678        x"),
    ("abcdefghij\rX\tY", "XbcdefghYj"),
    # In-line cursor movement and erase.
    ("abc\x1b[2Kx", "   x"),
    ("abc\x1b[1G\x1b[Kxy", "xy"),
    ("a\x1b[3Cb", "a   b"),
    ("abc\x1b[2DX", "aXc"),
    ("abcdef\x1b[3G\x1b[1K", "   def"),
    # Controls and invalid text become visible symbols.
    ("a\x00b", "a\u2400b"),
    ("a\x07b", "a\u2407b"),
    ("a\x7fb", "a\u2421b"),
    ("a\x0bb\x0cc", "a\u240bb\u240cc"),
    ("a\x85b", "a\\x85b"),
    ("a\u2028b", "a\u2424b"),
    ("a\ud800b", "a\ufffdb"),
    (b"a\xffb\xc3", "a\ufffdb\ufffd"),
    # Markers take no column, so an overwrite keeps them.
    ("\x1b]0;t\x07abc\rX", "\u241b]0\u2026Xbc"),
    # Concealed text stays readable.
    ("\x1b[8msecret", "secret"),
]


@pytest.mark.parametrize(("source", "expected"), ESCAPE_CASES)
def test_ansi_to_text_visible_result(source: str | bytes, expected: str) -> None:
    assert ansi_to_text(source).plain == expected


@pytest.mark.parametrize(
    ("source", "payload"),
    [
        ("x\x1b]52;c;Y3VybCBldmlsfHNo\x07y", "Y3VybCBldmlsfHNo"),
        ("x\x1b]0;secret title\x07y", "secret title"),
        ("a\x1bP1$r0m\x1b\\b", "1$r0m"),
        ("x\x1b]8;;https://e.x\x07link", "e.x"),
    ],
)
def test_payload_not_leaked(source: str, payload: str) -> None:
    assert payload not in ansi_to_text(source).plain


def test_markers_dim() -> None:
    text = ansi_to_text("x\x1b]0;title\x07y")
    assert style_at(text, 1) == Style(dim=True)


def test_cursor_jump_clamped() -> None:
    text = ansi_to_text("a\x1b[999999999Cb")
    assert text.plain == "a" + " " * (MIN_COLUMN_LIMIT - 1) + "b"


def test_cursor_jumps_not_cumulative() -> None:
    text = ansi_to_text("\x1b[200C" * 30 + "x")
    assert len(text.plain) == MIN_COLUMN_LIMIT + 1


def test_cursor_absolute_column() -> None:
    assert ansi_to_text("ab\x1b[10Gx").plain == "ab       x"


def test_long_parameter_accepted() -> None:
    assert ansi_to_text("\x1b[" + "1" * 5000 + "mx").plain == "x"


def test_tab_size_option() -> None:
    assert ansi_to_text("a\tb", tab_size=4).plain == "a   b"


def test_tab_size_zero_rejected() -> None:
    with pytest.raises(ValueError, match="tab_size"):
        ansi_to_text("a\tb", tab_size=0)


def test_decode_output_invalid_utf8() -> None:
    assert decode_output(b"ok \xff\xfe") == "ok \ufffd\ufffd"


def test_decode_output_str_unchanged() -> None:
    assert decode_output("\x1b[31m") == "\x1b[31m"


# Colors and attributes.


def test_sgr_standard_color() -> None:
    text = ansi_to_text("\x1b[31mred\x1b[0m plain")
    assert style_at(text, 0).color == Color.from_ansi(1)


def test_sgr_reset_clears_color() -> None:
    text = ansi_to_text("\x1b[31mred\x1b[0m plain")
    assert style_at(text, 5) == Style()


def test_sgr_bright_foreground() -> None:
    assert style_at(ansi_to_text("\x1b[91mx"), 0).color == Color.from_ansi(9)


def test_sgr_bright_background() -> None:
    assert style_at(ansi_to_text("\x1b[101mx"), 0).bgcolor == Color.from_ansi(9)


def test_sgr_256_color() -> None:
    color = style_at(ansi_to_text("ab\x1b[38;5;200mcd"), 2).color
    assert color == Color.from_ansi(200)


def test_sgr_256_color_type() -> None:
    color = style_at(ansi_to_text("\x1b[38;5;200mcd"), 0).color
    assert color is not None and color.type == ColorType.EIGHT_BIT


def test_sgr_truecolor_foreground() -> None:
    color = style_at(ansi_to_text("\x1b[38;2;10;20;30mx"), 0).color
    assert color == Color.from_rgb(10, 20, 30)


def test_sgr_truecolor_background() -> None:
    color = style_at(ansi_to_text("\x1b[48;2;10;20;30mx"), 0).bgcolor
    assert color == Color.from_rgb(10, 20, 30)


def test_sgr_truecolor_colon_form() -> None:
    color = style_at(ansi_to_text("\x1b[38:2::1:2:3mx"), 0).color
    assert color == Color.from_rgb(1, 2, 3)


def test_sgr_colors_on_right_spans() -> None:
    text = ansi_to_text("a\x1b[32mb\x1b[38;5;100mc\x1b[38;2;1;2;3md\x1b[39me")
    colors = [style_at(text, offset).color for offset in range(5)]
    assert colors == [
        None,
        Color.from_ansi(2),
        Color.from_ansi(100),
        Color.from_rgb(1, 2, 3),
        None,
    ]


def test_sgr_invalid_color_ignored() -> None:
    assert style_at(ansi_to_text("\x1b[38;5;300mx"), 0).color is None


def test_sgr_underline_color_skipped() -> None:
    style = style_at(ansi_to_text("\x1b[58;2;1;2;3;1mx"), 0)
    assert style == Style(bold=True)


@pytest.mark.parametrize(
    ("code", "attribute"),
    [
        ("1", "bold"),
        ("2", "dim"),
        ("3", "italic"),
        ("4", "underline"),
        ("7", "reverse"),
        ("9", "strike"),
    ],
)
def test_sgr_attribute_on(code: str, attribute: str) -> None:
    style = style_at(ansi_to_text(f"\x1b[{code}mx"), 0)
    assert getattr(style, attribute) is True


@pytest.mark.parametrize(
    ("on", "off", "attribute"),
    [
        ("1", "22", "bold"),
        ("2", "22", "dim"),
        ("3", "23", "italic"),
        ("4", "24", "underline"),
        ("7", "27", "reverse"),
        ("9", "29", "strike"),
    ],
)
def test_sgr_attribute_off(on: str, off: str, attribute: str) -> None:
    style = style_at(ansi_to_text(f"\x1b[{on}mx\x1b[{off}my"), 1)
    assert not getattr(style, attribute)


def test_sgr_default_foreground() -> None:
    assert style_at(ansi_to_text("\x1b[31;42mx\x1b[39my"), 1).color is None


def test_sgr_default_background() -> None:
    assert style_at(ansi_to_text("\x1b[31;42mx\x1b[49my"), 1).bgcolor is None


def test_sgr_empty_reset() -> None:
    assert style_at(ansi_to_text("\x1b[1mx\x1b[my"), 1) == Style()


def test_sgr_carries_across_lines() -> None:
    lines = ansi_to_lines("\x1b[32mone\ntwo")
    assert style_at(lines[1], 0).color == Color.from_ansi(2)


def test_sgr_overwrite_takes_new_style() -> None:
    text = ansi_to_text("\x1b[31mabc\r\x1b[32mX")
    assert style_at(text, 0).color == Color.from_ansi(2)


def test_sgr_overwrite_keeps_old_style() -> None:
    text = ansi_to_text("\x1b[31mabc\r\x1b[32mX")
    assert style_at(text, 1).color == Color.from_ansi(1)


# One-line fields, plain text, whole outputs.


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("fix\tbug", "fix\u2409bug"),
        ("line one\nline two", "line one\u2424line two"),
        ("a\r\nb", "a\u240d\u2424b"),
        ("a\bb", "a\u2408b"),
        ("\x1b[31mred\x1b[0m branch", "red branch"),
        ("title\x1b]0;evil\x07", "title\u241b]0\u2026"),
        ("src/\x00file.py", "src/\u2400file.py"),
        (b"caf\xc3\xa9 \xff", "caf\u00e9 \ufffd"),
    ],
)
def test_sanitize_inline_cases(source: str | bytes, expected: str) -> None:
    assert sanitize_inline(source) == expected


def test_strip_ansi_plain() -> None:
    assert strip_ansi("a\x1b[1mb\x1b[0m\r\nc\x1b]0;t\x07") == "ab\nc\u241b]0\u2026"


def test_render_output_drops_final_newline() -> None:
    assert render_output("a\nb\n").plain == "a\nb"


def test_render_output_empty() -> None:
    assert render_output(b"").plain == ""


def test_ansi_to_lines_keeps_final_empty() -> None:
    assert [line.plain for line in ansi_to_lines("a\n")] == ["a", ""]


def test_corpus_npm_prompt() -> None:
    session = CORPUS / "claude-code" / "fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl"
    if not session.exists():
        pytest.skip(f"corpus file {session} is not present")

    outputs: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str) and "\x1b" in value:
            outputs.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for record in session.read_text(encoding="utf-8").splitlines():
        collect(json.loads(record))
    rendered = [ansi_to_text(output) for output in outputs]

    assert outputs
    assert all(UNSAFE_IN_TEXT.search(text.plain) is None for text in rendered)
    assert "? Would you like your code inside a `src/` directory? \u203a No / Yes" in rendered[0].plain


# TerminalDocument.


@pytest.mark.parametrize(
    ("source", "count"),
    [
        ("", 0),
        ("a", 1),
        ("a\n", 1),
        ("a\n\n", 2),
        ("a\r\nb", 2),
        ("a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei", 1),
    ],
)
def test_document_line_count(source: str, count: int) -> None:
    assert TerminalDocument(source).line_count == count


def test_document_bytes_source() -> None:
    assert TerminalDocument(b"ok\n\xff").plain_line(1) == "\ufffd"


def test_document_color_across_checkpoints() -> None:
    document = TerminalDocument("\x1b[31m" + "x\n" * 10, checkpoint_interval=2)
    assert style_at(document.line(9), 0).color == Color.from_ansi(1)


def test_document_full_transition_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SgrScanner, "MAX_TRANSITIONS", 1)
    source = "".join(f"\x1b[3{number % 8}m{number}\x1b[1m\n" for number in range(20))
    document = TerminalDocument(source, checkpoint_interval=3)
    assert [document.line(index).spans for index in range(20)] == [
        line.spans for line in ansi_to_lines(source)[:20]
    ]


def test_document_reset_across_lines() -> None:
    document = TerminalDocument("\x1b[31ma\n\x1b[0mb\nc\n", checkpoint_interval=1)
    assert document.line(2).spans == []


def test_document_line_is_copy() -> None:
    document = TerminalDocument("plain\n")
    document.line(0).stylize("bold")
    assert document.line(0).spans == []


def test_document_cache_eviction() -> None:
    document = TerminalDocument("\x1b[34ma\nb\nc\n", cache_size=1)
    first = [document.line(index).plain for index in (0, 1, 2, 0)]
    assert first == ["a", "b", "c", "a"]


def test_document_plain_matches_line() -> None:
    document = TerminalDocument("\x1b[1mab\rX\tc\x1b]0;t\x07\n")
    assert document.plain_line(0) == document.line(0).plain


@pytest.mark.parametrize("index", [-1, 2])
def test_document_index_out_of_range(index: int) -> None:
    with pytest.raises(IndexError, match="out of range"):
        TerminalDocument("a\nb\n").line(index)


def test_document_max_width_hint() -> None:
    assert TerminalDocument("ab\nabcdef\nabc").max_width_hint == 6


def test_document_rejects_zero_tab_size() -> None:
    with pytest.raises(ValueError, match="tab_size"):
        TerminalDocument("a", tab_size=0)


FIND_SOURCE = "alpha\n\x1b[31mBeta\x1b[0m\ngamma\r\nprogress 10%\rprogress 100%\nbeta again\n"


@pytest.mark.parametrize(
    ("pattern", "start", "options", "expected"),
    [
        ("beta", 0, {}, 1),
        ("beta", 2, {}, 4),
        ("beta", 4, {"backwards": True}, 4),
        ("beta", 3, {"backwards": True}, 1),
        ("beta", 0, {"case_sensitive": True}, 4),
        ("Beta", 0, {"case_sensitive": True}, 1),
        ("100%", 0, {}, 3),
        ("00%", 0, {}, 3),
        ("progress 10%", 0, {}, None),
        ("delta", 0, {}, None),
        ("", 0, {}, None),
        ("a\nb", 0, {}, None),
        ("alpha", -5, {}, 0),
        ("again", 99, {"backwards": True}, 4),
        ("alpha", 99, {}, None),
        ("alpha", -1, {"backwards": True}, None),
    ],
)
def test_document_find(
    pattern: str, start: int, options: dict[str, bool], expected: int | None
) -> None:
    assert TerminalDocument(FIND_SOURCE).find(pattern, start, **options) == expected


def test_document_find_after_overwrite() -> None:
    assert TerminalDocument("abcdef\rXY\n").find("XYc", 0) == 0


def test_document_find_expanded_tab() -> None:
    assert TerminalDocument("a\tb\n").find("a   ", 0) == 0


def test_document_find_across_blocks() -> None:
    lines = [f"\x1b[32mline {number}\x1b[0m" for number in range(3000)]
    lines[2500] = "needle here"
    document = TerminalDocument("\n".join(lines))
    assert document.find("NEEDLE", 10) == 2500


def test_document_find_backwards_across_blocks() -> None:
    lines = [f"line {number}\tx" for number in range(3000)]
    lines[100] = "needle here"
    lines[2500] = "needle there"
    document = TerminalDocument("\n".join(lines))
    assert document.find("needle", 2499, backwards=True) == 100


def test_document_find_stops_when_cancelled() -> None:
    lines = [f"line {number}" for number in range(3000)]
    lines[2500] = "needle here"
    document = TerminalDocument("\n".join(lines))
    checks: list[int] = []

    def cancel_after_first_block() -> bool:
        checks.append(1)
        return len(checks) > 1

    assert document.find("needle", 0, cancelled=cancel_after_first_block) is None
    assert len(checks) == 2
    assert document.find("needle", 2999, backwards=True, cancelled=lambda: True) is None
    assert document.find("needle", 0, cancelled=lambda: False) == 2500


# Properties over arbitrary and escape-heavy input.

FRAGMENTS = [
    "\x1b", "[", "]", "P", "_", "^", "X", "\\", "\x07", "\x9b", "\x9c", "\x9d",
    "\x90", "\x98", "\x9e", "\x9f", "m", ";", ":", "0", "1", "2", "3", "5", "8",
    "38;5;", "48;2;1;2;", "K", "C", "D", "G", "?", "\r", "\n", "\b", "\t", "\x00",
    "\x18", "\x7f", "\x85", "\r\n", "\u2028", "\ud800", "\x1b[31m", "\x1b[0m",
    "\x1b]8;;", "\x1b]0;", "\x1b\\", "\x1bP", "ab", "Xy", "\u2733", " ",
]  # fmt: skip

escape_heavy_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40
).map("".join)
any_text = st.one_of(st.text(), escape_heavy_text)
any_input = st.one_of(any_text, st.binary())


@given(any_input)
def test_ansi_to_text_plain_is_safe(source: str | bytes) -> None:
    assert UNSAFE_IN_TEXT.search(ansi_to_text(source).plain) is None


@given(any_input)
def test_ansi_to_text_rich_output_is_safe(source: str | bytes) -> None:
    rendered = RICH_SGR.sub("", render_with_rich(ansi_to_text(source)))
    assert UNSAFE_IN_TEXT.search(rendered) is None


@given(any_input)
def test_sanitize_inline_is_safe(source: str | bytes) -> None:
    assert UNSAFE_INLINE.search(sanitize_inline(source)) is None


@given(any_input)
def test_strip_ansi_is_safe(source: str | bytes) -> None:
    assert UNSAFE_IN_TEXT.search(strip_ansi(source)) is None


@given(any_input)
def test_strip_ansi_matches_text(source: str | bytes) -> None:
    assert strip_ansi(source) == ansi_to_text(source).plain


@given(any_input)
def test_render_output_rich_is_safe(source: str | bytes) -> None:
    rendered = RICH_SGR.sub("", render_with_rich(render_output(source)))
    assert UNSAFE_IN_TEXT.search(rendered) is None


@given(any_input)
def test_document_lines_are_safe(source: str | bytes) -> None:
    document = TerminalDocument(source)
    for index in range(document.line_count):
        rendered = RICH_SGR.sub("", render_with_rich(document.line(index)))
        assert UNSAFE_IN_TEXT.search(rendered) is None


@settings(max_examples=300)
@given(any_text, st.integers(min_value=1, max_value=3))
def test_document_matches_ansi_to_lines(source: str, interval: int) -> None:
    document = TerminalDocument(source, checkpoint_interval=interval)
    expected = ansi_to_lines(source)
    if source.endswith("\n") or not source:
        expected = expected[:-1]
    assert [(line.plain, line.spans) for line in map(document.line, range(document.line_count))] == [
        (line.plain, line.spans) for line in expected
    ]


@settings(max_examples=300)
@given(
    escape_heavy_text,
    st.text(alphabet="ab Xy12\u2733[;", min_size=1, max_size=3),
    st.integers(min_value=-1, max_value=8),
    st.booleans(),
    st.booleans(),
)
def test_document_find_matches_scan(
    source: str, pattern: str, start: int, backwards: bool, case_sensitive: bool
) -> None:
    document = TerminalDocument(source)
    count = document.line_count
    needle = pattern if case_sensitive else pattern.casefold()

    def contains(index: int) -> bool:
        plain = document.plain_line(index)
        return needle in (plain if case_sensitive else plain.casefold())

    if backwards:
        candidates = range(min(start, count - 1), -1, -1)
    else:
        candidates = range(max(start, 0), count)
    expected = next((index for index in candidates if contains(index)), None)

    found = document.find(pattern, start, backwards=backwards, case_sensitive=case_sensitive)
    assert found == expected
