"""The import engine and the `import` command: folders, detection, idempotence, failures."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from shadow_tui.cli_import import import_command
from shadow_tui.db.access import open_reader
from shadow_tui.importers import ImportSourceError, detect_file, import_sources, runner
from shadow_tui.importers.summary import TABLE_NAMES

CLAUDE = "claude-code/coverage-test-fix.jsonl"
CODEX = "codex/rollout-2025-09-25T15-12-14-019982b8-3422-79e0-8b3b-05abaf4f3c3e.jsonl"
TRAJ = "swe-agent/pydicom__pydicom-1458.traj"
EVENTS = "openhands/basic_gui_mode.json"
SHADOW = "shadow/prisma-sqlite-dev.db"


async def fetch(db: str, sql: str) -> list[dict[str, Any]]:
    async with open_reader(db) as (_target, engine):
        async with engine.connect() as connection:
            return [dict(row) for row in (await connection.execute(text(sql))).mappings()]


def make_old(path: Path) -> None:
    old = time.time() - 3600
    os.utime(path, (old, old))


@pytest.fixture
def mixed_tree(corpus: Path, tmp_path: Path) -> Path:
    """A folder tree with one file of each format, renamed, and a file that is not a session."""
    root = tmp_path / "sources"
    placements = {
        CLAUDE: root / "claude" / "project" / "session.jsonl",
        CODEX: root / "codex" / "2025" / "09" / "25" / "log.jsonl",
        TRAJ: root / "swe" / "run.traj",
        EVENTS: root / "oh" / "conversation.json",
        SHADOW: root / "shadow" / "dev.db",
    }
    for name, target in placements.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / name, target)
        make_old(target)
    (root / "notes.txt").write_text("not a session\n", encoding="utf-8")
    return root


# --- Folder import -------------------------------------------------------------------------


async def test_mixed_tree_counts(mixed_tree: Path, tmp_path: Path) -> None:
    summary = await import_sources(str(tmp_path / "h.db"), [str(mixed_tree)])
    assert summary.new == 7
    assert summary.failed == 0
    assert summary.formats == {"claude-code": 1, "codex": 1, "swe-agent": 1, "openhands": 1, "shadow": 3}
    assert [item.path for item in summary.skipped] == [str(mixed_tree / "notes.txt")]


async def test_mixed_tree_rows(mixed_tree: Path, tmp_path: Path) -> None:
    summary = await import_sources(str(tmp_path / "h.db"), [str(mixed_tree)])
    assert summary.rows == {
        "tasks": 7,
        "chat_messages": 9 + 2 + 13 + 2 + 6,
        "task_commands": 5 + 34 + 12 + 2,
        "file_edits": 3 + 0 + 1 + 2,
        "artifacts": 0,
    }


async def test_mixed_tree_reimport_unchanged(mixed_tree: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    await import_sources(db, [str(mixed_tree)])
    again = await import_sources(db, [str(mixed_tree)])
    assert again.unchanged == 7
    assert again.new + again.updated + again.failed == 0
    assert sum(again.rows.values()) == 0


async def test_sources_by_format(mixed_tree: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    await import_sources(db, [str(mixed_tree)])
    rows = await fetch(db, "SELECT source, count(*) AS n FROM tasks GROUP BY source ORDER BY source")
    assert {row["source"]: row["n"] for row in rows} == {
        "claude-code": 1, "codex": 1, "openhands": 1, "shadow": 3, "swe-agent": 1,
    }


async def test_format_filters_folder(mixed_tree: Path, tmp_path: Path) -> None:
    summary = await import_sources(str(tmp_path / "h.db"), [str(mixed_tree)], fmt="codex")
    assert summary.new == 1
    assert summary.formats == {"codex": 1}
    reasons = {Path(item.path).name: item.reason for item in summary.skipped}
    assert reasons["run.traj"] == "detected as swe-agent, not codex"


async def test_recent_file_running(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "live.jsonl"
    shutil.copyfile(corpus / CLAUDE, source)
    db = str(tmp_path / "h.db")
    await import_sources(db, [str(source)])
    [task] = await fetch(db, "SELECT status, completed_at FROM tasks")
    assert task["status"] == "running"
    assert task["completed_at"] is None


async def test_progress_reports_each_source(mixed_tree: Path, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    await import_sources(str(tmp_path / "h.db"), [str(mixed_tree)], progress=lambda d, t, _s: calls.append((d, t)))
    assert calls == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


# --- Failures and errors -------------------------------------------------------------------


async def test_failed_session_rolled_back(mixed_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = runner.write_session

    async def failing_write(connection: Any, session: Any) -> Any:
        outcome = await real_write(connection, session)
        if session.task.task_id == "shadow-demo-task-2":
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return outcome

    monkeypatch.setattr(runner, "write_session", failing_write)
    db = str(tmp_path / "h.db")
    summary = await import_sources(db, [str(mixed_tree)])
    assert summary.new == 6
    assert summary.failed == 1
    assert summary.failures[0].task_id == "shadow-demo-task-2"
    assert "disk I/O error" in summary.failures[0].reason
    assert await fetch(db, "SELECT task_id FROM tasks WHERE task_id = 'shadow-demo-task-2'") == []
    assert await fetch(db, "SELECT message_id FROM chat_messages WHERE task_id = 'shadow-demo-task-2'") == []


async def test_unrecognized_named_file(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("hello\n", encoding="utf-8")
    summary = await import_sources(str(tmp_path / "h.db"), [str(source)])
    assert summary.failed == 1
    assert summary.failures[0].reason == (
        "the format cannot be detected from the content. "
        "Pass --format with one of shadow, claude-code, codex, swe-agent, openhands"
    )


async def test_invalid_document_fails(tmp_path: Path) -> None:
    source = tmp_path / "broken.traj"
    source.write_text('{"trajectory": [', encoding="utf-8")
    summary = await import_sources(str(tmp_path / "h.db"), [str(source)], fmt="swe-agent")
    assert summary.failed == 1
    assert summary.failures[0].reason.startswith(f"invalid JSON in {source} at line 1")


async def test_missing_source_error(tmp_path: Path) -> None:
    with pytest.raises(ImportSourceError, match="source not found"):
        await import_sources(str(tmp_path / "h.db"), [str(tmp_path / "absent")])
    assert not (tmp_path / "h.db").exists()


async def test_unknown_format_error(tmp_path: Path) -> None:
    with pytest.raises(ImportSourceError, match="unknown format 'aider'"):
        await import_sources(str(tmp_path / "h.db"), [str(tmp_path)], fmt="aider")


async def test_pg_source_password_hidden(tmp_path: Path) -> None:
    summary = await import_sources(str(tmp_path / "h.db"), ["postgresql://reader:s3cret@127.0.0.1:1/shadow"])
    assert summary.failed == 1
    assert "s3cret" not in summary.to_json()
    assert summary.failures[0].source == "postgresql://reader@127.0.0.1:1/shadow"


# --- Default places ------------------------------------------------------------------------


async def test_no_default_places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with pytest.raises(ImportSourceError, match="none of the default folders exists"):
        await import_sources(str(tmp_path / "h.db"), [])


async def test_default_places_searched(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    project = home / ".claude" / "projects" / "-work-app"
    project.mkdir(parents=True)
    shutil.copyfile(corpus / CLAUDE, project / "c64cc478.jsonl")
    monkeypatch.setenv("HOME", str(home))
    summary = await import_sources(str(tmp_path / "h.db"), [])
    assert [(Path(p.path).name, p.exists) for p in summary.default_places] == [("projects", True), ("sessions", False)]
    assert summary.new == 1


# --- Summary and detection -----------------------------------------------------------------


async def test_summary_json(mixed_tree: Path, tmp_path: Path) -> None:
    summary = await import_sources(str(tmp_path / "h.db"), [str(mixed_tree)])
    data = json.loads(summary.to_json())
    assert data["sessions"] == {"total": 7, "new": 7, "updated": 0, "unchanged": 0, "failed": 0}
    assert list(data["rows"]) == list(TABLE_NAMES)
    assert data["database"] == str(tmp_path / "h.db")


def test_detect_corpus(corpus: Path) -> None:
    expected = {
        "claude-code/coverage-test-fix.jsonl": "claude-code",
        "claude-code/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl": "claude-code",
        CODEX: "codex",
        "codex/rollout-2025-09-24T19-22-20-01997e76-d124-7592-9cac-2ec05abbca08.jsonl": "codex",
        TRAJ: "swe-agent",
        EVENTS: "openhands",
        SHADOW: "shadow",
        "README.md": None,
    }
    for name, fmt in expected.items():
        assert detect_file(corpus / name) == fmt, name


def test_detect_one_line_trajectory(corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "compact.json"
    path.write_text(json.dumps(json.loads((corpus / TRAJ).read_text(encoding="utf-8"))), encoding="utf-8")
    assert detect_file(path) == "swe-agent"


async def test_detect_own_database(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    await import_sources(str(db), [str(corpus / EVENTS)])
    assert detect_file(db) is None


# --- The command ---------------------------------------------------------------------------


def test_command_json(mixed_tree: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(import_command, ["--db", str(tmp_path / "h.db"), "--json", str(mixed_tree)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sessions"]["new"] == 7


def test_command_table(mixed_tree: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    CliRunner().invoke(import_command, ["--db", db, str(mixed_tree)])
    result = CliRunner().invoke(import_command, ["--db", db, str(mixed_tree)])
    assert result.exit_code == 0
    assert "unchanged" in result.output
    assert "skipped 1 file (--json lists them with the reason)" in result.output


def test_command_failed_session_exit(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("hello\n", encoding="utf-8")
    result = CliRunner().invoke(import_command, ["--db", str(tmp_path / "h.db"), str(source)])
    assert result.exit_code == 1
    assert f"failed: {source}: the format cannot be detected" in result.output


def test_forced_wrong_format_fails(corpus: Path, tmp_path: Path) -> None:
    database = tmp_path / "h.db"
    result = CliRunner().invoke(import_command, ["--db", str(database), "--format", "codex", str(corpus / CLAUDE)])
    assert result.exit_code == 1
    assert "no codex session found; its content looks like claude-code" in result.output
    assert "pass --format claude-code or leave --format out" in result.output


def test_failed_import_removes_new_database(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("hello\n", encoding="utf-8")
    database = tmp_path / "new.db"
    result = CliRunner().invoke(import_command, ["--db", str(database), "--json", str(source)])
    assert result.exit_code == 1
    assert json.loads(result.output)["database_removed"] is True
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


def test_failed_import_keeps_existing_database(corpus: Path, tmp_path: Path) -> None:
    database = tmp_path / "h.db"
    first = CliRunner().invoke(import_command, ["--db", str(database), str(corpus / CLAUDE)])
    assert first.exit_code == 0, first.output
    source = tmp_path / "notes.txt"
    source.write_text("hello\n", encoding="utf-8")
    result = CliRunner().invoke(import_command, ["--db", str(database), str(source)])
    assert result.exit_code == 1
    assert "removed again" not in result.output
    assert database.exists()


def test_command_error_exit(tmp_path: Path) -> None:
    result = CliRunner().invoke(import_command, ["--db", str(tmp_path / "h.db"), str(tmp_path / "absent")])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: source not found: {tmp_path / 'absent'}")


def test_command_warnings_listed(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "s.jsonl"
    lines = (corpus / CLAUDE).read_text(encoding="utf-8").split("\n")
    lines[2] = "{not json"
    source.write_text("\n".join(lines), encoding="utf-8")
    result = CliRunner().invoke(import_command, ["--db", str(tmp_path / "h.db"), str(source)])
    assert result.exit_code == 0
    assert f"warning: {source}:3: invalid JSON" in result.output
