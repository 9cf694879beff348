"""Safe Rich renderables from untrusted terminal output.

Commands that agents ran can print any byte. The functions here turn that
output into `rich.text.Text` (or a plain str) with no character in
U+0000-U+001F except "\\n", no DEL and no C1 control. Printing the result
can therefore neither move the cursor nor change the terminal title or
clipboard. Colors come out only as Rich styles.

SGR is parsed here instead of with `Text.from_ansi`. In rich 15.0,
`Text.from_ansi("Hello\\r\\nWorld\\r\\n")` returns only the two newlines, a
BEL-terminated OSC leaves its payload in the text and U+009B passes through.

Choices (details in `ansi_parse` and `line_buffer`):

- OSC, DCS, SOS, PM and APC strings become a dim marker that names the
  sequence but not its payload: "␛]0…" for a title, "␛]52…" for a
  clipboard write, "␛P…" for DCS. OSC 8 hyperlinks keep their text and
  drop the target without a marker.
- CSI sequences that move the cursor within a line (CUF, CUB, CHA, HPA) or
  erase it (EL) are replayed. Other CSI sequences and single ESC sequences
  are dropped without a marker.
- CR returns to column 0 and later text overwrites, BS moves back a column,
  tabs expand to the next multiple of `tab_size`. CRLF ends a line.
- C0 controls and DEL become control pictures (NUL -> ␀, BEL -> ␇), C1
  controls become "\\x85"-style escapes, and an ESC that starts no
  complete sequence becomes ␛. All of these are dim.
"""

from __future__ import annotations

from typing import Final

from rich.text import Text

from shadow_tui.render.ansi_parse import DEFAULT_SGR, decode_output, iter_tokens
from shadow_tui.render.line_buffer import render_line, split_lines, validate_tab_size
from shadow_tui.render.terminal_document import TerminalDocument
from shadow_tui.render.visible import show_spoofing_characters

__all__ = [
    "DEFAULT_TAB_SIZE",
    "TerminalDocument",
    "ansi_to_lines",
    "ansi_to_text",
    "decode_output",
    "render_output",
    "sanitize_inline",
    "strip_ansi",
]

DEFAULT_TAB_SIZE: Final = 8

# One-line fields show cursor controls instead of replaying them, so an
# overwrite trick such as "a\bb" cannot hide a character of a file path.
_INLINE_CONTROLS: Final = {"\t": "\u2409", "\r": "\u240d", "\b": "\u2408"}
_INLINE_NEWLINE: Final = "\u2424"


def _render_lines(lines: list[str], tab_size: int) -> list[Text]:
    validate_tab_size(tab_size)
    state = DEFAULT_SGR
    rendered: list[Text] = []
    for line in lines:
        text, state = render_line(line, state, tab_size)
        rendered.append(text)
    return rendered


def ansi_to_lines(s: str | bytes, *, tab_size: int = DEFAULT_TAB_SIZE) -> list[Text]:
    """Render terminal output as one Text per "\\n"-separated line.

    Every "\\n" separates two lines, so "a\\n" gives ["a", ""] and the
    result joined with "\\n" equals `ansi_to_text(s)`. The SGR state carries
    from one line to the next.
    """
    return _render_lines(decode_output(s).split("\n"), tab_size)


def ansi_to_text(s: str | bytes, *, tab_size: int = DEFAULT_TAB_SIZE) -> Text:
    """Render terminal output as one Text with colors as styles, keeping every "\\n"."""
    return Text("\n").join(ansi_to_lines(s, tab_size=tab_size))


def render_output(s: str | bytes, *, tab_size: int = DEFAULT_TAB_SIZE) -> Text:
    """Render command output for printing: like `ansi_to_text` without the final "\\n".

    Console.print ends the Text with a newline of its own, so a trailing
    "\\n" of the output would print as an extra blank line.
    """
    return Text("\n").join(_render_lines(split_lines(decode_output(s)), tab_size))


def strip_ansi(s: str | bytes, *, tab_size: int = DEFAULT_TAB_SIZE) -> str:
    """Return the plain text of `ansi_to_text(s)`: markers and overwrites included, no styles."""
    return "\n".join(text.plain for text in ansi_to_lines(s, tab_size=tab_size))


def sanitize_inline(s: str | bytes) -> str:
    """Return a one-line field (title, path, URL, branch) as text safe to print.

    Escape sequences are removed or marked as in `ansi_to_text`, but cursor
    controls are shown instead of replayed: tab, CR and BS become ␉, ␍
    and ␈, and "\\n" becomes ␤. Other controls become pictures like ␀.
    Bidi controls and zero-width characters that could disguise the text
    are written as their code point, such as "<U+202E>" (see
    `show_spoofing_characters`).
    """
    pieces: list[str] = []
    for number, line in enumerate(decode_output(s).split("\n")):
        if number:
            pieces.append(_INLINE_NEWLINE)
        for kind, value in iter_tokens(line):
            if kind in ("text", "marker"):
                pieces.append(value)
            elif kind == "cursor" and value in _INLINE_CONTROLS:
                pieces.append(_INLINE_CONTROLS[value])
    return show_spoofing_characters("".join(pieces))
