"""`shadow-tui stats` and `fetch_stats`: the same numbers on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import statistics
from collections import defaultdict
from datetime import timedelta

import pytest
from click.testing import CliRunner, Result

from factories import BOB, make_session, write_sessions
from shadow_tui.cli import main
from shadow_tui.cli_stats import BAR_BLOCKS, bar, day_chart
from shadow_tui.db.access import open_reader
from shadow_tui.db.writer import CommandData, SessionData
from shadow_tui.queries.filter import parse_filter
from shadow_tui.queries.stats import GroupStats, fetch_stats

API = "https://github.com/acme/api"
WEB = "https://github.com/acme/web"


def _sessions() -> list[SessionData]:
    """Tasks over four days (one day with none), two repos, two users, durations of 1 to 40 minutes."""
    specs = [
        # index, status, repo, days ago, minutes, user
        (1, "completed", API, 0.1, 10, None),
        (2, "error", API, 0.2, 40, None),
        (3, "completed", WEB, 0.3, 5, BOB),
        (4, "error", WEB, 1.1, 1, BOB),
        (5, "completed", API, 1.2, 20, None),
        (6, "running", API, 3.1, None, BOB),
        (7, "completed", WEB, 3.2, 7, None),
    ]
    sessions = []
    for index, status, repo, days_ago, minutes, user in specs:
        session = make_session(index, status=status, repo=repo, days_ago=days_ago, **({"user": user} if user else {}))
        task = session.task
        task.completed_at = None if minutes is None else task.created_at + timedelta(minutes=minutes)
        task.model_name = "claude-sonnet-4" if index % 2 else "gpt-5"
        if index % 3 == 0:
            session.commands.append(
                CommandData(f"task{index:04d}-c9", "make test", "boom", task.created_at, exit_code=2)
            )
        sessions.append(session)
    return sessions


def _expected(sessions: list[SessionData], key_of) -> dict[str | None, dict]:  # type: ignore[no-untyped-def]
    """Compute each group's numbers straight from the session data."""
    groups: dict[str | None, dict] = defaultdict(lambda: {"tasks": 0, "failed": 0, "durations": [], "commands": 0,
                                                          "failed_commands": 0})
    for session in sessions:
        task = session.task
        group = groups[key_of(session)]
        group["tasks"] += 1
        group["failed"] += task.status == "error"
        if task.completed_at is not None:
            group["durations"].append((task.completed_at - (task.started_at or task.created_at)).total_seconds())
        group["commands"] += len(session.commands)
        group["failed_commands"] += sum(1 for c in session.commands if c.exit_code not in (None, 0))
    return groups


KEYS = {
    "status": lambda session: session.task.status,
    "repo": lambda session: session.task.repo_url,
    "model": lambda session: session.task.model_name,
    "user": lambda session: session.task.user.user_id,
    "day": lambda session: session.task.created_at.date().isoformat(),
}


@pytest.fixture
def database(database_url: str) -> str:
    asyncio.run(write_sessions(database_url, _sessions()))
    return database_url


async def _fetch(database: str, by: str, query: str = "") -> list[GroupStats]:
    async with open_reader(database) as (_target, engine):
        return await fetch_stats(engine, parse_filter(query), by)  # type: ignore[arg-type]


@pytest.mark.parametrize("by", sorted(KEYS))
def test_stats_match_data(database: str, by: str) -> None:
    expected = _expected(_sessions(), KEYS[by])
    result = asyncio.run(_fetch(database, by))
    assert {group.key for group in result} == set(expected)
    for group in result:
        want = expected[group.key]
        assert group.tasks == want["tasks"], group.key
        assert group.failed_tasks == want["failed"], group.key
        assert group.failure_rate == pytest.approx(want["failed"] / want["tasks"]), group.key
        median = statistics.median(want["durations"]) if want["durations"] else None
        assert group.median_duration_seconds == (pytest.approx(median) if median is not None else None), group.key
        assert group.commands == want["commands"], group.key
        assert group.failed_commands == want["failed_commands"], group.key


