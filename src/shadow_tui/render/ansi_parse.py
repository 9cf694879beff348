"""Tokenizer and SGR state for untrusted terminal output.

`iter_tokens` splits one line (text without "\\n") into printable text,
SGR changes, in-line cursor operations and visible markers. Every escape
sequence and control character becomes one of those tokens or is dropped, so
no ESC, C0, C1 or DEL character reaches a text or marker token.

What happens to each kind of input:

- SGR (CSI ... m) becomes an `SgrState` change. Conceal (8) and blink (5, 6)
  are ignored so that hidden text stays readable. The 8-bit CSI U+009B is
  parsed like ESC [.
- CSI cursor operations inside one line (CUF C, CUB D, CHA G, HPA `, EL K)
  become "cursor" tokens. Every other CSI (vertical movement, erase display,
  scroll regions, private modes such as ?1049h) is dropped without a marker,
  because programs send them on every redraw.
- OSC, DCS, SOS, PM and APC strings (7-bit and 8-bit forms) become a dim
  marker such as "␛]52…" (OSC 52, a clipboard write) or "␛P…" (DCS). The
  marker never includes the payload, so a title or clipboard text does not
  appear as output. OSC 8 hyperlinks are dropped without a marker: the link
  text between them stays, the target is not shown.
- A string sequence ends at BEL, ST (ESC \\ or U+009C), CAN, SUB, any other
  ESC or C1 character, or the end of the line. Ending at the line end (which
  a terminal would not do) means a stray ESC ] hides at most one line.
- Other ESC sequences (ESC c, ESC 7, ESC =, charset designations such as
  ESC ( B) are dropped without a marker.
- An ESC that starts no complete sequence (for example an unterminated CSI)
  is shown as "␛" and the characters after it are kept as text.
- C0 controls and DEL become Unicode control pictures (NUL -> ␀), C1
  controls become an escape such as "\\x85", U+2028 and U+2029 become ␤.
  Tab, CR and BS are cursor operations instead.
- Lone surrogates, which a decoded file cannot hold but a str from JSON can,
  become U+FFFD like invalid UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Literal

from rich.color import Color
from rich.style import Style

MARKER_STYLE: Final = Style(dim=True)
"""Style of the visible stand-ins for removed sequences and control characters."""

_GENERATED = (
    "\u241b\u2026]PX^_\\x0123456789abcdef \ufffd\u2421\u2424"
    + "".join(chr(0x2400 + code) for code in range(0x20))
)
GENERATED_CHARACTERS: Final = frozenset(_GENERATED + _GENERATED.casefold())
"""Characters that rendering can put in a line without taking them from its text.

Markers, control pictures, padding spaces and U+FFFD, and their casefolded
forms. Any other character of a rendered line also occurs in the raw line.
"""

_TOKEN_RE: Final = re.compile(
    # The lookahead lets the regex engine skip plain text with a character
    # set test instead of trying every alternative at every position.
    r"(?=[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff])(?:"
    # CSI: parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, final 0x40-0x7E.
    r"(?P<csi>(?:\x1b\[|\x9b)(?P<params>[0-?]*)(?P<inter>[ -/]*)(?P<final>[@-~]))"
    # OSC, DCS, SOS, PM, APC with an optional terminator (see the module docstring).
    r"|(?P<string>(?:\x1b(?P<kind7>[\]PX^_])|(?P<kind8>[\x90\x98\x9d\x9e\x9f]))"
    r"(?P<payload>[^\x07\x1b\x18\x1a\x80-\x9f\n]*)(?:\x07|\x1b\\|[\x9c\x18\x1a])?)"
    # Other ESC sequences: ESC, intermediates, a final byte. "[" is left out so
    # that an unterminated CSI falls through to the lone ESC below.
    r"|(?P<escape>\x1b[ -/]*[0-Z\\-~])"
    r"|(?P<lone_escape>\x1b)"
    r"|(?P<control>[\x00-\x09\x0b-\x1a\x1c-\x1f\x7f-\x9f\u2028\u2029])"
    r"|(?P<surrogate>[\ud800-\udfff]))"
)

# An SGR sequence as `_TOKEN_RE` reads it. Every ESC [ and U+009B in a line
# starts a token there (payloads exclude both), so scanning a range for this
# pattern finds exactly the SGR tokens that `iter_tokens` would return.
_SGR_RE: Final = re.compile(r"(?:\x1b\[|\x9b)([0-9:;]*)m")
_SGR_PARAMS_RE: Final = re.compile(r"[0-9:;]*")
_FULL_RESETS: Final = ("\x1b[0m", "\x1b[m")

_STRING_KINDS_8BIT: Final = {"\x90": "P", "\x98": "X", "\x9d": "]", "\x9e": "^", "\x9f": "_"}
_OSC_NUMBER_RE: Final = re.compile(r"\d{1,5}")
_CURSOR_FINALS: Final = frozenset("CDG`K")


def _control_picture(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if code in (0x2028, 0x2029):
        return "\u2424"
    return f"\\x{code:02x}"


def decode_output(data: bytes | str) -> str:
    """Decode command output as UTF-8, replacing invalid sequences with U+FFFD.

    Decoding comes before any escape parsing: the bytes E2 9C B3 (✳) contain
    0x9C, which a byte-level parser would take for a string terminator. A str
    is returned unchanged.
    """
    if isinstance(data, str):
        return data
    return data.decode("utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class SgrState:
    """Graphic rendition in effect at one point of the output."""

    foreground: Color | None = None
    background: Color | None = None
    bold: bool = False
    dim: bool = False
    italic: bool = False
    underline: bool = False
    reverse: bool = False
    strike: bool = False
    overline: bool = False


DEFAULT_SGR: Final = SgrState()

TokenKind = Literal["text", "sgr", "cursor", "marker"]
Token = tuple[TokenKind, str]
"""A token: ("text", chars), ("sgr", params), ("cursor", final + params) or ("marker", visible form).

