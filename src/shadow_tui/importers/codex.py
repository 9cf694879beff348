"""Codex CLI rollout files (`~/.codex/sessions/YYYY/MM/DD/rollout-<time>-<id>.jsonl`).

One file is one task, with id `codex-<session_meta.id>`. Each line is
{timestamp, type, payload}. What becomes what:

- `event_msg` user_message and agent_message events become user and agent
  messages. (The `response_item` messages repeat them, together with
  injected context such as `<environment_context>`, so they are not used.)
- A shell `function_call` becomes a command, with output, exit code and
  duration from its `function_call_output`. That output is a JSON string
  {output, metadata {exit_code, duration_seconds}}, or plain text in
  which an "exit code: N" is looked for.
- An apply_patch call (argv `["apply_patch", patch]`, a shell script that
  pipes a heredoc into apply_patch, or a `custom_tool_call` named
  apply_patch) that succeeded becomes one file edit per file of the patch.
  One that failed, or whose patch cannot be parsed, becomes a command.
- Model from the last `turn_context`, repo from session_meta.git
  (repository_url, else cwd) and branch from session_meta.git.branch;
  tokens from the last token_count event's total_token_usage.

Rows of events that have no id of their own (messages) are keyed by their
line number, which is stable because Codex only appends to a rollout file.
"""

from __future__ import annotations

import json
import logging
import re
import shlex
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from shadow_tui.db.models import Sender, TaskStatus
from shadow_tui.db.writer import CommandData, EditData, MessageData, SessionData, TaskData
from shadow_tui.importers.base import (
    ImportProblem, JsonRecord, ParsedSession, aware, exit_code_in, file_mtime,
    is_recently_modified, json_float, local_user, read_jsonl, shorten_title, time_bounds,
    unreadable_file_error,
)
from shadow_tui.importers.patch import PatchFormatError, find_patch, patch_to_diffs

logger = logging.getLogger(__name__)

FORMAT = "codex"
SHELL_TOOLS = frozenset({"shell", "container.exec", "local_shell", "shell_command", "exec_command"})
APPLY_PATCH_NAMES = frozenset({"apply_patch", "applypatch"})

_ROLLOUT_ID = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
_IDE_REQUEST = "## My request for Codex:"


@dataclass(slots=True)
class _Call:
    record: JsonRecord
    command_text: str
    patch: str | None


@dataclass(frozen=True, slots=True)
class _Output:
    text: str
    exit_code: int | None
    duration_seconds: float | None


def parse_file(path: Path, *, now: datetime | None = None) -> list[ParsedSession]:
    """Read one Codex rollout file. A file without {timestamp, type, payload} records yields no session.

    Raises ImportSourceError when it has no such record and some lines could not be read.
    """
    records, problems = read_jsonl(path)
    records = [r for r in records if isinstance(r.value.get("payload"), dict)]
    if not records:
        if problems:
            raise unreadable_file_error(path, FORMAT, problems)
        return []
    builder = _SessionBuilder(path, records, problems, is_recently_modified(path, now))
    return [ParsedSession(builder.build(), problems)]


def parse_output(raw: Any) -> _Output:
    """Parse a function_call_output's output: a JSON string, a dict or plain text."""
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError):
            # Plain text, or JSON too deep or with too long a number to load.
            return _Output(raw, exit_code_in(raw) if "exit code" in raw.lower() else None, None)
    if not isinstance(value, dict):
        text = raw if isinstance(raw, str) else json.dumps(raw)
        return _Output(text, None, None)
    metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
    text = value.get("output", value.get("content", ""))
    exit_code = metadata.get("exit_code")
    duration = metadata.get("duration_seconds")
    return _Output(
        text if isinstance(text, str) else json.dumps(text),
        exit_code if isinstance(exit_code, int) and not isinstance(exit_code, bool) else None,
        json_float(duration),
    )


def command_text(command: Any) -> str:
    """Return the command as typed: the script of `bash -lc SCRIPT`, else the argv joined."""
    if isinstance(command, str):
        return command
    if not isinstance(command, list) or not all(isinstance(part, str) for part in command):
        return json.dumps(command)
    if len(command) == 3 and Path(command[0]).name in ("bash", "sh", "zsh") and command[1] in ("-lc", "-c"):
        return command[2]
    return shlex.join(command)


