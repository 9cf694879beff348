"""Masking of secrets (API keys, tokens, URL passwords) in exported text.

Each pattern is a regular expression. When it has a group named `secret`,
only that group is replaced by MASK, so the recognisable prefix stays
readable (`sk-ant-REDACTED`, `Bearer REDACTED`, `https://user:REDACTED@host`).
Without that group the whole match is replaced. The built-in patterns are listed
in `docs/redaction.md`, and the settings file adds more with
`redact_patterns = ["regex", ...]`.

Matching runs on the stored text before any rendering. A key interrupted
by an escape sequence or a line break is not recognised.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from shadow_tui.config import load_config

logger = logging.getLogger(__name__)

# Letters only, because chat messages are rendered as Markdown after redaction,
# where a mask such as `***` would be read as emphasis and vanish from the export.
MASK: Final = "REDACTED"

# Characters that may continue a key; a key must not start in the middle of a longer word.
_KEY_START = r"(?<![A-Za-z0-9_-])"


@dataclass(frozen=True, slots=True)
class RedactPattern:
    """A named secret pattern."""

    name: str
    regex: re.Pattern[str]


def _pattern(name: str, expression: str, flags: int = 0) -> RedactPattern:
    return RedactPattern(name, re.compile(expression, flags))


BUILTIN_PATTERNS: Final[tuple[RedactPattern, ...]] = (
    # OpenAI (sk-..., sk-proj-...) and Anthropic (sk-ant-...) API keys.
    _pattern("openai-anthropic-key", _KEY_START + r"sk-(?:ant-|proj-|svcacct-|admin-)?(?P<secret>[A-Za-z0-9_-]{16,})"),
    # GitHub personal, OAuth, app server, user-to-server and refresh tokens.
    _pattern("github-token", _KEY_START + r"gh[pousr]_(?P<secret>[A-Za-z0-9]{20,})"),
    _pattern("github-fine-grained-token", _KEY_START + r"github_pat_(?P<secret>[A-Za-z0-9_]{20,})"),
    # Slack bot, user, app, refresh and legacy tokens.
    _pattern("slack-token", _KEY_START + r"xox[abprs]-(?P<secret>[A-Za-z0-9-]{10,})"),
    # AWS access key ids.
    _pattern("aws-access-key-id", r"(?<![A-Z0-9])AKIA(?P<secret>[0-9A-Z]{16})(?![A-Z0-9])"),
    # HTTP Authorization headers of any scheme, then bare "bearer TOKEN".
    _pattern(
        "authorization-header",
        r"\bauthorization\s*[:=]\s*[\"']?(?:bearer|basic|token|digest)\s+(?P<secret>[^\s\"'<>*]+)",
        re.IGNORECASE,
    ),
    _pattern("bearer-token", r"\bbearer\s+(?P<secret>[A-Za-z0-9._~+/=-]{8,})", re.IGNORECASE),
    # Passwords in URLs: scheme://user:PASSWORD@host.
    _pattern("url-password", r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:(?P<secret>[^\s/@]+)@"),
)


@dataclass(frozen=True, slots=True)
class Redactor:
    """Masks every match of its patterns in a string."""

    patterns: tuple[RedactPattern, ...]

    def redact(self, text: str) -> str:
        """Return `text` with each secret replaced by MASK."""
        for pattern in self.patterns:
            if "secret" in pattern.regex.groupindex:
                text = pattern.regex.sub(_mask_secret_group, text)
            else:
                text = pattern.regex.sub(MASK, text)
        return text


def _mask_secret_group(match: re.Match[str]) -> str:
    start, end = match.span("secret")
    if start < 0:
        return match.group(0)
    whole_start = match.start()
    whole = match.group(0)
    return whole[: start - whole_start] + MASK + whole[end - whole_start :]


def build_redactor(extra_patterns: Sequence[str] = ()) -> Redactor:
    """Build a redactor from the built-in patterns and extra regular expressions.

    An invalid extra expression raises ValueError naming it.
    """
    extra: list[RedactPattern] = []
    for number, expression in enumerate(extra_patterns, start=1):
        try:
            extra.append(RedactPattern(f"setting-{number}", re.compile(expression)))
        except re.error as error:
            raise ValueError(f"invalid redact pattern {expression!r}: {error}") from None
    return Redactor(BUILTIN_PATTERNS + tuple(extra))


def load_redactor(config_file: Path | None = None) -> Redactor:
    """Build a redactor with the `redact_patterns` of the settings file.

    An invalid settings file raises `ConfigError`, so an export never goes
    out with fewer patterns than the user configured.
    """
    config = load_config(config_file)
    logger.debug("Redacting with %d built-in and %d configured patterns",
                 len(BUILTIN_PATTERNS), len(config.redact_patterns))
    return build_redactor(config.redact_patterns)


__all__ = ["BUILTIN_PATTERNS", "MASK", "RedactPattern", "Redactor", "build_redactor", "load_redactor"]