Cursor tokens are "\\t", "\\r", "\\b", or a CSI final byte followed by its
parameters, such as "G12" or "K2".
"""


def _string_marker(kind: str, payload: str) -> str | None:
    if kind == "]":
        if payload.startswith("8;"):
            return None
        number = _OSC_NUMBER_RE.match(payload)
        return "\u241b]" + (number.group() if number else "") + "\u2026"
    return "\u241b" + kind + "\u2026"


def iter_tokens(line: str) -> Iterator[Token]:
    """Split one line of terminal output into tokens (see the module docstring)."""
    position = 0
    for match in _TOKEN_RE.finditer(line):
        start = match.start()
        if start > position:
            yield ("text", line[position:start])
        position = match.end()

        group = match.lastgroup
        if group == "csi":
            params = match["params"]
            final = match["final"]
            if match["inter"] or not _SGR_PARAMS_RE.fullmatch(params):
                continue
            if final == "m":
                yield ("sgr", params)
            elif final in _CURSOR_FINALS and ":" not in params:
                yield ("cursor", final + params)
        elif group == "string":
            kind = match["kind7"] or _STRING_KINDS_8BIT[match["kind8"]]
            marker = _string_marker(kind, match["payload"])
            if marker is not None:
                yield ("marker", marker)
        elif group == "lone_escape":
            yield ("marker", "\u241b")
        elif group == "control":
            char = match.group()
            if char in "\t\r\b":
                yield ("cursor", char)
            else:
                yield ("marker", _control_picture(char))
        elif group == "surrogate":
            yield ("text", "\ufffd")
        # group == "escape": dropped.

    if position < len(line):
        yield ("text", line[position:])


_PARAM_CAP: Final = 1_000_000_000


def parse_param(value: str) -> int:
    """Read one CSI parameter of ASCII digits, empty meaning 0.

    Values of more than nine digits become 10**9 instead of raising, because
    int() rejects strings longer than 4300 digits and no code or count is
    that large.
    """
    digits = value.lstrip("0")
    if len(digits) > 9:
        return _PARAM_CAP
    return int(digits) if digits else 0


def _color_from_parts(parts: list[str]) -> tuple[Color | None, int]:
    """Read the color after 38/48/58 from semicolon parameters.

    Returns the color (None when invalid) and how many parameters it used.
    """
    if not parts:
        return None, 0
    mode = parse_param(parts[0])
    if mode == 5 and len(parts) >= 2:
        number = parse_param(parts[1])
        return (Color.from_ansi(number) if number <= 255 else None), 2
    if mode == 2 and len(parts) >= 4:
        red, green, blue = (parse_param(part) for part in parts[1:4])
        if max(red, green, blue) <= 255:
            return Color.from_rgb(red, green, blue), 4
        return None, 4
    return None, 1


def _color_from_subparams(subparams: list[str]) -> Color | None:
    """Read a colon form such as 38:5:n, 38:2::r:g:b (ITU T.416) or 38:2:r:g:b."""
    if not subparams:
        return None
    mode = parse_param(subparams[0])
    if mode == 5 and len(subparams) >= 2:
        number = parse_param(subparams[1])
        return Color.from_ansi(number) if number <= 255 else None
    if mode == 2 and len(subparams) >= 4:
        red, green, blue = (parse_param(part) for part in subparams[-3:])
        return Color.from_rgb(red, green, blue) if max(red, green, blue) <= 255 else None
    return None


_ATTRIBUTE_ON: Final = {
    1: "bold", 2: "dim", 3: "italic", 4: "underline", 7: "reverse",
    9: "strike", 21: "underline", 53: "overline",
}
_ATTRIBUTES_OFF: Final = {
    22: ("bold", "dim"), 23: ("italic",), 24: ("underline",), 27: ("reverse",),
    29: ("strike",), 55: ("overline",),
}


@lru_cache(maxsize=4096)
def apply_sgr(state: SgrState, params: str) -> SgrState:
    """Return the state after the SGR sequence with these parameters.

    Unknown codes and invalid colors are ignored.
    """
    fields: dict[str, Any] = {
        "foreground": state.foreground,
        "background": state.background,
        "bold": state.bold,
        "dim": state.dim,
        "italic": state.italic,
        "underline": state.underline,
        "reverse": state.reverse,
        "strike": state.strike,
        "overline": state.overline,
    }
    parts = params.split(";")
    index = 0
    while index < len(parts):
        part = parts[index]
        index += 1

        if ":" in part:
            code_text, *subparams = part.split(":")
            code = parse_param(code_text)
            if code in (38, 48):
                color = _color_from_subparams(subparams)
                if color is not None:
                    fields["foreground" if code == 38 else "background"] = color
                continue
            if code == 4:
                fields["underline"] = parse_param(subparams[0]) != 0 if subparams else True
                continue
        else:
            code = parse_param(part)

        if code == 0:
            fields = {name: None if name in ("foreground", "background") else False for name in fields}
        elif code in _ATTRIBUTE_ON:
            fields[_ATTRIBUTE_ON[code]] = True
        elif code in _ATTRIBUTES_OFF:
            for name in _ATTRIBUTES_OFF[code]:
                fields[name] = False
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fields["foreground"] = Color.from_ansi(code - 30 if code < 90 else code - 82)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            fields["background"] = Color.from_ansi(code - 40 if code < 100 else code - 92)
        elif code == 39:
            fields["foreground"] = None
        elif code == 49:
            fields["background"] = None
        elif code in (38, 48, 58) and ":" not in part:
            color, used = _color_from_parts(parts[index:])
            index += used
            if color is not None and code != 58:
                fields["foreground" if code == 38 else "background"] = color
    return SgrState(**fields)


@lru_cache(maxsize=4096)
def style_for(state: SgrState) -> Style | None:
    """Return the Rich style for an SGR state, or None for the default state."""
    if state == DEFAULT_SGR:
        return None
    return Style(
        color=state.foreground,
        bgcolor=state.background,
        bold=state.bold or None,
        dim=state.dim or None,
        italic=state.italic or None,
        underline=state.underline or None,
        reverse=state.reverse or None,
        strike=state.strike or None,
        overline=state.overline or None,
    )


class SgrScanner:
    """SGR state tracking over ranges of one text, without tokenizing it.

    Each state gets a small integer id, and each (state id, parameters)
    transition is stored, so a repeated sequence costs one dict lookup.
    """

    MAX_TRANSITIONS: Final = 65536
    """Maximum number of stored transitions. Outputs with more distinct ones,
    such as truecolor gradients, compute the rest with `apply_sgr`."""

    def __init__(self) -> None:
        self._states: list[SgrState] = [DEFAULT_SGR]
        self._state_ids: dict[SgrState, int] = {DEFAULT_SGR: 0}
        self._transitions: dict[tuple[int, str], int] = {}

    def _state_id(self, state: SgrState) -> int:
        state_id = self._state_ids.get(state)
        if state_id is None:
            state_id = len(self._states)
            self._state_ids[state] = state_id
            self._states.append(state)
        return state_id

    def advance(self, text: str, start: int, end: int, state: SgrState) -> SgrState:
        """Apply every SGR sequence in text[start:end] to state and return the result.

        Only the sequences after the last plain reset (ESC [ 0 m or ESC [ m)
        are parsed, because a reset discards everything before it.
        """
        for reset in _FULL_RESETS:
            found = text.rfind(reset, start, end)
            if found >= 0:
                start = found + len(reset)
                state = DEFAULT_SGR

        transitions = self._transitions
        state_id = self._state_id(state)
        for params in _SGR_RE.findall(text, start, end):
            next_id = transitions.get((state_id, params))
            if next_id is None:
                next_id = self._state_id(apply_sgr(self._states[state_id], params))
                if len(transitions) < self.MAX_TRANSITIONS:
                    transitions[(state_id, params)] = next_id
            state_id = next_id
        return self._states[state_id]
