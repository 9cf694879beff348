"""Tests of `shadow-tui tasks`: ids, the unknown-status warning, the note on a cut list, options with --query."""

from __future__ import annotations

import json

from click.testing import CliRunner

from shadow_tui.cli import main
from shadow_tui.short_ids import unique_prefix_length


def _ingest(
    database: str, task_ids: list[str], status: str = "completed", repo_url: str = "https://github.com/acme/api",
) -> None:
    events = []
    for number, task_id in enumerate(task_ids):
        events.append({
            "event": "task", "task_id": task_id, "user": {"user_id": "alice", "username": "alice"}, "repo_url": repo_url,
            "created_at": f"2026-11-30T10:00:{number:02d}Z", "title": f"Task {number}",
        })
        events.append({"event": "status", "task_id": task_id, "status": status})
    lines = "".join(json.dumps(event) + "\n" for event in events)
    result = CliRunner().invoke(main, ["ingest", "--db", database], input=lines)
    assert result.exit_code == 0, result.output


def test_unique_prefix_length_cases() -> None:
    assert unique_prefix_length([]) == 12
    assert unique_prefix_length(["abc", "abd"]) == 12
    assert unique_prefix_length(["shadow-demo-0001", "shadow-demo-0002"]) == 16
    assert unique_prefix_length(["shadow-demo-01x", "shadow-demo-02x"]) == 14
    assert unique_prefix_length(["same-id-twice", "same-id-twice"]) == 12
    assert unique_prefix_length(["prefix-of-a-long-id", "prefix-of-a-long-id-2"]) == 20


def test_tasks_table_ids_distinct(database_url: str) -> None:
    task_ids = ["shadow-demo-0001", "shadow-demo-0002", "shadow-demo-0003"]
    _ingest(database_url, task_ids)

    result = CliRunner().invoke(main, ["tasks", "--db", database_url])

    assert result.exit_code == 0, result.output
    for task_id in task_ids:
        assert f"\n{task_id} " in result.stdout


def test_tasks_unknown_status_warning(database_url: str) -> None:
    _ingest(database_url, ["t-error"], status="error")

    result = CliRunner().invoke(main, ["tasks", "--db", database_url, "--status", "weird", "--format", "json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    assert "no task has status 'weird'" in result.stderr
    assert "the statuses in this database are: error" in result.stderr


def test_tasks_known_status_no_warning(database_url: str) -> None:
    _ingest(database_url, ["t-error"], status="error")

    result = CliRunner().invoke(
        main, ["tasks", "--db", database_url, "--status", "error", "--repo", "elsewhere", "--format", "json"],
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    assert "warning" not in result.stderr



CUT_NOTE = "showing the newest {shown} of {total} tasks; --limit N shows more, --limit 0 shows all\n"



def test_tasks_limit_cut_noted(database_url: str) -> None:
    _ingest(database_url, ["t-1", "t-2", "t-3"])
    # --limit, then the expected stderr: a note only when tasks were left out.
    cases = [("2", CUT_NOTE.format(shown=2, total=3)), ("3", ""), ("4", ""), ("0", "")]

    for limit, expected_stderr in cases:
        result = CliRunner().invoke(main, ["tasks", "--db", database_url, "--limit", limit, "--format", "json"])

        assert result.exit_code == 0, result.output
        listed_ids = [task["task_id"] for task in json.loads(result.stdout)]
        assert listed_ids == ["t-3", "t-2", "t-1"][:int(limit) or None], limit
        assert result.stderr == expected_stderr, limit


def test_tasks_limit_cut_counts_filter(database_url: str) -> None:
    _ingest(database_url, ["t-1", "t-2", "t-3"])
    _ingest(database_url, ["e-1", "e-2"], status="error")

    result = CliRunner().invoke(main, ["tasks", "--db", database_url, "--status", "error", "--limit", "1"])

    assert result.exit_code == 0, result.output
    assert result.stderr == CUT_NOTE.format(shown=1, total=2)



def test_tasks_options_with_query(database_url: str) -> None:
    _ingest(database_url, ["api-done"])
    _ingest(database_url, ["api-error"], status="error")
    _ingest(database_url, ["web-error"], status="error", repo_url="https://github.com/acme/web")
    # Arguments, then the expected ids, or the start of the usage error. Options and --query
    # narrow each other, and a field given in both places is rejected.
    cases: list[tuple[list[str], list[str] | str]] = [
        (["--query", "status:error", "--repo", "web"], ["web-error"]),
        (["--query", "repo:api", "--status", "error"], ["api-error"]),
        (["--query", "Task", "--status", "error", "--since", "2026-11-30"], ["web-error", "api-error"]),
        (["--query", "status:error", "--status", "running"], "--status and status: in --query both set the statuses."),
        (["--query", "repo:api", "--repo", "web"], "--repo and repo: in --query both set the repositories."),
        (["--query", "since:7d", "--since", "3d"], "--since and since: in --query both set the earliest creation date."),
        (["--query", "until:7d", "--until", "3d"], "--until and until: in --query both set the latest creation date."),
    ]

    for args, expected in cases:
        result = CliRunner().invoke(main, ["tasks", "--db", database_url, "--format", "json", *args])

        if isinstance(expected, str):
            assert result.exit_code == 2, (args, result.output)
            assert result.stdout == "", args
            assert f"Error: {expected}" in result.stderr, args
        else:
            assert result.exit_code == 0, (args, result.output)
            assert [task["task_id"] for task in json.loads(result.stdout)] == expected, args


def test_tasks_no_match_every_format(database_url: str) -> None:
    _ingest(database_url, ["t-done"])

    for output_format, empty_output in (("table", None), ("json", []), ("csv", None)):
        result = CliRunner().invoke(main, ["tasks", "--db", database_url, "--repo", "nowhere", "--format", output_format])

        assert result.exit_code == 0, result.output
        assert "no tasks match" in result.stderr
        assert "no tasks match" not in result.stdout
        if empty_output is not None:
            assert json.loads(result.stdout) == empty_output
