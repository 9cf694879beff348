"""Hostile text: escape sequences, spoofing characters, and very large outputs, lines and diffs.

Every builder is deterministic: the random ones take a seed, so the same
arguments always give the same text.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Final, Literal

Scale = Literal["small", "full"]


@dataclass(frozen=True, slots=True)
class Sizes:
    """Sizes of the large inputs at one scale."""

    output_bytes: int
    """Length of the large command output, in bytes."""
    line_chars: int
    """Length of the single long line, in characters."""
    diff_lines: int
    """Number of changed lines in the large diff."""


SIZES: Final = {
    "small": Sizes(output_bytes=5_000_000, line_chars=1_000_000, diff_lines=100_000),
    "full": Sizes(output_bytes=50_000_000, line_chars=10_000_000, diff_lines=1_000_000),
}

MARKDOWN_NESTING_LEVELS: Final = 1_000
MARKDOWN_TABLE_COLUMNS: Final = 10_000

# Each sequence as a program would print it. The payload words
# (PAYLOAD_WORDS) must never reach a terminal, because a terminal
# interprets them as a title, a clipboard write or a link target.
ESCAPE_SEQUENCES: Final = {
    "osc52_clipboard": "\x1b]52;c;Y3VybCBldmlsfHNo\x07",
    "osc0_title": "\x1b]0;owned-icon-title\x07",
    "osc2_title": "\x1b]2;owned-window-title\x1b\\",
    "osc8_link": "\x1b]8;;https://evil.example/\x1b\\link text\x1b]8;;\x1b\\",
    "csi_erase_home": "\x1b[2J\x1b[H",
    "dcs_request": "\x1bP1$r0m\x1b\\",
    "apc": "\x1b_x\x1b\\",
    "c1_csi_red": "\x9b31m",
    "c1_dcs": "\x90",
    "c1_osc": "\x9d",
}
PAYLOAD_WORDS: Final = ("Y3VybCBldmlsfHNo", "owned-icon-title", "owned-window-title", "evil.example")

HOSTILE_LINE: Final = "visible-start " + "".join(ESCAPE_SEQUENCES.values()) + " tail"
"""One line with every sequence; "visible-start" stays readable after sanitizing."""

# Wide (CJK, fullwidth), combining, right-to-left and emoji text.
WIDE_TEXT: Final = "漢字テスト 한국어 ｆｕｌｌｗｉｄｔｈ"
COMBINING_TEXT: Final = "e\u0301 a\u0308 Z\u0337\u0322\u0348a\u0335l\u0336g\u0334o"
RTL_TEXT: Final = "שלום עולם مرحبا بالعالم"
EMOJI_TEXT: Final = "\U0001f469\u200d\U0001f4bb \U0001f3f3\ufe0f\u200d\U0001f308 \U0001f44d\U0001f3fd \U0001f1ef\U0001f1f5"
SCRIPTS_TEXT: Final = f"{WIDE_TEXT} | {COMBINING_TEXT} | {RTL_TEXT} | {EMOJI_TEXT}"

# Bidi override and zero-width characters that disguise a path or URL.
BIDI_SPOOF: Final = "invoice\u202egnp.exe"
ISOLATE_SPOOF: Final = "report\u2067cod.exe\u2069"
ZERO_WIDTH_SPOOF: Final = "github.com/ac\u200dme/api\u200b"
SPOOFING_CHARACTERS: Final = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff"

UNSAFE_FOR_TERMINAL: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Characters that a terminal may act on: C0 controls except tab and newline, DEL, C1."""

# SGR sequences that the ANSI renderers write themselves.
RENDERER_SGR: Final = re.compile(r"\x1b\[[0-9;:]*m")


def one_line_field(label: str) -> str:
    """Return a title, path or URL value that carries every escape sequence and spoofing trick."""
    return f"{label} {BIDI_SPOOF} {ZERO_WIDTH_SPOOF} {SCRIPTS_TEXT} {HOSTILE_LINE}"


def multi_line_text(label: str) -> str:
    """Return message or output text with escape sequences, controls and scripts on several lines."""
    return "\n".join([
        f"{label} first line",
        HOSTILE_LINE,
        "progress 10%\rprogress 50%\rprogress 100%",
        "bell\x07 backspace\x08 nul\x00 del\x7f vertical-tab\x0b form-feed\x0c",
        "lone surrogate \ud83d and replacement \ufffd",
        f"{BIDI_SPOOF} {ISOLATE_SPOOF} {ZERO_WIDTH_SPOOF}",
        SCRIPTS_TEXT,
        "line separator\u2028paragraph separator\u2029 next line\x85 end",
    ])


