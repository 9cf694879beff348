"""Session files in every importer format, filled with the given (hostile) content.

Each writer produces a file that the importer of its format reads as one
finished session. Timestamps are fixed and the files' modification times
are set to FIXED_TIME, so the output is the same on every run and no
session is taken as still running.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Final

from hostile.content import (
    BIDI_SPOOF,
    ISOLATE_SPOOF,
    SCRIPTS_TEXT,
    hostile_diff,
    multi_line_text,
    nested_markdown,
    one_line_field,
    wide_table,
)

FIXED_TIME: Final = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class SessionContent:
    """The text of one session, field by field."""

    key: str
    """A short name, unique per session, that ids and file names derive from."""
    prompt: str
    """The first user message, which becomes the task title."""
    agent_text: str
    commands: tuple[tuple[str, str], ...]
    """(command, output) pairs."""
    file_path: str
    old_text: str
    new_text: str
    diff: str
    """The unified diff, for formats that store one (SWE-agent, OpenHands, Shadow)."""
    repo_url: str
    branch: str
    model: str
    extra_messages: tuple[str, ...] = field(default=())
    """More agent messages, such as deeply nested Markdown."""


def escape_content(key: str) -> SessionContent:
    """Return a session whose every text field carries escape sequences and spoofing characters."""
    path = f"src/{one_line_field('path')}.py"
    return SessionContent(
        key=key,
        prompt=one_line_field("title"),
        agent_text=multi_line_text("agent message"),
        commands=((one_line_field("command"), multi_line_text("command output")),),
        file_path=path,
        old_text=f"old line {BIDI_SPOOF}",
        new_text=f"new line {ISOLATE_SPOOF} {SCRIPTS_TEXT}",
        diff=hostile_diff(path),
        repo_url=f"https://github.com/{one_line_field('repo')}",
        branch=one_line_field("branch"),
        model=one_line_field("model"),
        # Only the Claude Code session carries the large Markdown, which
        # makes `show` print a megabyte of text.
        extra_messages=(nested_markdown(), wide_table()) if key.endswith("claude-code") else (),
    )


def _iso(offset_seconds: int) -> str:
    return (FIXED_TIME + timedelta(seconds=offset_seconds)).isoformat().replace("+00:00", "Z")


def _settle(path: Path) -> Path:
    stamp = FIXED_TIME.timestamp()
    os.utime(path, (stamp, stamp))
    return path


def _write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return _settle(path)


def _json_line(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def write_claude_code(folder: Path, content: SessionContent) -> Path:
    """Write a Claude Code session JSONL file; returns its path."""
    session_id = f"00000000-0000-4000-8000-{hash_key(content.key)}"
    common = {"sessionId": session_id, "cwd": content.repo_url, "gitBranch": content.branch,
              "isSidechain": False, "version": "2.0.0"}
    records: list[dict[str, Any]] = [
        {**common, "type": "user", "uuid": "u-prompt", "timestamp": _iso(0),
         "message": {"role": "user", "content": content.prompt}},
        {**common, "type": "assistant", "uuid": "a-text", "timestamp": _iso(1),
         "message": {"id": "msg-text", "role": "assistant", "model": content.model,
                     "content": [{"type": "text", "text": content.agent_text}]}},
    ]

    for index, text in enumerate(content.extra_messages):
        records.append({**common, "type": "assistant", "uuid": f"a-extra-{index}", "timestamp": _iso(2 + index),
                        "message": {"id": f"msg-extra-{index}", "role": "assistant", "model": content.model,
                                    "content": [{"type": "text", "text": text}]}})
    for index, (command, output) in enumerate(content.commands):
        tool_id = f"toolu-bash-{index}"
        records.append({**common, "type": "assistant", "uuid": f"a-bash-{index}", "timestamp": _iso(10 + index),
                        "message": {"id": f"msg-bash-{index}", "role": "assistant", "model": content.model,
                                    "content": [{"type": "tool_use", "id": tool_id, "name": "Bash",
                                                 "input": {"command": command}}]}})
        records.append({**common, "type": "user", "uuid": f"u-bash-{index}", "timestamp": _iso(10 + index),
                        "message": {"role": "user", "content": [
                            {"type": "tool_result", "tool_use_id": tool_id, "content": output, "is_error": False}]}})

    records.append({**common, "type": "assistant", "uuid": "a-edit", "timestamp": _iso(30),
                    "message": {"id": "msg-edit", "role": "assistant", "model": content.model,
                                "content": [{"type": "tool_use", "id": "toolu-edit", "name": "Edit",
                                             "input": {"file_path": content.file_path,
                                                       "old_string": content.old_text,
                                                       "new_string": content.new_text}}]}})
    records.append({**common, "type": "user", "uuid": "u-edit", "timestamp": _iso(31),
                    "toolUseResult": {"filePath": content.file_path, "oldString": content.old_text,
                                      "newString": content.new_text},
                    "message": {"role": "user", "content": [
                        {"type": "tool_result", "tool_use_id": "toolu-edit", "content": "The file was updated.",
                         "is_error": False}]}})

    lines = [_json_line(record) for record in records]
    # A record with raw invalid UTF-8 and one with a raw control character, which JSON forbids.
    lines.insert(2, b'{"type": "system", "sessionId": "x", "content": "binary \xff\xfe\xc3 bytes"}')
    lines.insert(3, b'{"type": "system", "sessionId": "x", "content": "raw \x1b]0;owned-icon-title\x07 escape"}')
    return _write_lines(folder / f"{session_id}.jsonl", lines)


def hash_key(key: str) -> str:
    """Return 12 hex digits derived from a key, for ids (the built-in hash() changes per run)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def write_codex(folder: Path, content: SessionContent) -> Path:
    """Write a Codex rollout JSONL file; returns its path."""
    session_id = f"01990000-0000-7000-8000-{hash_key(content.key)}"
    records: list[dict[str, Any]] = [
        {"timestamp": _iso(0), "type": "session_meta",
         "payload": {"id": session_id, "timestamp": _iso(0), "cwd": "/work",
                     "git": {"repository_url": content.repo_url, "branch": content.branch}}},
        {"timestamp": _iso(0), "type": "turn_context", "payload": {"model": content.model, "cwd": "/work"}},
        {"timestamp": _iso(1), "type": "event_msg", "payload": {"type": "user_message", "message": content.prompt}},
        {"timestamp": _iso(2), "type": "event_msg", "payload": {"type": "agent_message", "message": content.agent_text}},
    ]

    for index, text in enumerate(content.extra_messages):
        records.append({"timestamp": _iso(3 + index), "type": "event_msg",
                        "payload": {"type": "agent_message", "message": text}})
    for index, (command, output) in enumerate(content.commands):
        call_id = f"call-shell-{index}"
        records.append({"timestamp": _iso(10 + index), "type": "response_item",
                        "payload": {"type": "function_call", "name": "shell", "call_id": call_id,
                                    "arguments": json.dumps({"command": ["bash", "-lc", command]})}})
        records.append({"timestamp": _iso(10 + index), "type": "response_item",
                        "payload": {"type": "function_call_output", "call_id": call_id,
                                    "output": json.dumps({"output": output,
                                                          "metadata": {"exit_code": 1, "duration_seconds": 0.5}})}})

    patch_lines = ["*** Begin Patch", f"*** Update File: {content.file_path}", "@@"]
    patch_lines += ["-" + line for line in content.old_text.split("\n")]
    patch_lines += ["+" + line for line in content.new_text.split("\n")]
    patch_lines.append("*** End Patch")
    records.append({"timestamp": _iso(30), "type": "response_item",
                    "payload": {"type": "custom_tool_call", "name": "apply_patch", "call_id": "call-patch",
                                "input": "\n".join(patch_lines)}})
    records.append({"timestamp": _iso(31), "type": "response_item",
                    "payload": {"type": "custom_tool_call_output", "call_id": "call-patch",
                                "output": json.dumps({"output": "Success.", "metadata": {"exit_code": 0}})}})
    name = f"rollout-2026-03-01T12-00-00-{session_id}.jsonl"
    return _write_lines(folder / name, [_json_line(record) for record in records])


