"""Tests of the demo database generator and the `demo` command."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import unidiff
from click.testing import CliRunner

from shadow_tui.cli_demo import demo_command
from shadow_tui.demo import DemoSummary, write_demo_database

NOW = datetime(2025, 7, 1, 12, 0, tzinfo=timezone.utc)
TASKS = 80
TABLE_KEYS = {
    "users": "user_id",
    "tasks": "task_id",
    "chat_messages": "message_id",
    "task_commands": "command_id",
    "file_edits": "edit_id",
    "artifacts": "artifact_id",
}
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{21}")
DIFF_EXTENSIONS = {".py", ".ts", ".tsx", ".rs", ".go", ".sql", ".md", ".yaml", ".yml", ".css"}


def _write(path: Path, **options: object) -> DemoSummary:
    return asyncio.run(write_demo_database(str(path), **options))  # type: ignore[arg-type]


def _rows(path: Path, sql: str, *params: object) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def _dump(path: Path) -> dict[str, list[tuple]]:
    return {table: _rows(path, f"SELECT * FROM {table} ORDER BY {key}") for table, key in TABLE_KEYS.items()}


def _sqlite_time(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, DemoSummary]]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    summary = _write(path, tasks=TASKS, seed=7, now=NOW)
    yield path, summary


@pytest.fixture(scope="module")
def db(demo_db: tuple[Path, DemoSummary]) -> Path:
    return demo_db[0]


def test_same_seed_same_rows(tmp_path: Path, db: Path) -> None:
    again = tmp_path / "again.db"
    _write(again, tasks=TASKS, seed=7, now=NOW)
    first, second = _dump(db), _dump(again)
    for table in TABLE_KEYS:
        assert first[table] == second[table], f"{table} differs between two runs"


def test_same_seed_same_sql_dump(tmp_path: Path) -> None:
    paths = [tmp_path / "a.db", tmp_path / "b.db"]
    dumps = []
    for path in paths:
        _write(path, tasks=12, seed=3, now=NOW)
        connection = sqlite3.connect(path)
        dumps.append(list(connection.iterdump()))
        connection.close()
    assert dumps[0] == dumps[1]


def test_other_seed_other_tasks(tmp_path: Path, db: Path) -> None:
    other = tmp_path / "other.db"
    _write(other, tasks=TASKS, seed=8, now=NOW)
    assert _dump(db)["tasks"] != _dump(other)["tasks"]


def test_naive_now_is_utc(tmp_path: Path) -> None:
    aware, naive = tmp_path / "aware.db", tmp_path / "naive.db"
    _write(aware, tasks=6, seed=1, now=NOW)
    _write(naive, tasks=6, seed=1, now=NOW.replace(tzinfo=None))
    assert _dump(aware) == _dump(naive)


def test_smaller_database_is_prefix(tmp_path: Path, db: Path) -> None:
    small = tmp_path / "small.db"
    _write(small, tasks=10, seed=7, now=NOW)
    big_tasks = set(_dump(db)["tasks"])
    small_tasks = _dump(small)["tasks"]
    assert len(small_tasks) == 10
    assert set(small_tasks) <= big_tasks


def test_summary_matches_rows(demo_db: tuple[Path, DemoSummary]) -> None:
    path, summary = demo_db
    for table in TABLE_KEYS:
        count = _rows(path, f"SELECT count(*) FROM {table}")[0][0]
        assert summary.rows()[table] == count, table


def test_counts_in_range(demo_db: tuple[Path, DemoSummary]) -> None:
    _path, summary = demo_db
    assert 6 <= summary.users <= 8
    assert summary.tasks == TASKS
    assert 15 <= summary.chat_messages / TASKS <= 25
    assert 2 <= summary.file_edits / TASKS <= 4
    assert 2 <= summary.task_commands / TASKS <= 8
    assert 0.5 <= summary.artifacts / TASKS <= 2


def test_users_have_identity(db: Path) -> None:
    for email, username, display_name in _rows(db, "SELECT email, username, display_name FROM users"):
        assert "@" in email
        assert username
        assert display_name


def test_repos_branches_models(db: Path) -> None:
    repos = {row[0] for row in _rows(db, "SELECT DISTINCT repo_url FROM tasks")}
    branches = {row[0] for row in _rows(db, "SELECT DISTINCT branch FROM tasks")}
    models = {row[0] for row in _rows(db, "SELECT DISTINCT model_name FROM tasks")}
    assert len(repos) >= 12
    assert all(url.startswith("https://github.com/acme/") for url in repos)
    assert "main" in branches
    assert any(branch.startswith("feature/") for branch in branches)
    assert any(branch.startswith("fix/") for branch in branches)
    assert len(models) >= 4


def test_every_status_present(db: Path) -> None:
    statuses = {row[0] for row in _rows(db, "SELECT DISTINCT status FROM tasks")}
    assert statuses == {"pending", "running", "completed", "error"}


def test_status_mix_mostly_completed(tmp_path: Path) -> None:
    path = tmp_path / "mix.db"
    _write(path, tasks=600, seed=2, now=NOW)
    counts = dict(_rows(path, "SELECT status, count(*) FROM tasks GROUP BY status"))
    assert counts["completed"] / 600 >= 0.75
    assert 0.05 <= counts["error"] / 600 <= 0.15


@pytest.mark.parametrize(
    ("status", "condition"),
    [
        ("pending", "started_at IS NOT NULL OR completed_at IS NOT NULL"),
        ("running", "started_at IS NULL OR completed_at IS NOT NULL"),
        ("completed", "completed_at IS NULL OR error_message IS NOT NULL"),
        ("error", "completed_at IS NULL OR error_message IS NULL"),
        ("completed", "started_at < created_at OR completed_at < started_at"),
    ],
)
def test_status_fields(db: Path, status: str, condition: str) -> None:
    bad = _rows(db, f"SELECT task_id FROM tasks WHERE status = ? AND ({condition})", status)
    assert bad == []


def test_dates_within_history(db: Path) -> None:
    oldest, newest = _rows(db, "SELECT min(created_at), max(created_at) FROM tasks")[0]
    assert oldest >= _sqlite_time(NOW - timedelta(days=90))
    assert newest <= _sqlite_time(NOW)


@pytest.mark.parametrize("table", ["chat_messages", "task_commands", "file_edits", "artifacts"])
def test_children_within_task_span(db: Path, table: str) -> None:
    end = _sqlite_time(NOW)
    bad = _rows(
        db,
        f"SELECT child.task_id FROM {table} AS child JOIN tasks USING (task_id) "
        "WHERE child.created_at < tasks.created_at OR child.created_at > coalesce(tasks.completed_at, ?)",
        end,
    )
    assert bad == []


def test_chat_alternates_in_order(db: Path) -> None:
    rows = _rows(db, "SELECT task_id, sequence, sender, created_at FROM chat_messages "
                     "ORDER BY task_id, sequence")
    chats: dict[str, list[tuple[int, str, str]]] = {}
    for task_id, sequence, sender, created_at in rows:
        chats.setdefault(task_id, []).append((sequence, sender, created_at))
    for task_id, chat in chats.items():
        assert [item[0] for item in chat] == list(range(len(chat))), task_id
        assert [item[1] for item in chat] == [("user", "agent")[i % 2] for i in range(len(chat))], task_id
        times = [item[2] for item in chat]
        assert times == sorted(set(times)), task_id


def test_markdown_fences_present(db: Path) -> None:
    contents = [row[0] for row in _rows(db, "SELECT content FROM chat_messages WHERE sender = 'agent'")]
    for fence in ("python", "typescript", "rust", "go", "sql", "bash"):
        assert any(f"```{fence}\n" in text for text in contents), fence


def test_markdown_structure_present(db: Path) -> None:
    contents = [row[0] for row in _rows(db, "SELECT content FROM chat_messages WHERE sender = 'agent'")]
    assert any(re.search(r"^#{2,3} ", text, re.MULTILINE) for text in contents)
    assert any(re.search(r"^- ", text, re.MULTILINE) for text in contents)
    assert any(re.search(r"^1\. ", text, re.MULTILINE) for text in contents)
    assert any(re.search(r"\[[^]]+\]\(https://", text) for text in contents)


def test_ids_are_nanoid_style(db: Path) -> None:
    for table, key in TABLE_KEYS.items():
        for (value,) in _rows(db, f"SELECT {key} FROM {table}"):
            assert ID_PATTERN.fullmatch(value), f"{table}.{key} = {value!r}"


def test_diffs_parse(db: Path) -> None:
    for edit_id, file_path, diff in _rows(db, "SELECT edit_id, file_path, diff FROM file_edits"):
        patch = unidiff.PatchSet(diff)
        assert len(patch) == 1, edit_id
        assert patch[0].path == file_path, edit_id


def test_diff_kinds_present(db: Path) -> None:
    patches = [unidiff.PatchSet(row[0])[0] for row in _rows(db, "SELECT diff FROM file_edits")]
    assert any(item.is_added_file for item in patches)
    assert any(item.is_removed_file for item in patches)
    assert any(item.is_rename for item in patches)


def test_diff_headers_git_style(db: Path) -> None:
    diffs = [row[0] for row in _rows(db, "SELECT diff FROM file_edits")]
    assert all(text.startswith("diff --git a/") for text in diffs)
    assert any("\n--- /dev/null\n" in text for text in diffs)
    assert any("\n+++ /dev/null\n" in text for text in diffs)
    assert any("\nrename from " in text and "\nrename to " in text for text in diffs)


def test_diff_languages(db: Path) -> None:
    extensions = {Path(row[0]).suffix for row in _rows(db, "SELECT file_path FROM file_edits")}
    assert len(extensions & DIFF_EXTENSIONS) >= 6


def test_artifact_types_present(db: Path) -> None:
    types = {row[0] for row in _rows(db, "SELECT DISTINCT type FROM artifacts")}
    assert types == {"log", "binary", "zip", "report", "other"}


def test_artifact_urls(db: Path) -> None:
    for task_id, url in _rows(db, "SELECT task_id, s3_url FROM artifacts"):
        assert url.startswith(f"s3://shadow-artifacts/{task_id}/"), url


def test_outputs_have_colors(db: Path) -> None:
    outputs = [row[0] for row in _rows(db, "SELECT output FROM task_commands")]
    assert any("\x1b[31m" in text for text in outputs)
    assert any("\x1b[38;5;" in text for text in outputs)
    assert any("\x1b[1m" in text for text in outputs)
    assert any("\r" in text for text in outputs)


def test_failed_pytest_with_progress(db: Path) -> None:
    rows = _rows(db, "SELECT output FROM task_commands WHERE command_text LIKE 'pytest%' AND exit_code != 0")
    matching = [text for (text,) in rows if "\x1b[31m" in text and "\x1b[32m" in text and "\r" in text]
    assert matching


def test_hostile_output_present(db: Path) -> None:
    outputs = [row[0] for row in _rows(db, "SELECT output FROM task_commands")]
    assert any("\x1b]52;c;" in text for text in outputs)
    assert any("\x1b]0;pwned\x07" in text for text in outputs)
    assert any("\x1b[5A" in text for text in outputs)


def test_exit_codes_varied(db: Path) -> None:
    codes = {row[0] for row in _rows(db, "SELECT DISTINCT exit_code FROM task_commands")}
    assert 0 in codes
    assert None in codes
    assert codes - {0, None}


def test_durations_recorded(db: Path) -> None:
    recorded = _rows(db, "SELECT count(*) FROM task_commands WHERE duration_seconds > 0")[0][0]
    assert recorded > 0


def test_usage_on_most_tasks(db: Path) -> None:
    with_cost = _rows(db, "SELECT count(*) FROM tasks WHERE cost_usd > 0 AND input_tokens > 0 "
                          "AND output_tokens > 0")[0][0]
    assert with_cost / TASKS >= 0.7


def test_second_write_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "twice.db"
    _write(path, tasks=5, seed=4, now=NOW)
    again = _write(path, tasks=5, seed=4, now=NOW)
    assert again.total == 0


def test_invalid_task_count(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid task count 0"):
        _write(tmp_path / "none.db", tasks=0)


def test_cli_writes_summary(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    result = CliRunner().invoke(demo_command, [str(path), "--tasks", "5", "--now", "2025-07-01T12:00:00Z"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Wrote 5 tasks, ")
    assert _rows(path, "SELECT count(*) FROM tasks")[0][0] == 5


def test_cli_rejects_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    runner = CliRunner()
    runner.invoke(demo_command, [str(path), "--tasks", "3"])
    result = runner.invoke(demo_command, [str(path), "--tasks", "4"])
    assert result.exit_code == 1
    assert "--force" in result.output
    assert _rows(path, "SELECT count(*) FROM tasks")[0][0] == 3


def test_cli_force_replaces_file(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    runner = CliRunner()
    runner.invoke(demo_command, [str(path), "--tasks", "3"])
    result = runner.invoke(demo_command, [str(path), "--tasks", "4", "--force"])
    assert result.exit_code == 0, result.output
    assert _rows(path, "SELECT count(*) FROM tasks")[0][0] == 4


def test_cli_force_keeps_other_files(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n")
    result = CliRunner().invoke(demo_command, [str(path), "--force"])
    assert result.exit_code == 1
    assert "not a SQLite database" in result.output
    assert path.read_text() == "not a database\n"


def test_cli_now_sets_history_end(tmp_path: Path) -> None:
    path = tmp_path / "cli.db"
    result = CliRunner().invoke(demo_command, [str(path), "--tasks", "5", "--now", "2024-01-15T08:30:00"])
    assert result.exit_code == 0, result.output
    newest = _rows(path, "SELECT max(created_at) FROM tasks")[0][0]
    assert "2024-01-08" <= newest <= "2024-01-15 08:30:00"


def test_cli_rejects_invalid_now(tmp_path: Path) -> None:
    result = CliRunner().invoke(demo_command, [str(tmp_path / "cli.db"), "--now", "yesterday"])
    assert result.exit_code == 2
    assert "invalid timestamp 'yesterday'" in result.output


def test_demo_imports_no_textual() -> None:
    code = "import sys, shadow_tui.demo, shadow_tui.cli_demo; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
