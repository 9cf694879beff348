"""`shadow-tui ingest`: JSON Lines events in, tasks out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from shadow_tui.cli import main
from shadow_tui.db.access import open_reader
from shadow_tui.queries.items import load_messages
from shadow_tui.recorder import Recorder

EVENTS = [
    {"event": "task", "task_id": "t1", "user": {"user_id": "alice", "email": "alice@example.com",
     "username": "alice", "display_name": "Alice"}, "repo_url": "https://github.com/acme/api",
     "branch": "main", "model_name": "claude-sonnet-4", "status": "running",
     "created_at": "2026-11-30T10:00:00Z", "started_at": "2026-11-30T10:00:01Z", "title": "Fix the flaky test"},
    {"event": "message", "task_id": "t1", "sender": "user", "content": "Fix it", "created_at": "2026-11-30T10:00:02Z"},
    {"event": "message", "task_id": "t1", "sender": "agent", "content": "On it", "created_at": "2026-11-30T10:00:02Z"},
    {"event": "command", "task_id": "t1", "command_text": "pytest", "exit_code": 1, "output": "FAILED",
     "created_at": "2026-11-30T10:00:03Z"},
    {"event": "edit", "task_id": "t1", "file_path": "a.py", "diff": "@@ -1 +1 @@\n-a\n+b\n",
     "created_at": "2026-11-30T10:00:04Z"},
    {"event": "artifact", "task_id": "t1", "type": "log", "s3_url": "s3://b/t1.log", "created_at": "2026-11-30T10:00:05Z"},
    {"event": "status", "task_id": "t1", "status": "error", "completed_at": "2026-11-30T10:01:00Z",
     "error_message": "tests fail"},
]


def _lines(events: list[dict]) -> str:
    return "".join(json.dumps(event) + "\n" for event in events)


def _tasks(database: str) -> list[dict]:
    result = CliRunner().invoke(main, ["tasks", "--db", database, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ingest_round_trip(database_url: str) -> None:
    result = CliRunner().invoke(main, ["ingest", "--db", database_url], input=_lines(EVENTS))
    assert result.exit_code == 0, result.output
    [task] = _tasks(database_url)
    assert task["task_id"] == "t1"
    assert task["status"] == "error"
    assert task["error_message"] == "tests fail"
    assert task["user"] == "Alice"
    assert task["message_count"] == 2
    assert task["failed_command_count"] == 1
    assert task["edit_count"] == 1
    assert task["artifact_count"] == 1
    assert task["completed_at"] == "2026-11-30T10:01:00+00:00"


def test_ingest_reports_bad_lines(tmp_path: Path) -> None:
    database = str(tmp_path / "i.db")
    lines = _lines(EVENTS[:2]) + "not json\n" + json.dumps({"event": "message", "task_id": "t1",
                                                              "sender": "robot"}) + "\n" + _lines(EVENTS[2:])
    result = CliRunner().invoke(main, ["ingest", "--db", database], input=lines)
    assert result.exit_code == 1
    assert "line 3: invalid JSON" in result.output
    assert "line 4: invalid sender 'robot'" in result.output
    [task] = _tasks(database)
    assert task["message_count"] == 2
    assert task["command_count"] == 1


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"event": "nope"}, "invalid event 'nope'"),
        ({"event": "message", "sender": "user"}, "missing field 'task_id'"),
        ({"event": "message", "task_id": "zz", "sender": "user"}, "task not found: zz"),
        ({"event": "command", "task_id": "t1", "command_text": "x", "exit_code": "1"}, "must be an integer"),
        ({"event": "status", "task_id": "t1", "status": "done"}, "invalid status 'done'"),
        ({"event": "artifact", "task_id": "t1", "type": "log", "s3_url": "s3://x", "created_at": "soon"},
         "invalid timestamp"),
    ],
)
def test_ingest_invalid_event(tmp_path: Path, event: dict, message: str) -> None:
    database = str(tmp_path / "i.db")
    result = CliRunner().invoke(main, ["ingest", "--db", database], input=_lines([EVENTS[0], event]))
    assert result.exit_code == 1
    assert message in result.output


def test_ingest_u2028_stays_in_record(tmp_path: Path) -> None:
    database = str(tmp_path / "i.db")
    content = "one\u2028two\u2029three\x85four"
    event = {"event": "message", "task_id": "t1", "sender": "user", "content": content}
    lines = json.dumps(EVENTS[0]) + "\n" + json.dumps(event, ensure_ascii=False) + "\n"
    result = CliRunner().invoke(main, ["ingest", "--db", database], input=lines.encode("utf-8"))
    assert result.exit_code == 0, result.output
    [task] = _tasks(database)
    assert task["message_count"] == 1


async def test_recorder_sequence(tmp_path: Path) -> None:
    from shadow_tui.db.access import open_writer

    database = str(tmp_path / "r.db")
    async with open_writer(database) as (_target, engine):
        recorder = Recorder(engine)
        task_id = await recorder.start_task(title="live")
        for index in range(3):
            await recorder.add_message(task_id, "agent", f"m{index}")
        await recorder.set_status(task_id, "completed")
    async with open_reader(database) as (_target, engine):
        messages = await load_messages(engine, task_id)
    assert [m.sequence for m in messages] == [0, 1, 2]
    assert [m.content for m in messages] == ["m0", "m1", "m2"]


def test_ingest_summary_plural_nouns(tmp_path: Path) -> None:
    database = str(tmp_path / "i.db")
    duplicate = {"event": "message", "task_id": "t1", "message_id": "m1", "sender": "user", "content": "again"}
    events = [EVENTS[0], *EVENTS[1:3], duplicate, duplicate, duplicate, EVENTS[6], EVENTS[6]]
    result = CliRunner().invoke(main, ["ingest", "--db", database], input=_lines(events) + "not json\n")
    assert result.exit_code == 1
    assert (
        f"{database}: wrote 3 messages, 2 status changes, 1 task; "
        "skipped 2 items whose ids exist already; rejected 1 line"
    ) in result.stderr


def test_ingest_summary_singular_nouns(tmp_path: Path) -> None:
    database = str(tmp_path / "i.db")
    duplicate = {"event": "edit", "task_id": "t1", "edit_id": "e1", "file_path": "a.py", "diff": ""}
    result = CliRunner().invoke(main, ["ingest", "--db", database], input=_lines(EVENTS + [duplicate, duplicate]))
    assert result.exit_code == 0, result.output
    assert (
        f"{database}: wrote 1 artifact, 1 command, 2 edits, 2 messages, 1 status change, 1 task; "
        "skipped 1 item whose id exists already"
    ) in result.stderr