def title_from_request(text: str) -> str | None:
    """Return a title from the first user message, skipping the IDE context block."""
    if _IDE_REQUEST in text:
        text = text.split(_IDE_REQUEST, 1)[1]
    return shorten_title(text)


class _SessionBuilder:
    def __init__(self, path: Path, records: list[JsonRecord], problems: list[ImportProblem], running: bool) -> None:
        self.path = path
        self.records = records
        self.problems = problems
        self.running = running
        self.meta = self._payload("session_meta")
        self.session_id = self._session_id()
        self.task_id = f"codex-{self.session_id}"
        self.fallback_time = file_mtime(path)

    def _payload(self, kind: str) -> dict[str, Any]:
        for record in self.records:
            if record.value.get("type") == kind:
                return record.value["payload"]
        return {}

    def _session_id(self) -> str:
        value = self.meta.get("id")
        if isinstance(value, str) and value:
            return value
        match = _ROLLOUT_ID.search(self.path.stem)
        return match.group(1) if match else self.path.stem

    def _time(self, record: JsonRecord) -> datetime:
        return aware(record.value.get("timestamp")) or self.fallback_time

    def _row_id(self, *parts: object) -> str:
        return "-".join([self.task_id, *(str(part) for part in parts)])

    def build(self) -> SessionData:
        messages: list[MessageData] = []
        calls: dict[str, _Call] = {}
        outputs: dict[str, _Output] = {}
        for record in self.records:
            payload = record.value["payload"]
            kind = payload.get("type")
            if record.value.get("type") == "event_msg" and kind in ("user_message", "agent_message"):
                text = payload.get("message")
                if isinstance(text, str) and text.strip():
                    sender = Sender.USER.value if kind == "user_message" else Sender.AGENT.value
                    messages.append(MessageData(
                        self._row_id(f"L{record.line}"), sender, text, self._time(record), len(messages)
                    ))
            elif record.value.get("type") == "response_item":
                self._collect_call(record, payload, calls, outputs)
        commands, edits = self._calls_to_rows(calls, outputs)
        return SessionData(task=self._task(messages), messages=messages, commands=commands, edits=edits)

    def _collect_call(
        self, record: JsonRecord, payload: dict[str, Any], calls: dict[str, _Call], outputs: dict[str, _Output]
    ) -> None:
        kind = payload.get("type")
        name = payload.get("name")
        call_id = str(payload.get("call_id") or payload.get("id") or f"L{record.line}")
        if kind in ("function_call_output", "custom_tool_call_output"):
            outputs[call_id] = parse_output(payload.get("output"))
        elif kind == "function_call" and isinstance(name, str) and name in SHELL_TOOLS:
            raw_arguments = payload.get("arguments") or "{}"
            if not isinstance(raw_arguments, str):
                self.problems.append(ImportProblem(
                    str(self.path), record.line,
                    f"the arguments of call {call_id} are a {type(raw_arguments).__name__}, "
                    "not a JSON string; skipped",
                ))
                return
            try:
                arguments = json.loads(raw_arguments)
            except json.JSONDecodeError as error:
                self.problems.append(ImportProblem(
                    str(self.path), record.line, f"invalid JSON in the arguments of call {call_id}: {error.msg}"
                ))
                return
            except (ValueError, RecursionError):
                self.problems.append(ImportProblem(
                    str(self.path), record.line, f"unreadable JSON in the arguments of call {call_id}; skipped"
                ))
                return
            command = arguments.get("command", arguments.get("cmd")) if isinstance(arguments, dict) else None
            calls[call_id] = _Call(record, command_text(command), _shell_patch(command))
        elif kind == "local_shell_call":
            action = payload.get("action") if isinstance(payload.get("action"), dict) else {}
            command = action.get("command")
            calls[call_id] = _Call(record, command_text(command), _shell_patch(command))
        elif kind == "custom_tool_call" and isinstance(name, str) and name in APPLY_PATCH_NAMES:
            patch = str(payload.get("input") or "")
            calls[call_id] = _Call(record, f"apply_patch\n{patch}", patch)

    def _calls_to_rows(
        self, calls: dict[str, _Call], outputs: dict[str, _Output]
    ) -> tuple[list[CommandData], list[EditData]]:
        commands: list[CommandData] = []
        edits: list[EditData] = []
        for call_id, call in calls.items():
            output = outputs.get(call_id)
            if output is None and self.running:
                continue
            created_at = self._time(call.record)
            if call.patch is not None and output is not None and _patch_succeeded(output):
                try:
                    diffs = patch_to_diffs(call.patch)
                except PatchFormatError as error:
                    self.problems.append(ImportProblem(
                        str(self.path), call.record.line,
                        f"apply_patch call {call_id} has an invalid patch ({error}); stored as a command",
                    ))
                else:
                    for index, (file_path, diff) in enumerate(diffs):
                        edits.append(EditData(self._row_id(call_id, index), file_path, diff, created_at))
                    continue
            commands.append(CommandData(
                self._row_id(call_id),
                call.command_text,
                output.text if output else "",
                created_at,
                exit_code=output.exit_code if output else None,
                duration_seconds=output.duration_seconds if output else None,
            ))
        return commands, edits

    def _task(self, messages: list[MessageData]) -> TaskData:
        started_at, ended_at = time_bounds(aware(r.value.get("timestamp")) for r in self.records)
        created_at = aware(self.meta.get("timestamp")) or started_at or self.fallback_time
        git = self.meta.get("git") if isinstance(self.meta.get("git"), dict) else {}
        status, error_message = self._status()
        input_tokens, output_tokens = self._tokens()
        first_user = next((m.content for m in messages if m.sender == Sender.USER.value), None)
        return TaskData(
            task_id=self.task_id,
            user=local_user(),
            created_at=created_at,
            status=status,
            repo_url=_text(git.get("repository_url")) or _text(self.meta.get("cwd")) or self._last_context("cwd"),
            branch=_text(git.get("branch")),
            model_name=self._last_context("model"),
            started_at=started_at,
            completed_at=None if status == TaskStatus.RUNNING.value else ended_at,
            error_message=error_message,
            title=title_from_request(first_user) if first_user else None,
            source=FORMAT,
            source_ref=str(self.path),
            input_tokens=input_tokens,
            output_tokens=output_tokens,
        )

    def _last_context(self, key: str) -> str | None:
        value = None
        for record in self.records:
            if record.value.get("type") == "turn_context":
                value = _text(record.value["payload"].get(key)) or value
        return value

    def _status(self) -> tuple[str, str | None]:
        if self.running:
            return TaskStatus.RUNNING.value, None
        events = [
            r.value["payload"] for r in self.records
            if r.value.get("type") == "event_msg" and r.value["payload"].get("type") != "token_count"
        ]
        if events and events[-1].get("type") == "error":
            return TaskStatus.ERROR.value, _text(events[-1].get("message")) or "Codex reported an error"
        return TaskStatus.COMPLETED.value, None

    def _tokens(self) -> tuple[int | None, int | None]:
        usage: dict[str, Any] = {}
        for record in self.records:
            payload = record.value["payload"]
            info = payload.get("info")
            if payload.get("type") == "token_count" and isinstance(info, dict):
                total = info.get("total_token_usage")
                if isinstance(total, dict):
                    usage = total
        input_tokens = usage.get("input_tokens")
        output_tokens = usage.get("output_tokens")
        return (
            input_tokens if isinstance(input_tokens, int) else None,
            output_tokens if isinstance(output_tokens, int) else None,
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _shell_patch(command: Any) -> str | None:
    """Return the patch an apply_patch shell call applies, or None for other commands."""
    if isinstance(command, list) and command and isinstance(command[0], str):
        if Path(command[0]).name in APPLY_PATCH_NAMES and len(command) >= 2 and isinstance(command[1], str):
            return command[1]
        script = command[-1] if isinstance(command[-1], str) else ""
    elif isinstance(command, str):
        script = command
    else:
        return None
    if not any(name in script for name in APPLY_PATCH_NAMES):
        return None
    return find_patch(script)


def _patch_succeeded(output: _Output) -> bool:
    if output.exit_code is not None:
        return output.exit_code == 0
    return output.text.startswith("Success.")
