"""OpenHands importer, checked against counts taken by hand (jq) from the corpus."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from unidiff import PatchSet

from shadow_tui.importers import ImportSourceError, import_sources
from shadow_tui.importers.openhands import parse_file

EVENTS = "openhands/basic_gui_mode.json"
LATER = datetime.now(timezone.utc) + timedelta(days=1)


def parse_one(path: Path, now: datetime = LATER) -> Any:
    [parsed] = parse_file(path, now=now)
    return parsed


def write_events(tmp_path: Path, events: list[Any]) -> Path:
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events), encoding="utf-8")
    return path


def test_messages(corpus: Path) -> None:
    messages = parse_one(corpus / EVENTS).session.messages
    assert [m.sender for m in messages] == ["user", "agent"]
    assert messages[0].content.startswith("I want to create a VueJS app")


def test_commands(corpus: Path) -> None:
    commands = parse_one(corpus / EVENTS).session.commands
    assert [c.command_text for c in commands] == [
        "mkdir -p /workspace/todo-app",
        "cd /workspace/todo-app && python3 -m http.server 8000",
    ]
    # Exit codes 0 and -1; OpenHands writes -1 for a command that has not exited.
    assert [c.exit_code for c in commands] == [0, None]
    assert commands[1].output.startswith("Serving HTTP on 0.0.0.0 port 8000")


def test_edits(corpus: Path) -> None:
    edits = parse_one(corpus / EVENTS).session.edits
    assert [e.file_path for e in edits] == ["/workspace/todo-app/index.html", "/workspace/todo-app/app.js"]
    for edit in edits:
        assert len(PatchSet(edit.diff)) == 1


def test_task_fields(corpus: Path) -> None:
    task = parse_one(corpus / EVENTS).session.task
    assert task.status == "completed"
    assert task.repo_url == "/workspace"
    assert task.created_at == datetime(2025, 1, 20, 20, 29, 13, 519638, tzinfo=timezone.utc)
    assert task.completed_at == datetime(2025, 1, 20, 20, 30, 35, 429675, tzinfo=timezone.utc)
    assert task.title is not None
    assert task.title.startswith("I want to create a VueJS app that allows me to: * See all")


def test_error_state(tmp_path: Path) -> None:
    path = write_events(tmp_path, [
        {"id": 0, "timestamp": "2025-01-01T00:00:00", "source": "user", "action": "message",
         "args": {"content": "go"}},
        {"id": 1, "timestamp": "2025-01-01T00:00:01", "source": "agent", "observation": "error",
         "content": "LLM quota exceeded", "extras": {}},
        {"id": 2, "timestamp": "2025-01-01T00:00:02", "source": "environment",
         "observation": "agent_state_changed", "extras": {"agent_state": "error"}},
    ])
    task = parse_one(path).session.task
    assert task.status == "error"
    assert task.error_message == "LLM quota exceeded"


def test_metrics(tmp_path: Path) -> None:
    path = write_events(tmp_path, [
        {"id": 0, "timestamp": "2025-01-01T00:00:00", "source": "agent", "action": "message",
         "args": {"content": "hi"},
         "llm_metrics": {"accumulated_cost": 0.25,
                         "accumulated_token_usage": {"prompt_tokens": 1000, "completion_tokens": 50}}},
    ])
    task = parse_one(path).session.task
    assert (task.input_tokens, task.output_tokens, task.cost_usd) == (1000, 50, 0.25)


def test_not_a_list(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(ImportSourceError, match="expected a JSON array"):
        parse_file(path)


async def test_import_and_reimport(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    first = await import_sources(db, [str(corpus / EVENTS)])
    again = await import_sources(db, [str(corpus / EVENTS)])
    assert first.rows == {"tasks": 1, "chat_messages": 2, "task_commands": 2, "file_edits": 2, "artifacts": 0}
    assert again.unchanged == 1
