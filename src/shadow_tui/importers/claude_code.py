"""Claude Code session files (`~/.claude/projects/<escaped-cwd>/<session-id>.jsonl`).

One file is one task, with id `cc-<sessionId>`, or `cc-<sessionId>-<agentId>`
for a file that holds only one sub-agent's records. What becomes what:

- A `user` record that is not `isMeta` and has text (a string, or text
  parts) becomes a user message.
- Sidechain records (`isSidechain`, a sub-agent started by the Task tool)
  are imported into the same task. The sidechain's `user` text is the
  prompt the main agent wrote for the sub-agent. It follows the rule above
  (a user message), and starts with SIDECHAIN_PROMPT_LABEL so a reader can
  tell it from what the person typed. A compaction summary
  (`isCompactSummary`) is written by Claude Code, so it becomes an agent
  message with its own label.
- Assistant records are grouped by `message.id`, because Claude Code writes
  one line per content part. The text parts of all lines of one id, in
  file order, become one agent message.
- A Bash tool_use becomes a command with its tool_result as output. Claude
  Code records no exit code field, so the exit code is read from the
  result: 0 when it is not an error, N when the error text starts with
  `Exit code N`, and 1 (the generic failure status) for any other error
  result, because Claude Code marked the command failed without giving
  its status. An error result for a command that never ran has no exit
  status and keeps the exit code unknown: a `<tool_use_error>` (the call
  was invalid or blocked) or the text Claude Code writes when the user
  rejected or stopped the call.
- An Edit, MultiEdit, Write or NotebookEdit whose result is not an error
  becomes a file edit (see `edits.py`).
- Images in messages and tool results become artifacts of type "other"
  whose URL records only the media type and size (see `image_artifact`).

A tool call without a result is skipped while the session is running,
because a later import adds it with its result. In a finished session, a
Bash call without a result is a command with unknown exit code.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from shadow_tui.db.models import Sender, TaskStatus
from shadow_tui.db.writer import (
    ArtifactData, CommandData, EditData, MessageData, SessionData, TaskData,
)
from shadow_tui.importers.base import (
    JsonRecord, ParsedSession, aware, file_mtime, is_recently_modified, json_float, local_user,
    parse_exit_code, read_jsonl, time_bounds, unreadable_file_error,
)
from shadow_tui.importers.claude_code_content import image_artifact, message_text, title_from_prompt
from shadow_tui.importers.claude_code_edits import EDIT_TOOLS, edit_diff

logger = logging.getLogger(__name__)

FORMAT = "claude-code"
SIDECHAIN_PROMPT_LABEL = "[sub-agent prompt]"
COMPACT_SUMMARY_LABEL = "[conversation summary]"

_EXIT_CODE_PREFIX = re.compile(r"^Exit code (-?\d+)")

# The exit status given to an error result that states no exit code.
GENERIC_FAILURE_EXIT_CODE = 1

# Starts of error results for a Bash call that did not run, so it has no exit status.
_NOT_RUN_PREFIXES = (
    "<tool_use_error>",
    "The user doesn't want to proceed with this tool use.",
)


@dataclass(slots=True)
class _AgentMessage:
    line: int
    created_at: datetime | None
    texts: list[str] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class _ToolResult:
    text: str
    is_error: bool
    record: JsonRecord


def parse_file(path: Path, *, now: datetime | None = None) -> list[ParsedSession]:
    """Read one Claude Code session file. A file without user or assistant records yields no session.

    Raises ImportSourceError when it has no such record and some lines could not be read.
    """
    records, problems = read_jsonl(path)
    conversation = [r for r in records if r.value.get("type") in ("user", "assistant")]
    if not conversation:
        if problems:
            raise unreadable_file_error(path, FORMAT, problems)
        return []
    builder = _SessionBuilder(path, records, is_recently_modified(path, now))
    return [ParsedSession(builder.build(), problems)]


class _SessionBuilder:
    def __init__(self, path: Path, records: list[JsonRecord], running: bool) -> None:
        self.path = path
        self.records = records
        self.running = running
        self.session_id = self._session_id()
        self.sub_agent = self._sub_agent_id()
        if self.sub_agent is None:
            self.task_id = f"cc-{self.session_id}"
        else:
            self.task_id = f"cc-{self.session_id}-{self.sub_agent}"
        self.fallback_time = file_mtime(path)
        self.messages: list[tuple[int, MessageData]] = []
        self.commands: list[CommandData] = []
        self.edits: list[EditData] = []
        self.artifacts: list[ArtifactData] = []
        self.results = self._tool_results()

    def _session_id(self) -> str:
        for record in self.records:
            value = record.value.get("sessionId")
            if isinstance(value, str) and value:
                return value
        return self.path.stem

    def _sub_agent_id(self) -> str | None:
        """Return the agent id of a file that holds only sidechain records, else None.

        Such a file is a sub-agent's transcript kept apart from its parent's,
        under the parent's sessionId. It becomes a task of its own, because
        two files writing one task would overwrite each other's task fields
        on every import.
        """
        conversation = [r.value for r in self.records if r.value.get("type") in ("user", "assistant")]
        if not conversation or not all(value.get("isSidechain") for value in conversation):
            return None
        agent_id = next((v["agentId"] for v in conversation if isinstance(v.get("agentId"), str) and v["agentId"]), None)
        return agent_id or self.path.stem

    def _time(self, record: JsonRecord) -> datetime:
        return aware(record.value.get("timestamp")) or self.fallback_time

    def _row_id(self, *parts: object) -> str:
        return "-".join([self.task_id, *(str(part) for part in parts)])

    def _tool_results(self) -> dict[str, _ToolResult]:
        results: dict[str, _ToolResult] = {}
        for record in self.records:
            content = _content(record)
            if record.value.get("type") != "user" or not isinstance(content, list):
                continue
            for part in content:
                if isinstance(part, dict) and part.get("type") == "tool_result":
                    tool_use_id = str(part.get("tool_use_id") or "")
                    results[tool_use_id] = _ToolResult(
                        self._result_text(part, record, tool_use_id), bool(part.get("is_error")), record
                    )
        return results

    def _result_text(self, part: dict[str, Any], record: JsonRecord, tool_use_id: str) -> str:
        content = part.get("content")
        if isinstance(content, str):
            return content
        if not isinstance(content, list):
            return ""
        pieces: list[str] = []
        for index, item in enumerate(content):
            if not isinstance(item, dict):
                continue
            if item.get("type") == "text" and isinstance(item.get("text"), str):
                pieces.append(item["text"])
            elif item.get("type") == "image":
                artifact = image_artifact(self._row_id(tool_use_id, "image", index), item, self._time(record))
                if artifact is not None:
                    self.artifacts.append(artifact)
                    pieces.append(f"[image: {artifact.s3_url.removeprefix('inline-image:')}]")
        return "\n".join(pieces)

    def build(self) -> SessionData:
        agent_messages: dict[str, _AgentMessage] = {}
        for record in self.records:
            kind = record.value.get("type")
            if kind == "user":
                self._add_user_record(record)
            elif kind == "assistant":
                self._add_assistant_record(record, agent_messages)
        self._add_agent_messages(agent_messages)
        self.messages.sort(key=lambda item: item[0])
        messages = [message for _, message in self.messages]
        for sequence, message in enumerate(messages):
            message.sequence = sequence
        return SessionData(
            task=self._task(agent_messages),
            messages=messages,
            commands=self.commands,
            edits=self.edits,
            artifacts=self.artifacts,
        )

    def _add_user_record(self, record: JsonRecord) -> None:
        value = record.value
        content = _content(record)
        created_at = self._time(record)
        if isinstance(content, list):
            for index, part in enumerate(content):
                if isinstance(part, dict) and part.get("type") == "image":
                    artifact = image_artifact(self._row_id(_record_key(record), "image", index), part, created_at)
                    if artifact is not None:
                        self.artifacts.append(artifact)
        text = message_text(content)
        if value.get("isMeta") or not text.strip():
            return
        sender = Sender.USER.value
        if value.get("isCompactSummary"):
            sender, text = Sender.AGENT.value, f"{COMPACT_SUMMARY_LABEL}\n\n{text}"
        elif value.get("isSidechain"):
            text = f"{SIDECHAIN_PROMPT_LABEL}\n\n{text}"
        message = MessageData(self._row_id(_record_key(record)), sender, text, created_at)
        self.messages.append((record.line, message))

    def _add_assistant_record(self, record: JsonRecord, agent_messages: dict[str, _AgentMessage]) -> None:
        message = record.value.get("message")
        if not isinstance(message, dict):
            return
        message_id = str(message.get("id") or _record_key(record))
        entry = agent_messages.get(message_id)
        if entry is None:
            entry = agent_messages[message_id] = _AgentMessage(record.line, aware(record.value.get("timestamp")))
        usage = message.get("usage")
        if isinstance(usage, dict):
            # Streaming writes the same usage on every line of a message,
            # with output_tokens growing, so the maximum of each is kept.
            for key, count in usage.items():
                if isinstance(count, int) and not isinstance(count, bool):
                    entry.usage[key] = max(entry.usage.get(key, 0), count)
        content = message.get("content")
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        if not isinstance(content, list):
            return
        for part in content:
            if not isinstance(part, dict):
                continue
            if part.get("type") == "text" and isinstance(part.get("text"), str) and part["text"].strip():
                entry.texts.append(part["text"])
            elif part.get("type") == "tool_use":
                self._add_tool_use(record, part)

    def _add_agent_messages(self, agent_messages: dict[str, _AgentMessage]) -> None:
        held_back = None
        if self.running and agent_messages:
            # The last message may still be streaming, so a later import adds it whole.
            held_back = max(agent_messages, key=lambda key: agent_messages[key].line)
        for message_id, entry in agent_messages.items():
            if not entry.texts or message_id == held_back:
                continue
            created_at = entry.created_at or self.fallback_time
            text = "\n\n".join(entry.texts)
            self.messages.append((entry.line, MessageData(self._row_id(message_id), Sender.AGENT.value, text, created_at)))

    def _add_tool_use(self, record: JsonRecord, part: dict[str, Any]) -> None:
        name = part.get("name")
        tool_use_id = str(part.get("id") or "")
        tool_input = part.get("input") if isinstance(part.get("input"), dict) else {}
        result = self.results.get(tool_use_id)
        created_at = self._time(record)
        if name == "Bash":
            if result is None and self.running:
                return
            self.commands.append(CommandData(
                self._row_id(tool_use_id),
                str(tool_input.get("command") or ""),
                result.text if result else "",
                created_at,
                exit_code=_exit_code(result),
            ))
        elif isinstance(name, str) and name in EDIT_TOOLS and result is not None and not result.is_error:
            tool_use_result = result.record.value.get("toolUseResult")
            edit = edit_diff(str(name), tool_input, tool_use_result, result.text)
            if edit is not None:
                file_path, diff = edit
                self.edits.append(EditData(self._row_id(tool_use_id), file_path, diff, created_at))

    def _task(self, agent_messages: dict[str, _AgentMessage]) -> TaskData:
        started_at, ended_at = time_bounds(aware(r.value.get("timestamp")) for r in self.records)
        created_at = started_at or self.fallback_time
        status, error_message = self._status()
        input_tokens, output_tokens = _token_totals(agent_messages)
        return TaskData(
            task_id=self.task_id,
            user=local_user(),
            created_at=created_at,
            status=status,
            repo_url=self._first_text("cwd"),
            branch=self._first_text("gitBranch"),
            model_name=self._model(),
            started_at=started_at,
            completed_at=None if status == TaskStatus.RUNNING.value else ended_at,
            error_message=error_message,
            title=self._title(),
            source=FORMAT,
            source_ref=str(self.path),
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost_usd=self._cost(),
        )

    def _status(self) -> tuple[str, str | None]:
        if self.running:
            return TaskStatus.RUNNING.value, None
        conversation = [r for r in self.records if r.value.get("type") in ("user", "assistant")]
        last = conversation[-1].value if conversation else {}
        if last.get("isApiErrorMessage"):
            return TaskStatus.ERROR.value, message_text(_content_of(last)) or "API error"
        return TaskStatus.COMPLETED.value, None

    def _first_text(self, key: str) -> str | None:
        for record in self.records:
            value = record.value.get(key)
            if isinstance(value, str) and value:
                return value
        return None

    def _model(self) -> str | None:
        model = None
        for record in self.records:
            message = record.value.get("message")
            if record.value.get("type") == "assistant" and isinstance(message, dict):
                name = message.get("model")
                if isinstance(name, str) and name and name != "<synthetic>":
                    model = name
        return model

    def _title(self) -> str | None:
        for record in self.records:
            value = record.value
            if value.get("type") != "user" or value.get("isMeta"):
                continue
            if value.get("isSidechain") and self.sub_agent is None:
                continue
            if value.get("isCompactSummary"):
                continue
            text = message_text(_content(record))
            if text.strip() and self.sub_agent is not None:
                return title_from_prompt(f"Sub-agent: {text}")
            if text.strip():
                return title_from_prompt(text)
        return None

    def _cost(self) -> float | None:
        costs = [cost for r in self.records if (cost := json_float(r.value.get("costUSD"))) is not None]
        return json_float(sum(costs)) if costs else None


def _content_of(value: dict[str, Any]) -> Any:
    message = value.get("message")
    return message.get("content") if isinstance(message, dict) else None


def _content(record: JsonRecord) -> Any:
    return _content_of(record.value)


def _record_key(record: JsonRecord) -> str:
    uuid = record.value.get("uuid")
    return str(uuid) if isinstance(uuid, str) and uuid else f"L{record.line}"


def _exit_code(result: _ToolResult | None) -> int | None:
    """Return the exit code of a Bash call from its result (see the module docstring), or None when unknown."""
    if result is None:
        return None
    if not result.is_error:
        return 0
    match = _EXIT_CODE_PREFIX.match(result.text)
    stated = parse_exit_code(match.group(1)) if match else None
    if stated is not None:
        return stated
    if result.text.lstrip().startswith(_NOT_RUN_PREFIXES):
        return None
    return GENERIC_FAILURE_EXIT_CODE


def _token_totals(agent_messages: dict[str, _AgentMessage]) -> tuple[int | None, int | None]:
    """Sum usage over messages. Prompt tokens include cache reads and cache writes."""
    usages = [entry.usage for entry in agent_messages.values() if entry.usage]
    if not usages:
        return None, None
    input_keys = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    input_tokens = sum(usage.get(key, 0) for usage in usages for key in input_keys)
    output_tokens = sum(usage.get("output_tokens", 0) for usage in usages)
    return input_tokens, output_tokens

