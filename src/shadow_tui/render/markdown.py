"""Render chat messages as Markdown without trusting their content.

Message text is never parsed as Rich or Textual markup. As markup,
"10:06:02: [/Users/x/proj]" raises MarkupError in Rich 15 and Textual 8.2,
and in Textual 8.2 "[/" and "[type=x, v={'a[0]'}]" raise it even after
`rich.markup.escape`. Everything here returns `Text` or `Markdown` objects.

Three guards keep a message from hanging or breaking the view:

* Code fences are highlighted through `highlight` (child process, time and
  size budget) before rendering, instead of by Rich's `Syntax` at render
  time, which has no budget.
* Large messages (`is_large_message`), very wide tables and deep nesting
  are shown as plain text with highlighted fences. markdown-it-py 4.3 stops at
  20 nesting levels and silently drops the rest of the message.
* Control characters are shown as symbols before parsing, so no ESC or CR
  from a message reaches the terminal.

`render_message_markdown` and `render_message_plain` lex code fences, which
blocks (see `highlight`), so call them from a worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.markdown import CodeBlock, Markdown
from rich.padding import Padding
from rich.text import Text

from shadow_tui.render.highlight import DEFAULT_THEME, highlight_code
from shadow_tui.render.visible import display_block, visible_block_controls

# Size guard. Measured with Rich 15 on a 2-core AMD EPYC VM, printing a
# 63 KB fenced block takes about 0.5 s, a 518 KB one 4.4 s (through Rich's
# Syntax) and a 1 MB paragraph 0.4 s. These limits keep one message near or
# under half a second, and the UI splits larger ones (`is_large_message`).
MAX_MARKDOWN_CHARS = 64_000
MAX_MARKDOWN_LINES = 2_000
MAX_MARKDOWN_HEADINGS = 200

# Structure guard: a table row with more cells, or any token deeper than
# this markdown-it nesting level, is shown as plain text.
MAX_TABLE_COLUMNS = 64
MAX_NESTING_LEVEL = 16

_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)", re.MULTILINE)
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def is_large_message(content: str) -> bool:
    """Return True when a message is too large to render as Markdown at once.

    Large means over `MAX_MARKDOWN_CHARS` characters, `MAX_MARKDOWN_LINES`
    lines or `MAX_MARKDOWN_HEADINGS` heading-like lines ("# " lines inside
    code fences count too). The UI shows such a message as plain text, or
    splits it into chunks.
    """
    if len(content) > MAX_MARKDOWN_CHARS:
        return True
    if content.count("\n") > MAX_MARKDOWN_LINES:
        return True
    headings = 0
    for _ in _HEADING.finditer(content):
        headings += 1
        if headings > MAX_MARKDOWN_HEADINGS:
            return True
    return False


def _has_wide_table_row(content: str) -> bool:
    return any(line.count("|") > MAX_TABLE_COLUMNS + 1 for line in content.split("\n"))


def _too_deep(tokens: Iterable[Token]) -> bool:
    return any(token.level >= MAX_NESTING_LEVEL for token in tokens)


def _has_html(tokens: Iterable[Token]) -> bool:
    """Return True when the message contains raw HTML, which Rich's Markdown drops."""
    for token in tokens:
        if token.type in ("html_block", "html_inline"):
            return True
        if token.children and _has_html(token.children):
            return True
    return False


def _fence_lexer(info: str) -> str:
    """Return the lexer name Rich's CodeBlock would use for a fence info string."""
    return info.partition(" ")[0] or "text"


class _BudgetedCodeBlock(CodeBlock):
    """A code block that shows text highlighted before rendering started."""

    def __init__(self, lexer_name: str, theme: str) -> None:
        super().__init__(lexer_name, theme)
        self.highlighted: dict[tuple[str, str], Text] = {}

    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> CodeBlock:
        block = cls(_fence_lexer(token.info or ""), markdown.code_theme)
        block.highlighted = getattr(markdown, "highlighted_fences", {})
        return block

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        code = str(self.text).rstrip()
        text = self.highlighted.get((self.lexer_name, code))
        if text is None:
            text = Text(display_block(code))
        yield Padding(text.copy(), (0, 1))