def test_stats_sorted_by_count(database: str) -> None:
    result = asyncio.run(_fetch(database, "repo"))
    assert [group.tasks for group in result] == sorted((group.tasks for group in result), reverse=True)


def test_stats_days_in_order(database: str) -> None:
    days = [group.key for group in asyncio.run(_fetch(database, "day"))]
    assert days == sorted(days)


def test_stats_user_label(database: str) -> None:
    labels = {group.key: group.label for group in asyncio.run(_fetch(database, "user"))}
    assert labels == {"u-alice": "Alice", "u-bob": "Bob"}


def test_stats_filter(database: str) -> None:
    result = asyncio.run(_fetch(database, "status", "repo:web"))
    expected = _expected([s for s in _sessions() if s.task.repo_url == WEB], KEYS["status"])
    assert {group.key: group.tasks for group in result} == {key: value["tasks"] for key, value in expected.items()}


def test_stats_invalid_grouping(database: str) -> None:
    with pytest.raises(ValueError, match="invalid grouping 'week'"):
        asyncio.run(_fetch(database, "week"))


def _stats(database: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["stats", "--db", database, *args])


def test_cli_stats_json(database: str) -> None:
    result = _stats(database, "--by", "repo", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row["key"]: row for row in json.loads(result.stdout)}
    expected = _expected(_sessions(), KEYS["repo"])
    assert {key: row["tasks"] for key, row in rows.items()} == {key: value["tasks"] for key, value in expected.items()}
    assert rows[API]["failure_rate"] == pytest.approx(expected[API]["failed"] / expected[API]["tasks"])


def test_cli_stats_by_repo(database: str) -> None:
    result = _stats(database, "--by", "repo")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["repo", "tasks", "failure"]
    api_line = next(line for line in lines if line.startswith("acme/api"))
    expected = _expected(_sessions(), KEYS["repo"])[API]
    assert api_line.split()[1] == str(expected["tasks"])
    assert f"{expected['failed'] / expected['tasks']:.1%}" in api_line


def test_cli_stats_by_day_chart(database: str) -> None:
    result = _stats(database, "--by", "day")
    assert result.exit_code == 0, result.output
    chart = [line for line in result.stdout.splitlines() if "│" in line]
    days = sorted({KEYS["day"](session) for session in _sessions()})
    assert chart[0].startswith(days[0])
    assert chart[-1].startswith(days[-1])
    # The day without tasks between them still gets a line, with no bar.
    assert len(chart) == 4
    empty = [line for line in chart if line.endswith("│ 0")]
    assert len(empty) == 1


def test_cli_stats_no_tasks(database: str) -> None:
    result = _stats(database, "--query", "repo:nothing-like-this")
    assert result.exit_code == 0
    assert "no tasks match" in result.stderr


def test_cli_stats_bad_filter(database: str) -> None:
    result = _stats(database, "--query", "since:soon")
    assert result.exit_code == 2
    assert "invalid date 'soon'" in result.stderr


def test_bar_scales_to_width() -> None:
    assert bar(10, 10, 20) == BAR_BLOCKS[-1] * 20
    assert bar(5, 10, 20) == BAR_BLOCKS[-1] * 10
    assert bar(1, 2, 1) == BAR_BLOCKS[3]
    assert bar(1, 1000, 10) == BAR_BLOCKS[0]
    assert bar(0, 10, 20) == ""


def test_day_chart_fits_width() -> None:
    groups = [
        GroupStats(key=day, label=day, tasks=count, failed_tasks=0, median_duration_seconds=None, commands=0,
                   failed_commands=0)
        for day, count in (("2026-11-01", 3), ("2026-11-03", 120))
    ]
    lines = day_chart(groups, 60)
    assert len(lines) == 3
    assert max(len(line) for line in lines) <= 60
    assert lines[2].endswith(" 120")
