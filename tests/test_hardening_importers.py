"""Importers under fuzzing: records truncated, corrupted and retyped never crash an import.

Hypothesis starts from small valid records of each format, or from the real
session files of the corpus. It drops keys, changes value types (str, int,
list, null, dict), cuts the file at a byte offset and inserts random
bytes. For every input:

- `parse_file` returns sessions or raises ImportSourceError naming the
  file, and nothing else;
- every problem names the file, and in JSONL files the line, and every
  line that is not a JSON object is reported;
- `import_sources` never raises, and a session that failed to write
  leaves no task row.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS
from hostile.content import HOSTILE_LINE
from shadow_tui.db.access import open_reader, open_writer
from shadow_tui.importers import ImportSourceError, ParsedSession, import_sources
from shadow_tui.importers import claude_code, codex, openhands, swe_agent
from shadow_tui.importers.base import MAX_EXIT_CODE_DIGITS

LATER = datetime.now(timezone.utc) + timedelta(days=1)
OLD_MTIME = 1_700_000_000


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    parse: Callable[..., list[ParsedSession]]
    jsonl: bool
    base: Callable[[], Any]
    """Small valid content: a list of records (JSONL) or one JSON document."""
    corpus: str | None


def _claude_records() -> list[dict[str, Any]]:
    common = {"sessionId": "fuzz-session", "cwd": "/work/repo", "gitBranch": "main", "isSidechain": False}
    return [
        {**common, "type": "user", "uuid": "u1", "timestamp": "2026-01-01T00:00:00Z",
         "message": {"role": "user", "content": "Fix the parser"}},
        {**common, "type": "assistant", "uuid": "a1", "timestamp": "2026-01-01T00:00:01Z", "costUSD": 0.25,
         "message": {"id": "m1", "role": "assistant", "model": "claude-x",
                     "usage": {"input_tokens": 10, "output_tokens": 5},
                     "content": [{"type": "text", "text": "Running the tests."},
                                 {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "pytest"}}]}},
        {**common, "type": "user", "uuid": "u2", "timestamp": "2026-01-01T00:00:02Z",
         "message": {"role": "user", "content": [
             {"type": "tool_result", "tool_use_id": "t1", "is_error": True, "content": "Exit code 1\nfailed"},
             {"type": "image", "source": {"media_type": "image/png", "data": "aGVsbG8="}}]}},
        {**common, "type": "assistant", "uuid": "a2", "timestamp": "2026-01-01T00:00:03Z",
         "message": {"id": "m2", "role": "assistant", "model": "claude-x",
                     "content": [{"type": "tool_use", "id": "t2", "name": "Edit",
                                  "input": {"file_path": "src/a.py", "old_string": "a", "new_string": "b"}},
                                 {"type": "tool_use", "id": "t3", "name": "Write",
                                  "input": {"file_path": "src/new.py", "content": "x = 1\n"}}]}},
        {**common, "type": "user", "uuid": "u3", "timestamp": "2026-01-01T00:00:04Z",
         "toolUseResult": {"filePath": "src/a.py", "structuredPatch": [
             {"oldStart": 1, "oldLines": 1, "newStart": 1, "newLines": 1, "lines": ["-a", "+b"]}]},
         "message": {"role": "user", "content": [
             {"type": "tool_result", "tool_use_id": "t2", "content": "updated"},
             {"type": "tool_result", "tool_use_id": "t3", "content": "File created successfully"}]}},
    ]


def _codex_records() -> list[dict[str, Any]]:
    patch = "*** Begin Patch\n*** Update File: src/a.py\n@@\n-a\n+b\n*** End Patch"
    return [
        {"timestamp": "2026-01-01T00:00:00Z", "type": "session_meta",
         "payload": {"id": "fuzz-codex", "timestamp": "2026-01-01T00:00:00Z", "cwd": "/work",
                     "git": {"repository_url": "https://example.com/r.git", "branch": "main"}}},
        {"timestamp": "2026-01-01T00:00:00Z", "type": "turn_context", "payload": {"model": "gpt-x", "cwd": "/work"}},
        {"timestamp": "2026-01-01T00:00:01Z", "type": "event_msg", "payload": {"type": "user_message", "message": "Fix"}},
        {"timestamp": "2026-01-01T00:00:02Z", "type": "event_msg", "payload": {"type": "agent_message", "message": "Ok"}},
        {"timestamp": "2026-01-01T00:00:03Z", "type": "response_item",
         "payload": {"type": "function_call", "name": "shell", "call_id": "c1",
                     "arguments": json.dumps({"command": ["bash", "-lc", "make"]})}},
        {"timestamp": "2026-01-01T00:00:04Z", "type": "response_item",
         "payload": {"type": "function_call_output", "call_id": "c1",
                     "output": json.dumps({"output": "done", "metadata": {"exit_code": 2, "duration_seconds": 1.5}})}},
        {"timestamp": "2026-01-01T00:00:05Z", "type": "response_item",
         "payload": {"type": "custom_tool_call", "name": "apply_patch", "call_id": "c2", "input": patch}},
        {"timestamp": "2026-01-01T00:00:06Z", "type": "response_item",
         "payload": {"type": "custom_tool_call_output", "call_id": "c2", "output": "Success. Updated files"}},
        {"timestamp": "2026-01-01T00:00:07Z", "type": "event_msg",
         "payload": {"type": "token_count", "info": {"total_token_usage": {"input_tokens": 7, "output_tokens": 3}}}},
    ]


def _swe_document() -> dict[str, Any]:
    return {
        "environment": "fuzz",
        "trajectory": [
            {"action": "ls", "observation": "a.py", "response": "", "thought": "",
             "state": json.dumps({"working_dir": "/repo"}), "execution_time": 0.5},
            {"action": "submit", "observation": "", "execution_time": 1},
        ],
        "history": [{"role": "system", "content": "sys"}, {"role": "user", "content": "ISSUE:\nFix it\n"},
                    {"role": "assistant", "content": [{"type": "text", "text": "ok"}]}],
        "info": {"submission": "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-a\n+b\n",
                 "exit_status": "submitted", "model_stats": {"instance_cost": 0.1, "tokens_sent": 9,
                                                             "tokens_received": 4}},
        "replay_config": json.dumps({"env": {"repo": {"github_url": "https://github.com/a/b"}},
                                     "agent": {"model": {"name": "gpt-4"}}}),
    }


def _openhands_events() -> list[dict[str, Any]]:
    return [
        {"id": 0, "timestamp": "2026-01-01T00:00:00", "source": "user", "action": "message", "args": {"content": "Fix"}},
        {"id": 1, "timestamp": "2026-01-01T00:00:01", "source": "agent", "action": "run", "args": {"command": "ls"}},
        {"id": 2, "timestamp": "2026-01-01T00:00:02", "source": "agent", "observation": "run", "cause": 1,
         "content": "a.py", "extras": {"metadata": {"exit_code": 0, "working_dir": "/repo"}}},
        {"id": 3, "timestamp": "2026-01-01T00:00:03", "source": "agent", "observation": "edit",
         "content": "--- a.py\n+++ a.py\n@@ -1 +1 @@\n-a\n+b\n", "extras": {"path": "a.py"}},
        {"id": 4, "timestamp": "2026-01-01T00:00:04", "source": "environment", "observation": "agent_state_changed",
         "extras": {"agent_state": "error"}, "llm_metrics": {"accumulated_cost": 0.5,
                                                             "accumulated_token_usage": {"prompt_tokens": 3}}},
        {"id": 5, "timestamp": "2026-01-01T00:00:05", "source": "environment", "observation": "error",
         "content": "boom"},
    ]


FORMATS = {
    "claude-code": Format("claude-code", claude_code.parse_file, True, _claude_records,
                          "claude-code/coverage-test-fix.jsonl"),
    "codex": Format("codex", codex.parse_file, True, _codex_records,
                    "codex/rollout-2025-09-25T15-12-14-019982b8-3422-79e0-8b3b-05abaf4f3c3e.jsonl"),
    "swe-agent": Format("swe-agent", swe_agent.parse_file, False, _swe_document,
                        "swe-agent/pydicom__pydicom-1458.traj"),
    "openhands": Format("openhands", openhands.parse_file, False, _openhands_events,
                        "openhands/basic_gui_mode.json"),
}

# Values that have broken importers: far dates, huge numbers, long digit
# runs, escape sequences, patches and diffs, lone surrogates, NUL.
SPECIAL_STRINGS = (
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "nan", "1e400", "-0",
    "Exit code 99999999999999999999", "exit code: -7", HOSTILE_LINE, "\ud83d", "a\x00b", "",
    "*** Begin Patch\n*** Update File: x\n@@\n-a\n+b\n*** End Patch",
    "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n",
    '{"output": "x", "metadata": {"exit_code": 99999999999}}',
    "Bash", "Edit", "MultiEdit", "Write", "shell", "apply_patch", "user", "assistant", "run", "message",
)
SPECIAL_TIMESTAMPS = (
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00Z", 10**20, -(10**20),
    1e308, "1e400", "nan", "2026-13-45T99:99:99", 1_767_225_600_123, "",
)
json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(SPECIAL_STRINGS),
)
json_values = st.recursive(
    json_leaves,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def retyped(value: Any) -> list[Any]:
    """Return the same value as each other JSON type: str <-> int <-> list <-> null <-> dict."""
    return [str(value), len(str(value)), [value], None, {"value": value}, 10**40]


def places(value: Any) -> list[tuple[Any, Any]]:
    """Return every (container, key) pair inside a JSON value, depth first."""
    found: list[tuple[Any, Any]] = []
    stack = [value]
    while stack:
        container = stack.pop()
        keys = list(container) if isinstance(container, dict) else range(len(container))
        for key in keys:
            found.append((container, key))
            if isinstance(container[key], (dict, list)) and container[key]:
                stack.append(container[key])
    return found


def mutate(data: st.DataObject, rng: random.Random, value: Any) -> Any:
    """Apply one change at a place chosen uniformly inside a JSON value; return the new value.

    A uniform choice (from a Random that Hypothesis seeds) reaches deep keys
    such as an event's "cause" as often as top-level ones; Hypothesis's own
    draws favour the first elements.
    """
    targets = places(value) if isinstance(value, (dict, list)) else []
    if not targets or rng.random() < 0.05:
        return data.draw(json_values)
    container, key = rng.choice(targets)
    action = rng.choice(["drop", "retype", "retype", "replace", "special", "special"])
    if action == "drop":
        del container[key]
    elif action == "retype":
        container[key] = rng.choice(retyped(container[key]))
    elif action == "special":
        timestamp_key = isinstance(key, str) and ("time" in key.lower() or key.endswith("At"))
        container[key] = rng.choice(SPECIAL_TIMESTAMPS if timestamp_key else SPECIAL_STRINGS)
    else:
        container[key] = data.draw(json_values)
    return value


def serialize(fmt: Format, content: Any, ascii_only: bool) -> bytes:
    if fmt.jsonl:
        lines = [json.dumps(record, ensure_ascii=ascii_only) for record in content]
        return "\n".join(lines).encode("utf-8", "surrogatepass") + b"\n"
    return json.dumps(content, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


def damage_bytes(data: st.DataObject, rng: random.Random, raw: bytes) -> bytes:
    """Cut the bytes at a random offset, or insert random bytes, or neither."""
    action = rng.choice(["none", "none", "cut", "insert", "both"])
    if action in ("cut", "both") and raw:
        raw = raw[: rng.randrange(len(raw) + 1)]
    if action in ("insert", "both"):
        offset = rng.randrange(len(raw) + 1)
        raw = raw[:offset] + data.draw(st.binary(min_size=1, max_size=12)) + raw[offset:]
    return raw


def load_corpus(fmt: Format) -> Any:
    assert fmt.corpus is not None
    path = CORPUS / fmt.corpus
    if fmt.jsonl:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return json.loads(path.read_text(encoding="utf-8"))


def draw_file(data: st.DataObject, fmt: Format, folder: Path, *, from_corpus: bool) -> Path:
    content = load_corpus(fmt) if from_corpus else fmt.base()
    rng = data.draw(st.randoms(use_true_random=True))
    for _ in range(data.draw(st.integers(1, 6))):
        content = mutate(data, rng, content)
    if fmt.jsonl and not isinstance(content, list):
        content = [content]
    raw = damage_bytes(data, rng, serialize(fmt, content, rng.random() < 0.5))
    path = folder / ("session.jsonl" if fmt.jsonl else "session.json")
    path.write_bytes(raw)
    os.utime(path, (OLD_MTIME, OLD_MTIME))
    return path


def unreadable_lines(raw: bytes) -> set[int]:
    """Return the 1-based lines of JSONL bytes that are not a JSON object in valid UTF-8."""
    bad: set[int] = set()
    for number, chunk in enumerate(raw.split(b"\n"), start=1):
        if not chunk.strip():
            continue
        try:
            value = json.loads(chunk.decode("utf-8"))
        except (ValueError, RecursionError):
            bad.add(number)
            continue
        if not isinstance(value, dict):
            bad.add(number)
    return bad


def check_parse(fmt: Format, path: Path) -> None:
    raw = path.read_bytes()
    try:
        sessions = fmt.parse(path, now=LATER)
    except ImportSourceError as error:
        assert str(path) in str(error)
        return
    problems = [problem for parsed in sessions for problem in parsed.problems]
    for problem in problems:
        assert problem.path == str(path)
    if not fmt.jsonl:
        return
    line_count = raw.count(b"\n") + 1
    for problem in problems:
        assert problem.line is not None, problem
        assert 1 <= problem.line <= line_count, problem
    bad = unreadable_lines(raw)
    if sessions:
        assert bad <= {problem.line for problem in problems}
    else:
        assert not bad, "a file with unreadable lines and no session must raise ImportSourceError"


FUZZ_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CORPUS_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
IMPORT_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True)
def _quiet_importer_logs(caplog: pytest.LogCaptureFixture) -> None:
    # Fuzzed input makes the importers log thousands of warnings.
    caplog.set_level("CRITICAL")


@pytest.mark.parametrize("name", sorted(FORMATS))
@FUZZ_SETTINGS
@given(data=st.data())
def test_parse_mutated_records(name: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        check_parse(FORMATS[name], draw_file(data, FORMATS[name], Path(folder), from_corpus=False))


@pytest.mark.parametrize("name", sorted(FORMATS))
@CORPUS_SETTINGS
@given(data=st.data())
def test_parse_mutated_corpus(name: str, data: st.DataObject) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the session corpus is not at {CORPUS}")
    with tempfile.TemporaryDirectory() as folder:
        check_parse(FORMATS[name], draw_file(data, FORMATS[name], Path(folder), from_corpus=True))


# --- Whole imports ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SQLite file with the current schema and no rows, copied for each import."""
    path = tmp_path_factory.mktemp("template") / "empty.db"

    async def create() -> None:
        async with open_writer(str(path)):
            pass

    asyncio.run(create())
    yield path