class MessageMarkdown(Markdown):
    """Rich `Markdown` whose code fences are highlighted under a budget.

    Call `highlight_fences` (blocking) before rendering to colour fences.
    """

    elements = {
        **Markdown.elements,
        "fence": _BudgetedCodeBlock,
        "code_block": _BudgetedCodeBlock,
    }

    def __init__(self, markup: str, code_theme: str = DEFAULT_THEME) -> None:
        super().__init__(markup, code_theme=code_theme)
        self.highlighted_fences: dict[tuple[str, str], Text] = {}

    def highlight_fences(self) -> None:
        """Lex every code fence now, so rendering never runs a lexer.

        Blocks for up to the highlight time budget per fence. A fence that
        was not highlighted renders as plain text.
        """
        for token in self.parsed:
            if token.type not in ("fence", "code_block"):
                continue
            lexer_name = _fence_lexer(token.info or "") if token.type == "fence" else "text"
            code = token.content.rstrip()
            key = (lexer_name, code)
            if key not in self.highlighted_fences:
                self.highlighted_fences[key] = highlight_code(code, lexer_name, theme=self.code_theme)


def render_message_plain(content: str, *, code_theme: str = DEFAULT_THEME, highlight: bool = True) -> Text:
    """Render a message as plain text, with its code fences highlighted.

    Fence lines stay visible (dimmed) so the text reads as written. An
    unclosed fence runs to the end of the message, as in CommonMark.
    """
    lines = content.replace("\r\n", "\n").split("\n")
    parts: list[Text] = []
    prose: list[str] = []
    index = 0

    def flush_prose() -> None:
        if prose:
            parts.append(Text(display_block("\n".join(prose))))
            prose.clear()

    while index < len(lines):
        opening = _FENCE_OPEN.match(lines[index])
        if opening is None or (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            prose.append(lines[index])
            index += 1
            continue

        flush_prose()
        fence = opening.group(1)
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = index + 1
        while end < len(lines) and closing.match(lines[end]) is None:
            end += 1
        code = "\n".join(lines[index + 1 : end])
        lexer_name = _fence_lexer(opening.group(2).strip()) if highlight else None

        parts.append(Text(display_block(lines[index]), style="dim"))
        parts.append(highlight_code(code, lexer_name, theme=code_theme))
        if end < len(lines):
            parts.append(Text(display_block(lines[end]), style="dim"))
        index = end + 1

    flush_prose()
    return Text("\n").join(parts)


def render_message_markdown(content: str, *, code_theme: str = DEFAULT_THEME) -> RenderableType:
    """Render a chat message: Rich `Markdown` when safe, plain `Text` otherwise.

    Plain text (with highlighted fences) is returned for large messages
    (`is_large_message`), table rows wider than `MAX_TABLE_COLUMNS` cells,
    nesting deeper than `MAX_NESTING_LEVEL` and raw HTML. Blocks while fences are
    highlighted; call it from a worker thread.
    """
    # Markdown indentation depends on tabs, so they stay. Rich expands
    # them when it wraps the text.
    cleaned = visible_block_controls(content)
    if is_large_message(cleaned) or _has_wide_table_row(cleaned):
        return render_message_plain(cleaned, code_theme=code_theme)

    markdown = MessageMarkdown(cleaned, code_theme=code_theme)
    # Rich renders nothing for raw HTML, so such a message is shown as text
    # to keep every character the agent wrote.
    if _too_deep(markdown.parsed) or _has_html(markdown.parsed):
        return render_message_plain(cleaned, code_theme=code_theme)
    markdown.highlight_fences()
    return markdown
