"""Syntax highlighting with a time and size budget, returning Rich `Text`.

Lexing runs in a child process (see `lex_worker`) so that a lexer with
catastrophic backtracking is killed after `timeout` seconds and the code is
shown as plain text. Input over the size budget is never lexed.

Every function here that lexes blocks for up to `timeout` seconds, plus the
start of the child process on first use. The app calls them from a worker
thread, never from the UI thread.

Styles carry foreground colour, bold, italic and underline only, never a
background, so the diff view can lay its added and removed backgrounds
under them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from functools import lru_cache

from pygments.lexers import get_lexer_for_filename
from pygments.styles import get_all_styles, get_style_by_name
from pygments.token import string_to_tokentype
from pygments.util import ClassNotFound
from rich.style import Style
from rich.text import Span, Text

from shadow_tui.render.lex_worker import LexerProcess, TokenLine
from shadow_tui.render.visible import (
    DEFAULT_TAB_SIZE,
    display_line,
    expand_tabs_in_pieces,
    visible_controls,
)

logger = logging.getLogger(__name__)

DEFAULT_THEME = "monokai"
DEFAULT_TIMEOUT = 2.0
GUESS_TIMEOUT = 1.0

# Budgets. Lexing time grows with size and some lexers are quadratic on long
# lines (minified files), so larger input is shown without colour.
MAX_HIGHLIGHT_CHARS = 2_000_000
MAX_LINE_CHARS = 10_000
GUESS_SAMPLE_CHARS = 4_096

# The token lists of Python code took about 85 bytes per character of code
# (tracemalloc, CPython 3.11, 1,000 lines of the benchmark's diff), so the
# character budget keeps at most about 85 MB of tokens. Longer inputs are
# diff chunks or whole files, which their callers keep rendered, so only
# their failures are kept.
_CACHE_MAX_ENTRIES = 256
_CACHE_MAX_CHARS = 1_000_000
_CACHE_MAX_ENTRY_CHARS = 20_000

_PLAIN_LEXERS = frozenset({"text", "plain", "plaintext", "txt", "output"})

_lexer_process = LexerProcess()


class _TokenCache:
    """An LRU cache of lexing results keyed by a hash of code and lexer.

    A stored None means that lexing failed or timed out, so the same input
    is not retried on every redraw. Tokens of code longer than
    `max_entry_chars` are not stored, but such a failure is.
    """

    def __init__(self, max_entries: int, max_chars: int, max_entry_chars: int) -> None:
        self._entries: OrderedDict[tuple[bytes, str], tuple[int, list[TokenLine] | None]] = OrderedDict()
        self._max_entries = max_entries
        self._max_chars = max_chars
        self._max_entry_chars = max_entry_chars
        self._chars = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(code: str, lexer_name: str) -> tuple[bytes, str]:
        digest = hashlib.blake2b(code.encode("utf-8", "surrogatepass"), digest_size=20).digest()
        return digest, lexer_name

    def get(self, key: tuple[bytes, str]) -> tuple[bool, list[TokenLine] | None]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            self._entries.move_to_end(key)
            return True, entry[1]

    def put(self, key: tuple[bytes, str], size: int, tokens: list[TokenLine] | None) -> None:
        if tokens is not None and size > self._max_entry_chars:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._chars -= previous[0]
            self._entries[key] = (size, tokens)
            self._chars += size
            while self._entries and (
                len(self._entries) > self._max_entries or self._chars > self._max_chars
            ):
                _, (old_size, _) = self._entries.popitem(last=False)
                self._chars -= old_size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._chars = 0


_cache = _TokenCache(_CACHE_MAX_ENTRIES, _CACHE_MAX_CHARS, _CACHE_MAX_ENTRY_CHARS)


def lexer_name_for(path: str | None, sample: str | None = None) -> str | None:
    """Return a Pygments lexer alias for a file, or None for plain text.

    The file name decides first (`get_lexer_for_filename`, which reads no
    content). Without a match, the first `GUESS_SAMPLE_CHARS` characters of
    `sample` are given to `guess_lexer` in the lexer process with a budget
    of `GUESS_TIMEOUT` seconds, so this call can block that long.
    """
    if path:
        name = os.path.basename(path.replace("\\", "/"))
        try:
            lexer = get_lexer_for_filename(name)
        except ClassNotFound:
            lexer = None
        if lexer is not None:
            return str(lexer.aliases[0]) if lexer.aliases else None

    if sample and sample.strip():
        return _lexer_process.guess(sample[:GUESS_SAMPLE_CHARS], GUESS_TIMEOUT)
    return None


@lru_cache(maxsize=16)
def _style_map(theme: str) -> dict[str, Style]:
    """Map token type names to Rich styles for a Pygments style (foreground only)."""
    try:
        pygments_style = get_style_by_name(theme)
    except ClassNotFound:
        names = ", ".join(sorted(get_all_styles()))
        raise ValueError(
            f"Unknown Pygments style {theme!r} for syntax highlighting. Use one of: {names}."
        ) from None

    styles: dict[str, Style] = {}
    for token_type, _ in pygments_style:
        definition = pygments_style.style_for_token(token_type)
        color = definition.get("color")
        styles[str(token_type)] = Style(
            color=f"#{color}" if color else None,
            bold=True if definition.get("bold") else None,
            italic=True if definition.get("italic") else None,
            underline=True if definition.get("underline") else None,
        )
    return styles


def _style_for(styles: dict[str, Style], token_name: str) -> Style:
    style = styles.get(token_name)
    if style is not None:
        return style

    # Lexers emit token types that the style does not list, such as
    # Token.Name.Builtin.Pseudo, and those inherit from their closest parent.
    token_type = string_to_tokentype(token_name)
    while token_type.parent is not None:
        token_type = token_type.parent
        style = styles.get(str(token_type))
        if style is not None:
            styles[token_name] = style
            return style
    styles[token_name] = Style.null()
    return Style.null()


def _lex_cached(code: str, lexer_name: str, timeout: float) -> list[TokenLine] | None:
    key = _TokenCache.key(code, lexer_name)
    found, tokens = _cache.get(key)
    if found:
        return tokens
    tokens = _lexer_process.lex(code, lexer_name, timeout)
    _cache.put(key, len(code), tokens)
    return tokens


def _within_budget(lines: list[str]) -> bool:
    total = 0
    for line in lines:
        length = len(line)
        if length > MAX_LINE_CHARS:
            return False
        total += length + 1
        if total > MAX_HIGHLIGHT_CHARS:
            return False
    return True


def highlight_lines(
    lines: list[str],
    lexer_name: str | None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    theme: str = DEFAULT_THEME,
    tab_size: int = DEFAULT_TAB_SIZE,
) -> list[Text]:
    """Highlight consecutive lines of one file and return one `Text` per line.

    The plain text of output line i is `display_line(lines[i], tab_size)`:
    the input with control characters shown as symbols and tabs expanded.
    Lines are lexed together, so a string or comment that spans lines is
    coloured as one. Input over the size budget, an unknown lexer, a lexer
    error and a timeout all give plain lines. Blocks for up to `timeout`
    seconds; call it from a worker thread.
    """
    if not lines:
        return []

    styles = _style_map(theme)
    visible = [visible_controls(line) for line in lines]
    token_lines: list[TokenLine] | None = None
    if lexer_name and lexer_name.lower() not in _PLAIN_LEXERS and _within_budget(visible):
        token_lines = _lex_cached("\n".join(visible), lexer_name, timeout)

    result: list[Text] = []
    for index, line in enumerate(visible):
        expected = line.expandtabs(tab_size)
        if token_lines is None or index >= len(token_lines):
            result.append(Text(expected))
        else:
            result.append(_line_text(token_lines[index], expected, styles, tab_size))
    return result


def _line_text(pieces: TokenLine, expected: str, styles: dict[str, Style], tab_size: int) -> Text:
    """Build one line's `Text` from its tokens, with one span per style run."""
    if any("\t" in piece for _, piece in pieces):
        pieces = expand_tabs_in_pieces(pieces, tab_size)
    plain = "".join(piece for _, piece in pieces)
    if plain != expected:
        # The lexer changed the text (some drop a byte-order mark, for
        # example), so the tokens no longer describe this line.
        return Text(expected)

    spans: list[Span] = []
    offset = 0
    for token_name, piece in pieces:
        end = offset + len(piece)
        style = _style_for(styles, token_name)
        if style:
            if spans and spans[-1].end == offset and spans[-1].style == style:
                spans[-1] = Span(spans[-1].start, end, style)
            else:
                spans.append(Span(offset, end, style))
        offset = end
    return Text(plain, spans=spans)


def highlight_code(
    code: str,
    lexer_name: str | None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    theme: str = DEFAULT_THEME,
    tab_size: int = DEFAULT_TAB_SIZE,
) -> Text:
    """Highlight a block of code and return it as one multi-line `Text`.

    Lines are split on "\\n" only, and a CR before "\\n" is dropped. Blocks
    like `highlight_lines`; call it from a worker thread.
    """
    lines = [line[:-1] if line.endswith("\r") else line for line in code.split("\n")]
    highlighted = highlight_lines(lines, lexer_name, timeout=timeout, theme=theme, tab_size=tab_size)
    return Text("\n").join(highlighted)


def plain_lines(lines: list[str], tab_size: int = DEFAULT_TAB_SIZE) -> list[Text]:
    """Return lines as uncoloured `Text`, with the same clean-up as `highlight_lines`."""
    return [Text(display_line(line, tab_size)) for line in lines]


def clear_highlight_cache() -> None:
    """Forget cached lexing results, including remembered timeouts."""
    _cache.clear()


def shutdown_highlighter() -> None:
    """Stop the lexer process. The next highlight call starts a new one."""
    _lexer_process.close()
