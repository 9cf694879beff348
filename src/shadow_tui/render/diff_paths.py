"""File paths in diff headers: git's C quoting and the extended header lines."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

DEV_NULL = "/dev/null"

# Escapes that git's quote_c_style writes, besides three-digit octal bytes.
_C_ESCAPES = {
    "a": 0x07,
    "b": 0x08,
    "t": 0x09,
    "n": 0x0A,
    "v": 0x0B,
    "f": 0x0C,
    "r": 0x0D,
    '"': 0x22,
    "\\": 0x5C,
}
_OCTAL_DIGITS = frozenset("01234567")
_QUOTED_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"')


@dataclass(frozen=True, slots=True)
class GitHeader:
    """Facts from a file's git extended header lines ("rename from" and so on)."""

    is_git: bool
    rename_from: str | None
    rename_to: str | None
    binary_patch: bool
    git_paths: tuple[str, str] | None


def unquote_git_path(value: str) -> str:
    """Decode a path that git wrote in C style, such as "a/Bug \\346\\216\\222.md".

    Octal escapes are bytes of the UTF-8 name, and bytes that are not valid
    UTF-8 become U+FFFD. A value without surrounding double quotes is returned as is.
    """
    if len(value) < 2 or not (value.startswith('"') and value.endswith('"')):
        return value

    body = value[1:-1]
    decoded = bytearray()
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            decoded += char.encode("utf-8", "surrogatepass")
            index += 1
            continue

        following = body[index + 1 : index + 2]
        octal = body[index + 1 : index + 4]
        if following in _C_ESCAPES:
            decoded.append(_C_ESCAPES[following])
            index += 2
        elif len(octal) == 3 and set(octal) <= _OCTAL_DIGITS:
            decoded.append(int(octal, 8) & 0xFF)
            index += 4
        else:
            decoded += b"\\"
            index += 1
    return decoded.decode("utf-8", "replace")


def strip_prefix(path: str, prefix: str) -> str:
    """Remove git's "a/" or "b/" side prefix from a path that has it."""
    return path[len(prefix) :] if path.startswith(prefix) else path


def _split_git_line(rest: str) -> tuple[str, str] | None:
    """Split the two paths of "diff --git A B", which may contain spaces."""
    quoted = _QUOTED_TOKEN.findall(rest)
    if rest.startswith('"') or rest.endswith('"'):
        if rest.startswith('"') and rest.endswith('"') and len(quoted) == 2:
            return unquote_git_path(quoted[0]), unquote_git_path(quoted[1])
        if rest.startswith('"') and quoted:
            first = quoted[0]
            return unquote_git_path(first), rest[len(first) + 1 :]
        if quoted:
            last = quoted[-1]
            return rest[: -len(last) - 1], unquote_git_path(last)
        return None

    # Without a rename both sides name the same file, "a/X b/X", so the
    # line splits in the middle even when X contains spaces.
    if len(rest) % 2 == 1:
        middle = len(rest) // 2
        left, right = rest[:middle], rest[middle + 1 :]
        if rest[middle] == " " and left[2:] == right[2:]:
            return left, right
    position = rest.rfind(" b/")
    if position > 0:
        return rest[:position], rest[position + 1 :]
    return None


def git_extended_header(lines: Iterable[str]) -> GitHeader:
    """Read the "diff --git" line and the extended header lines of one file.

    Reading stops at the first "@@" hunk header, so hunk bodies are never
    taken for header lines.
    """
    is_git = False
    rename_from: str | None = None
    rename_to: str | None = None
    binary_patch = False
    git_paths: tuple[str, str] | None = None

    for line in lines:
        if line.startswith("@@ "):
            break
        if line.startswith("diff --git "):
            is_git = True
            split = _split_git_line(line[len("diff --git ") :])
            if split is not None:
                git_paths = (strip_prefix(split[0], "a/"), strip_prefix(split[1], "b/"))
        elif line.startswith("rename from "):
            rename_from = unquote_git_path(line[len("rename from ") :])
        elif line.startswith("rename to "):
            rename_to = unquote_git_path(line[len("rename to ") :])
        elif line == "GIT binary patch":
            binary_patch = True

    return GitHeader(
        is_git=is_git,
        rename_from=rename_from,
        rename_to=rename_to,
        binary_patch=binary_patch,
        git_paths=git_paths,
    )
