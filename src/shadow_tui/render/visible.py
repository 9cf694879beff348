"""Visible stand-ins for control characters in untrusted text.

Agent histories contain raw terminal bytes: a bare carriage return from a
progress bar, an ESC that starts a colour sequence, a BEL. Written to a
terminal, they move the cursor or change its state. The diff, highlight and
Markdown renderers pass all text through the functions here before it goes
into a `rich.text.Text`, so these characters appear as symbols instead.
"""

from __future__ import annotations

import re
from typing import Final

DEFAULT_TAB_SIZE = 4


def _build_table(*, keep_newline: bool) -> dict[int, str]:
    table: dict[int, str] = {}

    # C0 controls map to the Unicode "Control Pictures" block, which has one
    # symbol per code: NUL -> U+2400, CR -> U+240D, ESC -> U+241B.
    for code in range(0x20):
        table[code] = chr(0x2400 + code)
    table[0x7F] = "\u2421"  # DEL -> ␡

    # C1 controls have no pictures. U+009B is a one-byte CSI on some
    # terminals, so each is written out as an escape such as "\x9b".
    for code in range(0x80, 0xA0):
        table[code] = f"\\x{code:02x}"

    # Line and paragraph separators end a line for some programs but not for
    # the terminal, so they are shown like a newline inside one line.
    table[0x2028] = "\u2424"  # ␤
    table[0x2029] = "\u2424"

    # A str decoded from JSON can hold lone surrogates, which no terminal
    # encoding can write, so they become U+FFFD like invalid UTF-8.
    for code in range(0xD800, 0xE000):
        table[code] = "\ufffd"

    # The caller expands tabs, because only the caller has the column.
    del table[ord("\t")]
    if keep_newline:
        del table[ord("\n")]
    return table


_LINE_TABLE = _build_table(keep_newline=False)
_BLOCK_TABLE = _build_table(keep_newline=True)

# Invisible characters that can make one path, URL, title or line of code
# look like another: the bidi embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069), which change the order in which text is
# displayed, and zero-width spaces (U+200B, U+2060, U+FEFF). ZWNJ and ZWJ (U+200C,
# U+200D) join emoji and the letters of scripts such as Arabic and
# Devanagari, so they are kept between two non-ASCII characters. Next to
# ASCII text or at either end of the text they only hide a difference, so
# they are shown there.
_SPOOFING_RE: Final = re.compile(
    "[\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]"
    "|[\u200c\u200d](?:(?<![^\x00-\x7f][\u200c\u200d])|(?![^\x00-\x7f]))"
)


def _code_point_label(match: re.Match[str]) -> str:
    return f"<U+{ord(match.group()):04X}>"


def show_spoofing_characters(text: str) -> str:
    """Write bidi controls and disguising zero-width characters as their code point, such as "<U+202E>"."""
    return _SPOOFING_RE.sub(_code_point_label, text)


def visible_controls(text: str) -> str:
    """Replace control characters in one line with visible symbols, keeping tabs.

    A newline inside the string is shown as ␤ because the string is meant
    to be one display line. Bidi controls and disguising zero-width
    characters are written as their code point (`show_spoofing_characters`),
    so a diff or code line cannot display in another order than it runs.
    """
    return show_spoofing_characters(text.translate(_LINE_TABLE))


def display_line(text: str, tab_size: int = DEFAULT_TAB_SIZE) -> str:
    """Return one line as it is displayed: controls visible, tabs expanded.

    Tab stops are counted in code points from the start of `text`.
    """
    return visible_controls(text).expandtabs(tab_size)


def visible_block_controls(text: str) -> str:
    """Replace control characters in multi-line text, keeping newlines and tabs.

    CRLF line endings become plain newlines first, so only a carriage return
    inside a line is shown (as ␍).
    """
    return text.replace("\r\n", "\n").translate(_BLOCK_TABLE)


def display_block(text: str, tab_size: int = DEFAULT_TAB_SIZE) -> str:
    """Return multi-line text as it is displayed: controls visible, tabs expanded."""
    return visible_block_controls(text).expandtabs(tab_size)


def expand_tabs_in_pieces(
    pieces: list[tuple[str, str]], tab_size: int = DEFAULT_TAB_SIZE
) -> list[tuple[str, str]]:
    """Expand tabs across a line split into (style, text) pieces.

    The column carries over from piece to piece, so the result joins to the
    same string as `"".join(text).expandtabs(tab_size)`.
    """
    expanded: list[tuple[str, str]] = []
    column = 0
    for style, piece in pieces:
        if "\t" not in piece:
            expanded.append((style, piece))
            column += len(piece)
            continue

        parts: list[str] = []
        for char in piece:
            if char == "\t":
                spaces = tab_size - (column % tab_size) if tab_size > 0 else 0
                parts.append(" " * spaces)
                column += spaces
            else:
                parts.append(char)
                column += 1
        expanded.append((style, "".join(parts)))
    return expanded