async def task_ids(database: str) -> set[str]:
    from sqlalchemy import text

    async with open_reader(database) as (_target, engine):
        async with engine.connect() as connection:
            return {row[0] for row in await connection.execute(text("SELECT task_id FROM tasks"))}


def check_import(fmt: Format, path: Path, database: str) -> None:
    summary = asyncio.run(import_sources(database, [str(path)], fmt.name))
    stored = asyncio.run(task_ids(database))
    for warning in summary.warnings:
        assert warning.path == str(path)
    for failure in summary.failures:
        assert failure.source == str(path)
        assert failure.task_id not in stored, f"failed session {failure.task_id} left a task row"
    assert len(stored) == summary.new


@pytest.mark.parametrize("name", sorted(FORMATS))
@IMPORT_SETTINGS
@given(data=st.data())
def test_import_mutated_records(name: str, data: st.DataObject, empty_database: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = draw_file(data, FORMATS[name], Path(folder), from_corpus=False)
        database = Path(folder) / "import.db"
        shutil.copy(empty_database, database)
        check_import(FORMATS[name], path, str(database))


# --- Cases found by fuzzing, kept as plain tests ----------------------------------------------


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    os.utime(path, (OLD_MTIME, OLD_MTIME))
    return path


def test_far_timestamp_offset(tmp_path: Path) -> None:
    # 0001-01-01T00:00:00+01:00 is before the first instant Python can hold in UTC.
    records = _claude_records()
    records[0]["timestamp"] = "0001-01-01T00:00:00+01:00"
    [parsed] = claude_code.parse_file(write_jsonl(tmp_path / "s.jsonl", records), now=LATER)
    assert parsed.session.messages[0].created_at == datetime.fromtimestamp(OLD_MTIME, timezone.utc)


def test_long_exit_code_ignored(tmp_path: Path) -> None:
    records = _claude_records()
    records[2]["message"]["content"][0]["content"] = "Exit code " + "9" * 5_000
    [parsed] = claude_code.parse_file(write_jsonl(tmp_path / "s.jsonl", records), now=LATER)
    # The error result still marks the command failed, so it gets the generic failure status.
    assert parsed.session.commands[0].exit_code == claude_code.GENERIC_FAILURE_EXIT_CODE


def test_exit_code_digit_limit(tmp_path: Path) -> None:
    records = _claude_records()
    records[2]["message"]["content"][0]["content"] = "Exit code " + "7" * MAX_EXIT_CODE_DIGITS
    [parsed] = claude_code.parse_file(write_jsonl(tmp_path / "s.jsonl", records), now=LATER)
    assert parsed.session.commands[0].exit_code == int("7" * MAX_EXIT_CODE_DIGITS)


def test_huge_number_line_reported(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    lines = [json.dumps(record) for record in _claude_records()]
    lines.insert(1, '{"type": "user", "n": ' + "1" * 5_000 + "}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [parsed] = claude_code.parse_file(path, now=LATER)
    assert [problem.line for problem in parsed.problems] == [2]


def test_deep_nesting_reported(tmp_path: Path) -> None:
    path = tmp_path / "events.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(ImportSourceError, match="nested too deeply"):
        openhands.parse_file(path, now=LATER)


def test_unhashable_tool_name(tmp_path: Path) -> None:
    records = _codex_records()
    records[4]["payload"]["name"] = {"not": "a name"}
    records[6]["payload"]["name"] = ["apply_patch"]
    [parsed] = codex.parse_file(write_jsonl(tmp_path / "rollout.jsonl", records), now=LATER)
    assert parsed.session.commands == []


def test_arguments_not_a_string(tmp_path: Path) -> None:
    records = _codex_records()
    records[4]["payload"]["arguments"] = 3.5
    [parsed] = codex.parse_file(write_jsonl(tmp_path / "rollout.jsonl", records), now=LATER)
    assert [problem.line for problem in parsed.problems] == [5]


def test_unhashable_event_cause(tmp_path: Path) -> None:
    events = _openhands_events()
    events[2]["cause"] = [1]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events), encoding="utf-8")
    os.utime(path, (OLD_MTIME, OLD_MTIME))
    [parsed] = openhands.parse_file(path, now=LATER)
    assert parsed.session.commands[0].output == ""


def test_huge_duration_dropped(tmp_path: Path) -> None:
    document = _swe_document()
    document["trajectory"][0]["execution_time"] = 10**400
    path = tmp_path / "run.traj"
    path.write_text(json.dumps(document), encoding="utf-8")
    [parsed] = swe_agent.parse_file(path, now=LATER)
    assert parsed.session.commands[0].duration_seconds is None


def test_all_lines_broken_reported(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'{"type": "user", \n\xff\xfe\n[1, 2]\n')
    with pytest.raises(ImportSourceError, match="at line 1"):
        claude_code.parse_file(path, now=LATER)


async def test_all_lines_broken_import_failure(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'{"type": "user", \n\xff\xfe\n')
    summary = await import_sources(str(tmp_path / "db.sqlite"), [str(path)], "claude-code")
    assert summary.failed == 1
    assert str(path) in summary.failures[0].reason


async def test_out_of_range_tokens_stored_null(tmp_path: Path, database_url: str) -> None:
    records = _claude_records()
    records[1]["message"]["usage"] = {"input_tokens": 10**12, "output_tokens": 2**40}
    path = write_jsonl(tmp_path / "s.jsonl", records)
    summary = await import_sources(database_url, [str(path)])
    assert summary.failed == 0, [str(failure) for failure in summary.failures]
    assert summary.new == 1


async def test_duplicate_ids_leave_no_task(tmp_path: Path, database_url: str) -> None:
    events = _openhands_events()
    events[1]["id"] = 0
    events[1]["action"] = "message"
    events[1]["args"] = {"content": "same id as the first message"}
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events), encoding="utf-8")
    os.utime(path, (OLD_MTIME, OLD_MTIME))
    summary = await import_sources(database_url, [str(path)])
    assert summary.failed == 1
    [failure] = summary.failures
    assert failure.task_id is not None
    if summary.database_removed:
        # On SQLite the import created the file, imported nothing and removed it again.
        assert summary.new == 0
    else:
        assert failure.task_id not in await task_ids(database_url)


def test_shadow_invalid_utf8_text(tmp_path: Path) -> None:
    from shadow_tui.importers.shadow_sqlite import read_file_sync

    path = tmp_path / "shadow.db"
    with sqlite3.connect(path) as connection:
        connection.execute('CREATE TABLE "Task" ("id" TEXT, "title" TEXT, "status" TEXT, "createdAt" INTEGER)')
        connection.execute('CREATE TABLE "ChatMessage" ("id" TEXT, "content" TEXT, "role" TEXT, '
                           '"createdAt" INTEGER, "taskId" TEXT)')
        connection.execute('INSERT INTO "Task" VALUES (?, CAST(? AS TEXT), ?, ?)',
                           ("t1", b"title \xff\xfe", "COMPLETED", 1_767_225_600_000))
    connection.close()
    [parsed] = read_file_sync(path)
    assert parsed.session.task.title == "title \ufffd\ufffd"
