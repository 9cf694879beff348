"""Tests for syntax highlighting under a time and size budget (highlight, lex_worker)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rich.style import Style
from rich.text import Text

from shadow_tui.render import highlight
from shadow_tui.render.highlight import (
    MAX_LINE_CHARS,
    clear_highlight_cache,
    highlight_code,
    highlight_lines,
    lexer_name_for,
    shutdown_highlighter,
)
from shadow_tui.render.lex_worker import lex_to_lines
from shadow_tui.render.visible import display_line, expand_tabs_in_pieces


@pytest.fixture(scope="module", autouse=True)
def stop_lexer_process() -> Iterator[None]:
    yield
    shutdown_highlighter()


def colour_of(line: Text, word: str) -> str | None:
    """Return the foreground colour name of the span that covers `word`."""
    start = line.plain.index(word)
    colour = None
    for span in line.spans:
        if span.start <= start < span.end:
            style = span.style if isinstance(span.style, Style) else Style.parse(span.style)
            if style.color is not None:
                colour = style.color.name
    return colour


def test_python_keyword_coloured() -> None:
    (line,) = highlight_lines(["def handler(event):"], "python")
    assert colour_of(line, "def") is not None
    assert colour_of(line, "def") != colour_of(line, "(")


def test_typescript_keyword_coloured() -> None:
    lines = highlight_lines(["const total: number = 1;", "function f(): void {}"], "typescript")
    assert colour_of(lines[0], "const") is not None
    assert colour_of(lines[0], "const") != colour_of(lines[0], "total")
    assert colour_of(lines[1], "function") == colour_of(lines[0], "const")


def test_styles_have_no_background() -> None:
    lines = highlight_lines(["x = 'text'  # note", "class A: pass"], "python")
    for line in lines:
        for span in line.spans:
            style = span.style if isinstance(span.style, Style) else Style.parse(span.style)
            assert style.bgcolor is None


def test_scala_backtracking_falls_back() -> None:
    # The Scala lexer of Pygments 2.21 backtracks for many seconds here.
    source = 'val s = "' + "\\" * 48
    (line,) = highlight_lines([source], "scala")
    assert line.plain == source
    assert line.spans == []


def test_after_timeout_highlighting_works() -> None:
    clear_highlight_cache()
    highlight_lines(['"' + "\\" * 48], "scala", timeout=0.5)
    (line,) = highlight_lines(["import os"], "python")
    assert colour_of(line, "import") is not None


def test_line_count_kept_with_blank_edges() -> None:
    source = ["", "", "x = 1", "", ""]
    lines = highlight_lines(source, "python")
    assert [line.plain for line in lines] == source


def test_multiline_string_coloured_as_one() -> None:
    lines = highlight_lines(['s = """', "def not_code", '"""'], "python")
    assert colour_of(lines[1], "def") == colour_of(lines[0], '"""')


def test_controls_made_visible() -> None:
    (line,) = highlight_lines(["a = 'x\x1b[31my\rz\x07'"], "python")
    assert line.plain == "a = 'x␛[31my␍z␇'"


def test_tabs_expanded() -> None:
    (line,) = highlight_lines(["\tif x:\treturn"], "python", tab_size=4)
    assert line.plain == "    if x:   return"
    assert line.plain == display_line("\tif x:\treturn", 4)


def test_expand_tabs_across_pieces() -> None:
    pieces = [("a", "ab"), ("b", "\tc"), ("c", "\t")]
    joined = "".join(text for _, text in expand_tabs_in_pieces(pieces, 4))
    assert joined == "ab\tc\t".expandtabs(4)


def test_long_line_skips_highlighting() -> None:
    source = "x = " + "1" * MAX_LINE_CHARS
    lines = highlight_lines([source, "import os"], "python")
    assert lines[0].plain == source
    assert lines[1].spans == []


def test_unknown_lexer_gives_plain() -> None:
    (line,) = highlight_lines(["import os"], "no-such-language")
    assert line.plain == "import os"
    assert line.spans == []


def test_no_lexer_gives_plain() -> None:
    (line,) = highlight_lines(["import os"], None)
    assert line.spans == []


def test_empty_input() -> None:
    assert highlight_lines([], "python") == []


def test_unknown_theme_raises() -> None:
    with pytest.raises(ValueError, match="no-such-theme"):
        highlight_lines(["x"], "python", theme="no-such-theme")


def test_other_theme_changes_colours() -> None:
    (dark,) = highlight_lines(["def f(): pass"], "python", theme="monokai")
    (light,) = highlight_lines(["def f(): pass"], "python", theme="friendly")
    assert colour_of(dark, "def") != colour_of(light, "def")


def test_highlight_code_joins_lines() -> None:
    text = highlight_code("def f():\r\n    return 1\n", "python")
    assert text.plain == "def f():\n    return 1\n"
    assert colour_of(text, "return") is not None


def test_lex_to_lines_splits_tokens() -> None:
    lines = lex_to_lines('x = """a\nb"""\ny', "python")
    assert ["".join(text for _, text in line) for line in lines[:3]] == ['x = """a', 'b"""', "y"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("src/app.ts", "typescript"),
        ("pkg/main.py", "python"),
        ("Makefile", "make"),
        ("C:\\work\\lib.rs", "rust"),
    ],
)
def test_lexer_name_for_file_names(path: str, expected: str) -> None:
    assert lexer_name_for(path) == expected


def test_lexer_name_for_unknown_name() -> None:
    assert lexer_name_for("notes.unknown-extension") is None


def test_lexer_name_for_guesses_content(monkeypatch: pytest.MonkeyPatch) -> None:
    # guess_lexer tries every lexer, which can outlast the 1 s budget on a busy machine.
    monkeypatch.setattr(highlight, "GUESS_TIMEOUT", 30.0)
    assert lexer_name_for(None, "#!/usr/bin/env python3\nimport sys\nprint(sys.argv)\n") == "python"


def test_lexer_name_for_nothing_known() -> None:
    assert lexer_name_for(None, None) is None


def test_cache_skips_long_code_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_highlight_cache()
    lexed: list[int] = []
    original = highlight._lexer_process.lex

    def counting(code: str, lexer_name: str, timeout: float) -> Any:
        lexed.append(len(code))
        return original(code, lexer_name, timeout)

    monkeypatch.setattr(highlight._lexer_process, "lex", counting)
    short = ["x = 1"]
    long = [f"value_{number} = {number}" for number in range(3000)]
    long_chars = len("\n".join(long))
    assert long_chars > highlight._CACHE_MAX_ENTRY_CHARS
    for _ in range(2):
        (line,) = highlight_lines(short, "python")
        lines = highlight_lines(long, "python")
        assert colour_of(line, "1") is not None
        assert colour_of(lines[-1], "=") is not None
    # The short code is lexed once and then read from the cache, the long code every time.
    assert lexed == [len("x = 1"), long_chars, long_chars]
