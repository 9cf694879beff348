"""SWE-agent importer, checked against counts taken by hand (jq) from the corpus."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from unidiff import PatchSet

from shadow_tui.importers import ImportSourceError, import_sources
from shadow_tui.importers.swe_agent import ROW_SPACING, parse_file, split_git_diff

TRAJ = "swe-agent/pydicom__pydicom-1458.traj"
LATER = datetime.now(timezone.utc) + timedelta(days=1)
MTIME = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def parse_one(path: Path, now: datetime = LATER) -> Any:
    [parsed] = parse_file(path, now=now)
    return parsed


@pytest.fixture
def traj(corpus: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "pydicom__pydicom-1458.traj"
    shutil.copyfile(corpus / TRAJ, copy)
    os.utime(copy, (MTIME.timestamp(), MTIME.timestamp()))
    return copy


def write_traj(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "run.traj"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_messages(traj: Path) -> None:
    messages = parse_one(traj).session.messages
    senders = Counter(m.sender for m in messages)
    # history: 1 system, 1 demonstration, 1 task statement, 12 assistant, 11 observations.
    assert senders["user"] == 1
    assert senders["agent"] == 12


def test_statement_not_demo(traj: Path) -> None:
    first = parse_one(traj).session.messages[0]
    assert first.sender == "user"
    assert first.content.startswith("We're currently solving the following issue")


def test_commands(traj: Path) -> None:
    commands = parse_one(traj).session.commands
    assert len(commands) == 12
    assert all(c.exit_code is None for c in commands)
    assert commands[0].command_text == "create reproduce_bug.py"
    assert commands[0].output.startswith("[File: /pydicom__pydicom/reproduce_bug.py (1 lines total)]")


def test_submission_edit(traj: Path) -> None:
    [edit] = parse_one(traj).session.edits
    assert edit.file_path == "pydicom/pixel_data_handlers/numpy_handler.py"
    assert len(PatchSet(edit.diff)) == 1


def test_task_fields(traj: Path) -> None:
    task = parse_one(traj).session.task
    assert task.status == "completed"
    assert task.cost_usd == 1.26719
    assert task.input_tokens == 122612
    assert task.output_tokens == 1369
    assert task.title == "Pixel Representation attribute should be optional for pixel data handler"
    assert task.repo_url == "/pydicom__pydicom"


def test_times_from_mtime(traj: Path) -> None:
    session = parse_one(traj).session
    assert session.task.created_at == MTIME
    assert session.messages[0].created_at == MTIME + ROW_SPACING
    assert session.messages[1].created_at == MTIME + 2 * ROW_SPACING
    # Each reply of the model comes before the command of its step.
    assert session.commands[0].created_at == MTIME + 3 * ROW_SPACING
    assert session.messages[2].created_at == MTIME + 4 * ROW_SPACING
    assert session.commands[-1].created_at == MTIME + 25 * ROW_SPACING
    # 13 messages, 12 commands and 1 edit, one second apart.
    assert session.task.completed_at == MTIME + 26 * ROW_SPACING


def test_running_when_recent(corpus: Path, tmp_path: Path) -> None:
    document = json.loads((corpus / TRAJ).read_text(encoding="utf-8"))
    del document["info"]["exit_status"]
    path = write_traj(tmp_path, document)
    assert parse_one(path, now=datetime.now(timezone.utc)).session.task.status == "running"


def test_recent_with_exit_status_finished(corpus: Path, tmp_path: Path) -> None:
    copy = tmp_path / "x.traj"
    shutil.copyfile(corpus / TRAJ, copy)
    task = parse_one(copy, now=datetime.now(timezone.utc)).session.task
    assert task.status == "completed"
    assert task.completed_at is not None


def test_exit_cost_is_error(tmp_path: Path) -> None:
    path = write_traj(tmp_path, {"trajectory": [], "history": [], "info": {"exit_status": "exit_cost"}})
    task = parse_one(path).session.task
    assert task.status == "error"
    assert task.error_message == "exit status exit_cost"


def test_autosubmission_completed(tmp_path: Path) -> None:
    path = write_traj(tmp_path, {"trajectory": [], "info": {"exit_status": "submitted (exit_context)"}})
    assert parse_one(path).session.task.status == "completed"


def test_missing_exit_status(tmp_path: Path) -> None:
    path = write_traj(tmp_path, {"trajectory": []})
    assert parse_one(path).session.task.error_message == "the trajectory records no exit status"


def test_not_a_trajectory(tmp_path: Path) -> None:
    path = write_traj(tmp_path, {"history": []})
    with pytest.raises(ImportSourceError, match="no 'trajectory' list"):
        parse_file(path)


def test_split_git_diff_two_files() -> None:
    diff = (
        "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n"
        "diff --git a/y.py b/y.py\n--- a/y.py\n+++ b/y.py\n@@ -1 +1 @@\n-c\n+d\n"
    )
    pieces = split_git_diff(diff)
    assert [path for path, _ in pieces] == ["x.py", "y.py"]
    assert pieces[1][1].startswith("diff --git a/y.py b/y.py\n")


async def test_import_and_reimport(traj: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    first = await import_sources(db, [str(traj)])
    again = await import_sources(db, [str(traj)])
    assert first.rows == {"tasks": 1, "chat_messages": 13, "task_commands": 12, "file_edits": 1, "artifacts": 0}
    assert again.unchanged == 1
