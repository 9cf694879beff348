"""Claude Code importer, checked against counts taken by hand (jq) from the corpus."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from unidiff import PatchSet

from shadow_tui.db.access import open_reader
from shadow_tui.importers import import_sources
from shadow_tui.importers.claude_code import SIDECHAIN_PROMPT_LABEL, parse_file
from shadow_tui.importers.claude_code_content import title_from_prompt
from shadow_tui.importers.unified import DEV_NULL

SMALL = "claude-code/coverage-test-fix.jsonl"
LARGE = "claude-code/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl"
LATER = datetime.now(timezone.utc) + timedelta(days=1)


async def fetch(db: str, sql: str) -> list[dict[str, Any]]:
    async with open_reader(db) as (_target, engine):
        async with engine.connect() as connection:
            return [dict(row) for row in (await connection.execute(text(sql))).mappings()]


def parse_one(path: Path, now: datetime = LATER) -> Any:
    [parsed] = parse_file(path, now=now)
    return parsed


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def make_old(path: Path) -> None:
    old = time.time() - 3600
    os.utime(path, (old, old))


# --- Corpus counts -------------------------------------------------------------------------


def test_small_message_counts(corpus: Path) -> None:
    session = parse_one(corpus / SMALL).session
    senders = Counter(message.sender for message in session.messages)
    assert senders["user"] == 1
    assert senders["agent"] == 8


def test_small_commands(corpus: Path) -> None:
    session = parse_one(corpus / SMALL).session
    assert len(session.commands) == 5
    assert [command.exit_code for command in session.commands] == [0, 0, 0, 0, 1]
    assert session.commands[-1].output.startswith("Exit code 1\n")


def test_small_edits(corpus: Path) -> None:
    session = parse_one(corpus / SMALL).session
    paths = [edit.file_path for edit in session.edits]
    assert paths == [
        "/tmp/tmpw6sk2trg/src/math_utils.py",
        "/tmp/tmpw6sk2trg/tests/test_math_utils.py",
        "/tmp/tmpw6sk2trg/.gitignore",
    ]
    for edit in session.edits:
        assert len(PatchSet(edit.diff)) == 1, edit.file_path


def test_small_structured_patch(corpus: Path) -> None:
    diff = parse_one(corpus / SMALL).session.edits[0].diff
    assert diff.startswith("--- /tmp/tmpw6sk2trg/src/math_utils.py\n+++ /tmp/tmpw6sk2trg/src/math_utils.py\n@@ -4,3 +4,8 @@\n")
    assert "+def multiply_numbers(a: int, b: int) -> int:\n" in diff


def test_small_task_fields(corpus: Path) -> None:
    task = parse_one(corpus / SMALL).session.task
    assert task.task_id == "cc-c64cc478-3430-40fe-8e9c-4ee9986e9754"
    assert task.status == "completed"
    assert task.model_name == "claude-opus-4-5-20251101"
    assert task.repo_url == "/tmp/tmpw6sk2trg"
    assert task.branch == "master"
    assert task.title == title_from_prompt(
        "Add a function called multiply_numbers(a: int, b: int) -> int that multiplies two numbers together."
    )
    assert task.source == "claude-code"
    assert task.source_ref == str(corpus / SMALL)


def test_small_times_and_tokens(corpus: Path) -> None:
    task = parse_one(corpus / SMALL).session.task
    assert task.started_at == datetime(2026, 1, 21, 6, 19, 38, 48000, tzinfo=timezone.utc)
    assert task.completed_at == datetime(2026, 1, 21, 6, 20, 29, 268000, tzinfo=timezone.utc)
    # Per message id, the maximum of each usage field, summed over ids.
    assert task.input_tokens == 294215
    assert task.output_tokens == 158


def test_large_message_counts(corpus: Path) -> None:
    session = parse_one(corpus / LARGE).session
    senders = Counter(message.sender for message in session.messages)
    # 7 user text records, 5 of them sidechain prompts; 95 distinct
    # assistant message ids have text.
    assert senders["user"] == 7
    assert senders["agent"] == 95


def test_large_sidechain_prompts(corpus: Path) -> None:
    session = parse_one(corpus / LARGE).session
    prompts = [m for m in session.messages if m.content.startswith(SIDECHAIN_PROMPT_LABEL)]
    assert len(prompts) == 5
    assert all(message.sender == "user" for message in prompts)


def test_large_commands(corpus: Path) -> None:
    session = parse_one(corpus / LARGE).session
    codes = Counter(command.exit_code for command in session.commands)
    assert len(session.commands) == 61
    assert codes[0] == 52
    assert codes[1] == 9
    assert codes[None] == 0


def test_large_edits(corpus: Path) -> None:
    session = parse_one(corpus / LARGE).session
    assert len(session.edits) == 31
    for edit in session.edits:
        assert len(PatchSet(edit.diff)) == 1, edit.file_path


def test_large_new_file_diff(corpus: Path) -> None:
    edit = parse_one(corpus / LARGE).session.edits[0]
    assert edit.file_path == "/path/to/Demo/components/TodoItem.tsx"
    assert edit.diff.startswith(f"--- {DEV_NULL}\n+++ /path/to/Demo/components/TodoItem.tsx\n@@ -0,0 +1,44 @@\n")


def test_large_task_fields(corpus: Path) -> None:
    task = parse_one(corpus / LARGE).session.task
    assert task.title == "/orchestrator create TODO app by Next.js"
    assert task.branch is None
    assert task.repo_url == "/path/to/Demo"
    assert task.input_tokens == 3786648
    assert task.output_tokens == 51933


def test_messages_sequence_in_file_order(corpus: Path) -> None:
    messages = parse_one(corpus / LARGE).session.messages
    assert [m.sequence for m in messages] == list(range(len(messages)))
    assert messages[0].sender == "user"


async def test_corpus_import_counts(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    summary = await import_sources(db, [str(corpus / "claude-code")])
    assert summary.new == 2
    assert summary.rows["chat_messages"] == 9 + 102
    assert summary.rows["task_commands"] == 5 + 61
    assert summary.rows["file_edits"] == 3 + 31


async def test_second_import_unchanged(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    await import_sources(db, [str(corpus / "claude-code")])
    again = await import_sources(db, [str(corpus / "claude-code")])
    assert again.unchanged == 2
    assert sum(again.rows.values()) == 0


# --- Status --------------------------------------------------------------------------------


def test_recent_file_running(corpus: Path, tmp_path: Path) -> None:
    copy = tmp_path / "s.jsonl"
    shutil.copyfile(corpus / SMALL, copy)
    task = parse_one(copy, now=datetime.now(timezone.utc)).session.task
    assert task.status == "running"
    assert task.completed_at is None


def test_running_holds_back_last_message(corpus: Path, tmp_path: Path) -> None:
    copy = tmp_path / "s.jsonl"
    shutil.copyfile(corpus / SMALL, copy)
    running = parse_one(copy, now=datetime.now(timezone.utc)).session
    assert sum(1 for m in running.messages if m.sender == "agent") == 7


def test_api_error_status(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "e.jsonl", [
        user_record("u1", "Hello"),
        {**assistant_record("a1", "m1", [{"type": "text", "text": "API Error: 529 Overloaded"}]),
         "isApiErrorMessage": True},
    ])
    make_old(path)
    task = parse_one(path, now=None).session.task
    assert task.status == "error"
    assert task.error_message == "API Error: 529 Overloaded"


# --- Synthetic sessions --------------------------------------------------------------------


def user_record(uuid: str, content: Any, **extra: Any) -> dict[str, Any]:
    return {
        "type": "user", "uuid": uuid, "sessionId": "s1", "timestamp": "2025-09-01T10:00:00Z",
        "cwd": "/work/app", "gitBranch": "main", "isSidechain": False,
        "message": {"role": "user", "content": content}, **extra,
    }


def assistant_record(uuid: str, message_id: str, content: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "assistant", "uuid": uuid, "sessionId": "s1", "timestamp": "2025-09-01T10:00:01Z",
        "cwd": "/work/app", "gitBranch": "main", "isSidechain": False,
        "message": {"id": message_id, "role": "assistant", "model": "claude-sonnet-4", "content": content},
    }


def tool_use(tool_id: str, name: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": tool_id, "name": name, "input": tool_input}


def tool_result(uuid: str, tool_id: str, content: Any, *, is_error: bool = False, **extra: Any) -> dict[str, Any]:
    part = {"type": "tool_result", "tool_use_id": tool_id, "content": content, "is_error": is_error}
    return user_record(uuid, [part], **extra)


def test_edit_from_original_file(tmp_path: Path) -> None:
    original = "one\ntwo\nthree\nfour\n"
    path = write_jsonl(tmp_path / "s.jsonl", [
        user_record("u1", "Change two"),
        assistant_record("a1", "m1", [tool_use("t1", "Edit", {"file_path": "/w/f.txt", "old_string": "two", "new_string": "2"})]),
        tool_result("u2", "t1", "The file has been updated.", toolUseResult={
            "filePath": "/w/f.txt", "oldString": "two", "newString": "2", "originalFile": original,
            "structuredPatch": [],
        }),
    ])
    [edit] = parse_one(path).session.edits
    assert edit.diff == "--- /w/f.txt\n+++ /w/f.txt\n@@ -1,4 +1,4 @@\n one\n-two\n+2\n three\n four\n"


def test_edit_error_result_skipped(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [
        user_record("u1", "Change two"),
        assistant_record("a1", "m1", [tool_use("t1", "Edit", {"file_path": "/w/f.txt", "old_string": "a", "new_string": "b"})]),
        tool_result("u2", "t1", "<tool_use_error>File has not been read yet.</tool_use_error>", is_error=True),
    ])
    assert parse_one(path).session.edits == []


def test_write_update_without_old(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [
        user_record("u1", "Rewrite"),
        assistant_record("a1", "m1", [tool_use("t1", "Write", {"file_path": "/w/f.txt", "content": "new\n"})]),
        tool_result("u2", "t1", "The file /w/f.txt has been updated.", toolUseResult={
            "type": "update", "filePath": "/w/f.txt", "content": "new\n", "structuredPatch": [],
        }),
    ])
    [edit] = parse_one(path).session.edits
    assert edit.diff.startswith("# The previous content was not recorded")
    assert edit.diff.endswith("--- /w/f.txt\n+++ /w/f.txt\n@@ -0,0 +1,1 @@\n+new\n")


def test_multi_edit_from_original(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [
        user_record("u1", "Rename"),
        assistant_record("a1", "m1", [tool_use("t1", "MultiEdit", {"file_path": "/w/f.py", "edits": [
            {"old_string": "a = 1", "new_string": "b = 1"},
            {"old_string": "print(a)", "new_string": "print(b)"},
        ]})]),
        tool_result("u2", "t1", "Applied 2 edits", toolUseResult={
            "filePath": "/w/f.py", "originalFileContents": "a = 1\nprint(a)\n", "structuredPatch": [],
        }),
    ])
    [edit] = parse_one(path).session.edits
    assert edit.diff == "--- /w/f.py\n+++ /w/f.py\n@@ -1,2 +1,2 @@\n-a = 1\n-print(a)\n+b = 1\n+print(b)\n"


def test_bash_pending_skipped_running(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [
        user_record("u1", "Run it"),
        assistant_record("a1", "m1", [tool_use("t1", "Bash", {"command": "sleep 100"})]),
    ])
    assert parse_one(path, now=datetime.now(timezone.utc)).session.commands == []


def test_bash_pending_kept_finished(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [
        user_record("u1", "Run it"),
        assistant_record("a1", "m1", [tool_use("t1", "Bash", {"command": "sleep 100"})]),
    ])
    [command] = parse_one(path).session.commands
    assert (command.command_text, command.exit_code, command.output) == ("sleep 100", None, "")


def test_bash_error_without_code(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [
        user_record("u1", "Run it"),
        assistant_record("a1", "m1", [tool_use("t1", "Bash", {"command": "ls x"})]),
        tool_result("u2", "t1", "ls: cannot access 'x'", is_error=True),
    ])
    [command] = parse_one(path).session.commands
    assert command.exit_code == 1
    assert command.output == "ls: cannot access 'x'"


@pytest.mark.parametrize("result_text", [
    "<tool_use_error>Blocked: sleep 60 followed by: echo waited</tool_use_error>",
    "The user doesn't want to proceed with this tool use. The tool use was rejected.",
])
def test_bash_not_run_unknown(tmp_path: Path, result_text: str) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [
        user_record("u1", "Run it"),
        assistant_record("a1", "m1", [tool_use("t1", "Bash", {"command": "sleep 60; echo waited"})]),
        tool_result("u2", "t1", result_text, is_error=True),
    ])
    [command] = parse_one(path).session.commands
    assert command.exit_code is None


def test_meta_records_not_messages(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [
        user_record("u1", "Caveat: generated by local commands", isMeta=True),
        user_record("u2", "Real prompt"),
    ])
    messages = parse_one(path).session.messages
    assert [m.content for m in messages] == ["Real prompt"]


def test_title_shortened_one_line() -> None:
    title = title_from_prompt("Fix\nthe   bug " + "x" * 200)
    assert title is not None
    assert "\n" not in title
    assert len(title) == 80


async def test_grown_file_updated(corpus: Path, tmp_path: Path) -> None:
    lines = (corpus / SMALL).read_bytes().split(b"\n")
    path = tmp_path / "live.jsonl"
    path.write_bytes(b"\n".join(lines[:20]) + b"\n")
    make_old(path)
    db = str(tmp_path / "h.db")
    first = await import_sources(db, [str(path)])
    path.write_bytes((corpus / SMALL).read_bytes())
    make_old(path)
    second = await import_sources(db, [str(path)])
    assert first.new == 1
    assert second.updated == 1
    assert second.rows["chat_messages"] > 0
    messages = await fetch(db, "SELECT count(*) AS n FROM chat_messages")
    assert messages[0]["n"] == 9
    commands = await fetch(db, "SELECT count(*) AS n FROM task_commands")
    assert commands[0]["n"] == 5
    tasks = await fetch(db, "SELECT count(*) AS n FROM tasks")
    assert tasks[0]["n"] == 1


def test_sub_agent_file_own_task(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "agent-a1b2.jsonl", [
        {**user_record("u1", "Write the tests"), "isSidechain": True, "agentId": "a1b2"},
        {**assistant_record("a1", "m1", [{"type": "text", "text": "Writing them."}]), "isSidechain": True},
    ])
    task = parse_one(path).session.task
    assert task.task_id == "cc-s1-a1b2"
    assert task.title == "Sub-agent: Write the tests"


def test_sidechain_in_main_file(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [
        user_record("u1", "Build it"),
        {**user_record("u2", "Write the tests"), "isSidechain": True},
    ])
    session = parse_one(path).session
    assert session.task.task_id == "cc-s1"
    assert session.task.title == "Build it"
    assert session.messages[1].content == f"{SIDECHAIN_PROMPT_LABEL}\n\nWrite the tests"
