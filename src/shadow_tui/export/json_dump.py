"""The JSON export: a complete dump that `shadow-tui ingest` reads back.

The document is `{"format": "shadow-tui/task", "version": 1, "task": {...},
"messages": [...], "commands": [...], "edits": [...], "artifacts": [...]}`.
Times are ISO 8601 with their UTC offset. It is printed with indentation,
because `ingest` recognises a document (rather than JSON Lines events) by
a first line that is a lone "{".
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Final

from shadow_tui.export.document import TaskDocument
from shadow_tui.ingest import EXPORT_FORMAT

EXPORT_VERSION: Final = 1

# Lone surrogates are escaped too, because they cannot be encoded as UTF-8.
_UNSAFE: Final = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")

TASK_FIELDS: Final = (
    "task_id", "user_id", "repo_url", "branch", "model_name", "status", "created_at", "started_at",
    "completed_at", "error_message", "title", "source", "source_ref", "input_tokens", "output_tokens",
    "cost_usd",
)
"""Task columns in the export, besides the nested `user` object."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _plain(value: Any) -> Any:
    return _iso(value) if isinstance(value, datetime) else value


def document_to_json(document: TaskDocument) -> dict[str, Any]:
    """Convert a task document to the JSON-ready export structure."""
    task: dict[str, Any] = {name: _plain(getattr(document.task, name)) for name in TASK_FIELDS}
    user = document.user
    task["user"] = None if user is None else {
        "user_id": user.user_id, "email": user.email, "username": user.username,
        "display_name": user.display_name,
    }
    task["duration_seconds"] = document.task.duration_seconds
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "task": task,
        "messages": [
            {
                "message_id": message.message_id, "sender": message.sender, "content": message.content,
                "created_at": _iso(message.created_at), "sequence": message.sequence,
            }
            for message in document.messages
        ],
        "commands": [
            {
                "command_id": command.command_id, "command_text": command.command_text,
                "exit_code": command.exit_code, "output": command.output,
                "created_at": _iso(command.created_at), "duration_seconds": command.duration_seconds,
            }
            for command in document.commands
        ],
        "edits": [
            {
                "edit_id": edit.edit_id, "file_path": edit.file_path, "diff": edit.diff or "",
                "created_at": _iso(edit.created_at),
            }
            for edit in document.edits
        ],
        "artifacts": [
            {
                "artifact_id": artifact.artifact_id, "type": artifact.type, "s3_url": artifact.s3_url,
                "created_at": _iso(artifact.created_at),
            }
            for artifact in document.artifacts
        ],
    }


def render_json(document: TaskDocument) -> str:
    """Render the export as indented JSON text ending with a newline.

    Non-ASCII characters are kept, except that C0 and C1 controls, DEL and
    the Unicode line separators are written as JSON escapes (`\\u001b`,
    `\\u009b`), so printing the file cannot drive a terminal.
    """
    text = json.dumps(document_to_json(document), indent=2, ensure_ascii=False)
    # json.dumps escapes only U+0000-U+001F when ensure_ascii is off. These
    # characters can occur only inside JSON strings, where an escape is valid.
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text) + "\n"


__all__ = ["EXPORT_VERSION", "TASK_FIELDS", "document_to_json", "render_json"]
