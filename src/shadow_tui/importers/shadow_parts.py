"""Commands and file edits from the tool calls in Shadow's `ChatMessage.metadata.parts`.

Current Shadow keeps no command or file-edit tables: an assistant message's
`metadata.parts` lists its `tool-call` parts and their `tool-result` parts,
paired by `toolCallId`.

- run_terminal_cmd becomes a command: args.command, the result's stdout
  and stderr (joined by a newline) as output, and its exitCode.
- search_replace becomes a file edit whose diff turns old_string into
  new_string, or creates the file from /dev/null when is_new_file.
- edit_file becomes a file edit: a new file diffs from /dev/null. Otherwise
  `code_edit` is the model's sketch of the change, not a diff, so it is
  stored as it is, below a `#` comment line that labels it as a sketch.

An edit whose result reports `success: false` is skipped. A call without a
result is skipped while its task runs. In a finished task, a terminal call
without a result is a command with unknown exit code.

Parts carry no timestamps. Rows take their message's createdAt plus one
microsecond per part, so rows of one message keep their order. Shadow
stores milliseconds, so the offset never reaches the next message.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shadow_tui.db.writer import CommandData, EditData
from shadow_tui.importers.unified import labelled, new_file_diff, snippet_diff

logger = logging.getLogger(__name__)

PROPOSED_EDIT_LABEL = "The model's proposed edit (edit_file code_edit): a sketch of the change, not an exact diff."


@dataclass(slots=True)
class ToolRows:
    commands: list[CommandData] = field(default_factory=list)
    edits: list[EditData] = field(default_factory=list)


def metadata_of(value: Any) -> dict[str, Any]:
    """Return ChatMessage.metadata as a dict, whether the driver returned JSON text or an object."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            logger.warning("Ignoring ChatMessage metadata that is not valid JSON")
            return {}
    return value if isinstance(value, dict) else {}


def _parts(message: dict[str, Any]) -> list[dict[str, Any]]:
    parts = metadata_of(message.get("metadata")).get("parts")
    return [part for part in parts if isinstance(part, dict)] if isinstance(parts, list) else []


def _object(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return {"message": value}
    return value if isinstance(value, dict) else {}


def tool_rows(task_key: str, messages: list[dict[str, Any]], created_at_of: Any, *, running: bool) -> ToolRows:
    """Build the commands and edits of one task from its messages' parts, in message order.

    `created_at_of(message)` returns a message's aware creation time.
    """
    results: dict[str, dict[str, Any]] = {}
    for message in messages:
        for part in _parts(message):
            if part.get("type") == "tool-result" and part.get("toolCallId"):
                results[str(part["toolCallId"])] = _object(part.get("result"))

    rows = ToolRows()
    for message in messages:
        base_time: datetime = created_at_of(message)
        for index, part in enumerate(_parts(message)):
            if part.get("type") != "tool-call":
                continue
            call_id = str(part.get("toolCallId") or f"{message.get('id')}-{index}")
            row_id = f"{task_key}-{call_id}"
            args = _object(part.get("args"))
            result = results.get(call_id)
            created_at = base_time + timedelta(microseconds=index)
            name = part.get("toolName")
            if name == "run_terminal_cmd":
                if result is None and running:
                    continue
                rows.commands.append(_command(row_id, args, result, created_at))
            elif name in ("search_replace", "edit_file") and result is not None and result.get("success") is not False:
                edit = _edit(str(name), args, result)
                if edit is not None:
                    rows.edits.append(EditData(row_id, edit[0], edit[1], created_at))
    return rows


def _command(row_id: str, args: dict[str, Any], result: dict[str, Any] | None, created_at: datetime) -> CommandData:
    output = ""
    exit_code = None
    if result is not None:
        streams = [text for text in (result.get("stdout"), result.get("stderr")) if isinstance(text, str) and text]
        output = "\n".join(streams)
        if not output:
            fallback = result.get("error") or result.get("message")
            output = fallback if isinstance(fallback, str) else ""
        code = result.get("exitCode")
        exit_code = code if isinstance(code, int) and not isinstance(code, bool) else None
    return CommandData(row_id, str(args.get("command") or ""), output, created_at, exit_code=exit_code)


def _edit(name: str, args: dict[str, Any], result: dict[str, Any]) -> tuple[str, str] | None:
    if name == "search_replace":
        path = args.get("file_path")
        if not isinstance(path, str) or not path:
            return None
        old = str(args.get("old_string") or "")
        new = str(args.get("new_string") or "")
        if args.get("is_new_file"):
            return path, new_file_diff(new, path)
        return path, snippet_diff(old, new, path)
    path = args.get("target_file")
    if not isinstance(path, str) or not path:
        return None
    code_edit = str(args.get("code_edit") or "")
    if args.get("is_new_file") or result.get("isNewFile"):
        return path, new_file_diff(code_edit, path)
    return path, labelled(code_edit, PROPOSED_EDIT_LABEL)
