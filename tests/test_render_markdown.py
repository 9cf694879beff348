"""Tests for chat-message rendering (markdown)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from rich.console import Console, RenderableType
from rich.markdown import Markdown
from rich.style import Style
from rich.text import Text

from shadow_tui.render.highlight import shutdown_highlighter
from shadow_tui.render.markdown import (
    MAX_MARKDOWN_CHARS,
    MAX_MARKDOWN_HEADINGS,
    MAX_MARKDOWN_LINES,
    MessageMarkdown,
    is_large_message,
    render_message_markdown,
    render_message_plain,
)


@pytest.fixture(scope="module", autouse=True)
def stop_lexer_process() -> Iterator[None]:
    yield
    shutdown_highlighter()


def is_coloured(text: Text, word: str) -> bool:
    """Return True when a span with a foreground colour covers all of `word`."""
    start = text.plain.index(word)
    end = start + len(word)
    for span in text.spans:
        style = span.style if isinstance(span.style, Style) else Style.parse(span.style)
        if style.color is not None and span.start <= start and end <= span.end:
            return True
    return False


def to_plain(renderable: RenderableType, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(renderable)
    output = console.file.getvalue()
    assert isinstance(output, str)
    return output


def to_ansi(renderable: RenderableType, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=True, color_system="truecolor")
    console.print(renderable)
    output = console.file.getvalue()
    assert isinstance(output, str)
    return output


@pytest.mark.parametrize(
    "content",
    [
        "10:06:02: [/Users/x/proj]",
        "[type=x, v={'a[0]'}]",
        "[/",
        "[bold]not bold[/bold]",
    ],
)
def test_markup_like_text_intact(content: str) -> None:
    rendered = render_message_markdown(content)
    assert not isinstance(rendered, str)
    assert content in to_plain(rendered)


@pytest.mark.parametrize("content", ["10:06:02: [/Users/x/proj]", "[/"])
def test_markup_like_text_intact_plain(content: str) -> None:
    assert content in to_plain(render_message_plain(content))


def test_normal_message_is_markdown() -> None:
    rendered = render_message_markdown("# Title\n\nSome **bold** text and `code`.\n")
    assert isinstance(rendered, Markdown)
    output = to_plain(rendered)
    assert "Title" in output
    assert "Some bold text and code." in output


def test_fence_highlighted_before_render() -> None:
    rendered = render_message_markdown("Look:\n\n```python\ndef f():\n    return 1\n```\n")
    assert isinstance(rendered, MessageMarkdown)
    highlighted = rendered.highlighted_fences[("python", "def f():\n    return 1")]
    assert is_coloured(highlighted, "def")
    assert "def f():" in to_plain(rendered)


def test_fence_colours_reach_output() -> None:
    output = to_ansi(render_message_markdown("```python\nimport os\n```\n"))
    assert "\x1b[38;" in output


def test_scala_fence_returns_plain() -> None:
    source = 'val s = "' + "\\" * 48
    rendered = render_message_markdown(f"```scala\n{source}\n```\n")
    assert source in to_plain(rendered, width=200)


def test_controls_shown_not_sent() -> None:
    output = to_ansi(render_message_markdown("colour \x1b[31mred\x1b[0m and cr\rhere\x07"))
    assert "␛[31mred␛[0m" in output
    assert "cr␍here␇" in output
    assert "\x1b[31m" not in output
    assert "\r" not in output


def test_crlf_message_has_no_cr_symbol() -> None:
    output = to_plain(render_message_markdown("line one\r\nline two\r\n"))
    assert "␍" not in output


def test_small_message_not_large() -> None:
    assert not is_large_message("# One heading\n\nA paragraph.\n")


def test_large_by_size() -> None:
    assert is_large_message("x" * (MAX_MARKDOWN_CHARS + 1))


def test_large_by_lines() -> None:
    assert is_large_message("a\n" * (MAX_MARKDOWN_LINES + 1))


def test_large_by_headings() -> None:
    assert is_large_message("# h\n" * (MAX_MARKDOWN_HEADINGS + 1))


def test_large_message_is_plain_text() -> None:
    content = "".join(f"## Heading {i}\n\ntext {i}\n\n" for i in range(2_000))
    rendered = render_message_markdown(content)
    assert isinstance(rendered, Text)
    assert "## Heading 1999" in rendered.plain


def test_large_fence_highlighted_in_plain() -> None:
    code = "".join(f"value_{i} = {i}\n" for i in range(6_000))
    rendered = render_message_markdown(f"```python\n{code}```\n")
    assert isinstance(rendered, Text)
    assert "value_5999 = 5999" in rendered.plain
    assert is_coloured(rendered, "value_5999")


def test_deep_blockquote_falls_back() -> None:
    rendered = render_message_markdown(">" * 500 + " deepest\n\nafter")
    assert isinstance(rendered, Text)
    assert "deepest" in rendered.plain
    assert "after" in rendered.plain


def test_deep_list_falls_back() -> None:
    content = "".join("  " * level + f"- item {level}\n" for level in range(40)) + "\nafter"
    rendered = render_message_markdown(content)
    assert isinstance(rendered, Text)
    assert "item 39" in rendered.plain
    assert "after" in rendered.plain


def test_shallow_nesting_stays_markdown() -> None:
    rendered = render_message_markdown("> > quoted twice\n\n- a\n  - b\n")
    assert isinstance(rendered, Markdown)


def test_wide_table_falls_back() -> None:
    header = "|" + "|".join(f"h{i}" for i in range(10_000)) + "|"
    divider = "|" + "|".join("-" for _ in range(10_000)) + "|"
    rendered = render_message_markdown(f"{header}\n{divider}\n")
    assert isinstance(rendered, Text)
    assert "h9999" in rendered.plain


def test_narrow_table_stays_markdown() -> None:
    rendered = render_message_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert isinstance(rendered, Markdown)
    assert "1" in to_plain(rendered)


def test_plain_keeps_fence_lines() -> None:
    rendered = render_message_plain("intro\n```js\nconst a = 1;\n```\noutro")
    assert rendered.plain == "intro\n```js\nconst a = 1;\n```\noutro"


def test_plain_unclosed_fence_runs_to_end() -> None:
    rendered = render_message_plain("intro\n~~~python\nimport os\nprint(os.sep)")
    assert rendered.plain == "intro\n~~~python\nimport os\nprint(os.sep)"
    assert is_coloured(rendered, "import")


def test_html_message_keeps_text() -> None:
    content = "<script>alert(1)</script> before\n\nand <b>bold</b> after"
    console = Console(width=80, record=True, color_system=None)
    console.print(render_message_markdown(content))
    shown = console.export_text()
    assert "<script>alert(1)</script>" in shown
    assert "<b>bold</b>" in shown