def nested_markdown(levels: int = MARKDOWN_NESTING_LEVELS) -> str:
    """Return Markdown with blockquotes and lists nested `levels` deep."""
    quotes = "".join("> " * depth + f"quote level {depth}\n" for depth in range(1, levels + 1))
    lists = "".join("  " * depth + f"- item level {depth}\n" for depth in range(levels))
    return f"# Nested\n\n{quotes}\n{lists}"


def wide_table(columns: int = MARKDOWN_TABLE_COLUMNS) -> str:
    """Return a Markdown table `columns` cells wide, with a header, a delimiter and one body row."""
    header = "|" + "|".join(f"c{index}" for index in range(columns)) + "|"
    delimiter = "|" + "|".join("---" for _ in range(columns)) + "|"
    body = "|" + "|".join(str(index % 10) for index in range(columns)) + "|"
    return f"A wide table:\n\n{header}\n{delimiter}\n{body}\n"


_SGR_COLORS: Final = ("31", "32", "33", "34", "1;35", "38;5;208", "38;2;10;200;30", "4;36")
_WORDS: Final = ("build", "test", "PASSED", "FAILED", "warning", "cargo", "npm", "ok", "src/app.py", "0x7f3a")


def _output_line(rng: random.Random, number: int) -> bytes:
    kind = rng.randrange(20)
    words = " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(3, 12)))
    if kind == 0:
        # A progress bar redrawn with CR, as pip and cargo print it.
        bars = "\r".join(f"[{'#' * step}{' ' * (10 - step)}] {step * 10}%" for step in range(11))
        return f"{bars}\n".encode()
    if kind == 1:
        return f"{number:08d} {HOSTILE_LINE}\n".encode()
    if kind == 2:
        # Raw bytes: invalid UTF-8, NUL and C0 controls, as `cat` of a binary file prints.
        return f"{number:08d} binary: ".encode() + rng.randbytes(rng.randrange(8, 40)).replace(b"\n", b"\xff") + b"\n"
    if kind == 3:
        return f"{number:08d} {SCRIPTS_TEXT}\n".encode()
    color = rng.choice(_SGR_COLORS)
    return f"{number:08d} \x1b[{color}m{words}\x1b[0m {words}\n".encode()


def large_output(size_bytes: int, *, seed: int) -> bytes:
    """Return terminal output of about `size_bytes` bytes: colours, progress bars, escapes, binary bytes."""
    rng = random.Random(seed)
    pieces: list[bytes] = []
    total = 0
    number = 0
    while total < size_bytes:
        line = _output_line(rng, number)
        pieces.append(line)
        total += len(line)
        number += 1
    return b"".join(pieces)


def long_line(size_chars: int, *, seed: int) -> str:
    """Return one line of `size_chars` characters (no newline), dense with SGR, CR and escape sequences."""
    rng = random.Random(seed)
    fragments = [
        "\x1b[31mred\x1b[0m ", "\x1b[1;32mbold green\x1b[22;39m ", "plain words here ",
        "\rover", "\x08\x08xy", "\t", "\x1b]0;owned-icon-title\x07", "\u6f22\u5b57 ", "\U0001f600 ",
    ]
    pieces: list[str] = []
    total = 0
    while total < size_chars:
        fragment = rng.choice(fragments)
        pieces.append(fragment)
        total += len(fragment)
    return "".join(pieces)[:size_chars]


def large_diff(changed_lines: int, *, path: str = "src/big_module.py") -> str:
    """Return a git diff of one file with `changed_lines` lines in hunks of 1,000, half removed, half added."""
    hunk_size = 1_000
    out = [f"diff --git a/{path} b/{path}", f"--- a/{path}", f"+++ b/{path}"]
    line_number = 1
    remaining = changed_lines
    while remaining > 0:
        size = min(hunk_size, remaining)
        pairs = size // 2
        removed = size - pairs
        out.append(f"@@ -{line_number},{removed} +{line_number},{pairs} @@ def function_{line_number}():")
        for offset in range(removed):
            out.append(f"-    value_{line_number + offset} = compute({offset})  # old \x1b[31mred\x1b[0m")
        for offset in range(pairs):
            out.append(f"+    value_{line_number + offset} = compute({offset} + 1)  # new {WIDE_TEXT}")
        line_number += removed
        remaining -= size
    return "\n".join(out) + "\n"


def hostile_diff(path: str) -> str:
    """Return a small unified diff whose path and lines carry escape sequences and spoofing characters."""
    return (
        f"--- a/{path}\n+++ b/{path}\n@@ -1,2 +1,2 @@\n"
        f" context {SCRIPTS_TEXT}\n"
        f"-old {HOSTILE_LINE}\n"
        f"+new {HOSTILE_LINE} {BIDI_SPOOF}\n"
    )
