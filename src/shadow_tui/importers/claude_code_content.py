"""Content parts of Claude Code records: message text, prompt titles, images."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from shadow_tui.db.models import ArtifactType
from shadow_tui.db.writer import ArtifactData
from shadow_tui.importers.base import base64_size, shorten_title

_SLASH_COMMAND = re.compile(
    r"<command-name>\s*(?P<name>[^<]*?)\s*</command-name>"
    r"(?:\s*<command-args>\s*(?P<args>.*?)\s*</command-args>)?",
    re.DOTALL,
)


def message_text(content: Any) -> str:
    """Return the text of message content: a string, or the text parts joined."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    texts = [
        part["text"] for part in content
        if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)
    ]
    return "\n\n".join(texts)


def title_from_prompt(text: str) -> str | None:
    """Return a task title from the first prompt, writing a slash command as `/name args`."""
    match = _SLASH_COMMAND.search(text)
    if match:
        text = " ".join(part for part in (match.group("name"), match.group("args") or "") if part)
    return shorten_title(text)


def image_artifact(artifact_id: str, part: dict[str, Any], created_at: datetime) -> ArtifactData | None:
    """Describe an image part as an artifact that records its media type and size, not its data."""
    source = part.get("source")
    if not isinstance(source, dict):
        return None
    media_type = str(source.get("media_type") or "image")
    data = source.get("data")
    if isinstance(data, str):
        url = f"inline-image:{media_type};{base64_size(data)} bytes"
    elif isinstance(source.get("url"), str):
        url = str(source["url"])
    else:
        url = f"inline-image:{media_type};unknown size"
    return ArtifactData(artifact_id, ArtifactType.OTHER.value, url, created_at)