def write_swe_agent(folder: Path, content: SessionContent) -> Path:
    """Write a SWE-agent trajectory file; returns its path."""
    history: list[dict[str, Any]] = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": content.prompt},
        {"role": "assistant", "content": content.agent_text},
        *({"role": "assistant", "content": text} for text in content.extra_messages),
    ]
    trajectory = [
        {"action": command, "observation": output, "response": content.agent_text, "thought": "",
         "state": json.dumps({"working_dir": "/work"}), "execution_time": 1.5}
        for command, output in content.commands
    ]
    submission = content.diff
    if not submission.startswith("diff --git"):
        submission = f"diff --git a/{content.file_path} b/{content.file_path}\n{submission}"
    document = {
        "environment": "hostile",
        "trajectory": trajectory,
        "history": history,
        "info": {"submission": submission, "exit_status": "submitted",
                 "model_stats": {"instance_cost": 0.5, "tokens_sent": 1000, "tokens_received": 200}},
        "replay_config": json.dumps({"env": {"repo": {"github_url": content.repo_url}},
                                     "agent": {"model": {"name": content.model}}}),
    }
    path = folder / f"{content.key}.traj"
    path.write_bytes(json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8", "surrogatepass"))
    return _settle(path)


def write_openhands(folder: Path, content: SessionContent) -> Path:
    """Write an OpenHands event list; returns its path."""
    events: list[dict[str, Any]] = [
        {"id": 0, "timestamp": _iso(0), "source": "user", "action": "message", "args": {"content": content.prompt}},
        {"id": 1, "timestamp": _iso(1), "source": "agent", "action": "message",
         "args": {"content": content.agent_text}},
    ]
    for text in content.extra_messages:
        events.append({"id": len(events), "timestamp": _iso(len(events)), "source": "agent", "action": "message",
                       "args": {"content": text}})
    for command, output in content.commands:
        action_id = len(events)
        events.append({"id": action_id, "timestamp": _iso(action_id), "source": "agent", "action": "run",
                       "args": {"command": command}})
        events.append({"id": action_id + 1, "timestamp": _iso(action_id + 1), "source": "agent",
                       "observation": "run", "cause": action_id, "content": output,
                       "extras": {"metadata": {"exit_code": 1, "working_dir": content.repo_url}}})
    events.append({"id": len(events), "timestamp": _iso(len(events)), "source": "agent", "observation": "edit",
                   "content": content.diff, "extras": {"path": content.file_path}})
    path = folder / f"{content.key}.json"
    path.write_bytes(json.dumps(events, ensure_ascii=False, indent=1).encode("utf-8", "surrogatepass"))
    return _settle(path)


_SHADOW_DDL: Final = (
    'CREATE TABLE "User" ("id" TEXT PRIMARY KEY, "email" TEXT NOT NULL, "name" TEXT, '
    '"createdAt" DATETIME NOT NULL, "updatedAt" DATETIME NOT NULL)',
    'CREATE TABLE "Task" ("id" TEXT PRIMARY KEY, "title" TEXT, "status" TEXT NOT NULL, "repoUrl" TEXT NOT NULL, '
    '"branch" TEXT NOT NULL, "llmModel" TEXT NOT NULL, "createdAt" DATETIME NOT NULL, '
    '"updatedAt" DATETIME NOT NULL, "userId" TEXT NOT NULL)',
    'CREATE TABLE "ChatMessage" ("id" TEXT PRIMARY KEY, "content" TEXT NOT NULL, "role" TEXT NOT NULL, '
    '"createdAt" DATETIME NOT NULL, "taskId" TEXT NOT NULL)',
    'CREATE TABLE "TerminalCommand" ("id" TEXT PRIMARY KEY, "command" TEXT NOT NULL, "output" TEXT, '
    '"exitCode" INTEGER, "createdAt" DATETIME NOT NULL, "completedAt" DATETIME, "taskId" TEXT NOT NULL)',
    'CREATE TABLE "FileChange" ("id" TEXT PRIMARY KEY, "filePath" TEXT NOT NULL, "operation" TEXT NOT NULL, '
    '"oldContent" TEXT, "newContent" TEXT, "diffPatch" TEXT, "createdAt" DATETIME NOT NULL, '
    '"taskId" TEXT NOT NULL)',
)


def _insert(connection: sqlite3.Connection, table: str, values: tuple[object, ...]) -> None:
    # Text goes in as UTF-8 bytes cast to TEXT, so a lone surrogate becomes
    # invalid UTF-8 in a TEXT column, which another tool's driver may write.
    placeholders = ", ".join("CAST(? AS TEXT)" if isinstance(value, str) else "?" for value in values)
    parameters = [
        value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value for value in values
    ]
    connection.execute(f'INSERT INTO "{table}" VALUES ({placeholders})', parameters)


def write_shadow_sqlite(folder: Path, content: SessionContent) -> Path:
    """Write a database in the schema of Shadow's early Prisma SQLite file; returns its path."""
    path = folder / f"{content.key}-shadow.db"
    path.unlink(missing_ok=True)
    millis = int(FIXED_TIME.timestamp() * 1000)
    task_id = f"task-{content.key}"
    with sqlite3.connect(path) as connection:
        for statement in _SHADOW_DDL:
            connection.execute(statement)
        _insert(connection, "User", ("user-1", "dev@example.com", one_line_field("user"), millis, millis))
        _insert(connection, "Task", (task_id, content.prompt, "COMPLETED", content.repo_url, content.branch,
                                     content.model, millis, millis + 60_000, "user-1"))
        messages = [("USER", content.prompt), ("ASSISTANT", content.agent_text),
                    *(("ASSISTANT", text) for text in content.extra_messages)]
        for index, (role, text) in enumerate(messages):
            _insert(connection, "ChatMessage", (f"msg-{content.key}-{index}", text, role, millis + index, task_id))
        for index, (command, output) in enumerate(content.commands):
            _insert(connection, "TerminalCommand", (f"cmd-{content.key}-{index}", command, output, 1,
                                                    millis + 100 + index, millis + 200 + index, task_id))
        _insert(connection, "FileChange", (f"edit-{content.key}", content.file_path, "UPDATE", content.old_text,
                                           content.new_text, content.diff, millis + 300, task_id))
    connection.close()
    return _settle(path)


WRITERS: Final = {
    "claude-code": write_claude_code,
    "codex": write_codex,
    "swe-agent": write_swe_agent,
    "openhands": write_openhands,
    "shadow": write_shadow_sqlite,
}
"""Session writers by the importer format name they produce."""
