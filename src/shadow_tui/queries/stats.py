"""Task statistics per group: counts, failure rate, median duration, commands run and failed.

Counting happens in SQL. Medians are computed in Python over the
durations of each group, because SQLite has no percentile function and
computing them the same way on both backends gives the same numbers. The
query returns one small row per matching task (group key, status, times,
command counts).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Literal, get_args

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shadow_tui.queries.conditions import COMMANDS, TASKS, USERS, task_conditions
from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.records import duration_between

StatsGrouping = Literal["status", "repo", "model", "user", "day"]
STATS_GROUPINGS: tuple[StatsGrouping, ...] = get_args(StatsGrouping)


@dataclass(frozen=True, slots=True)
class GroupStats:
    """Statistics of the tasks in one group."""

    key: str | None
    """The group's value: a status, repository URL, model name, user id or YYYY-MM-DD day (UTC); None when unset."""
    label: str | None
    """The text shown for the group: the user's display name for `user`, else the key."""
    tasks: int
    failed_tasks: int
    """Tasks whose status is `error`."""
    median_duration_seconds: float | None
    """Median of the durations of the tasks that have one (from start, else creation, to completion)."""
    commands: int
    failed_commands: int
    """Commands with a known, non-zero exit code."""

    @property
    def failure_rate(self) -> float:
        """Share of the group's tasks whose status is `error`, from 0 to 1."""
        return self.failed_tasks / self.tasks if self.tasks else 0.0


@dataclass(slots=True)
class _Accumulator:
    label: str | None = None
    tasks: int = 0
    failed_tasks: int = 0
    commands: int = 0
    failed_commands: int = 0
    durations: list[float] = field(default_factory=list)


def _as_utc_day(value: datetime | None) -> str | None:
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).date().isoformat()


def _group_columns(by: StatsGrouping) -> list[Any]:
    if by == "status":
        return [TASKS.c.status.label("key"), TASKS.c.status.label("label")]
    if by == "repo":
        return [TASKS.c.repo_url.label("key"), TASKS.c.repo_url.label("label")]
    if by == "model":
        return [TASKS.c.model_name.label("key"), TASKS.c.model_name.label("label")]
    if by == "user":
        label = func.coalesce(USERS.c.display_name, USERS.c.username, USERS.c.email, TASKS.c.user_id)
        return [TASKS.c.user_id.label("key"), label.label("label")]
    # Days are cut in Python, from the UTC time, the same way on both backends.
    return [TASKS.c.created_at.label("key"), TASKS.c.created_at.label("label")]


async def fetch_stats(engine: AsyncEngine, task_filter: TaskFilter, by: StatsGrouping) -> list[GroupStats]:
    """Compute statistics per group for the tasks that match a filter.

    Groups come sorted by task count (most first, then key), except `day`,
    which is sorted by day. An unknown grouping raises ValueError.
    """
    if by not in STATS_GROUPINGS:
        raise ValueError(f"invalid grouping {by!r}: use one of {', '.join(STATS_GROUPINGS)}")
    command_counts = (
        select(
            COMMANDS.c.task_id,
            func.count().label("commands"),
            func.sum(case((COMMANDS.c.exit_code != 0, 1), else_=0)).label("failed_commands"),
        )
        .group_by(COMMANDS.c.task_id)
        .subquery()
    )
    query = (
        select(
            *_group_columns(by),
            TASKS.c.status,
            TASKS.c.created_at,
            TASKS.c.started_at,
            TASKS.c.completed_at,
            func.coalesce(command_counts.c.commands, 0).label("commands"),
            func.coalesce(command_counts.c.failed_commands, 0).label("failed_commands"),
        )
        .select_from(
            TASKS.outerjoin(USERS, USERS.c.user_id == TASKS.c.user_id).outerjoin(
                command_counts, command_counts.c.task_id == TASKS.c.task_id
            )
        )
        .where(*task_conditions(task_filter, engine.dialect.name))
    )
    groups: dict[str | None, _Accumulator] = defaultdict(_Accumulator)
    async with engine.connect() as connection:
        result = await connection.execute(query)
        for row in result:
            key = _as_utc_day(row.key) if by == "day" else row.key
            group = groups[key]
            group.label = key if by == "day" else row.label
            group.tasks += 1
            group.failed_tasks += 1 if row.status == "error" else 0
            group.commands += int(row.commands)
            group.failed_commands += int(row.failed_commands)
            duration = duration_between(row.started_at or row.created_at, row.completed_at)
            if duration is not None:
                group.durations.append(duration)
    stats = [
        GroupStats(
            key=key, label=group.label, tasks=group.tasks, failed_tasks=group.failed_tasks,
            median_duration_seconds=statistics.median(group.durations) if group.durations else None,
            commands=group.commands, failed_commands=group.failed_commands,
        )
        for key, group in groups.items()
    ]
    if by == "day":
        return sorted(stats, key=lambda item: item.key or "")
    return sorted(stats, key=lambda item: (-item.tasks, item.key is None, item.key or ""))


def days_between(first: str, last: str) -> list[str]:
    """List every day from `first` to `last` (YYYY-MM-DD, inclusive), for charts with no gaps."""
    start = date.fromisoformat(first)
    end = date.fromisoformat(last)
    return [date.fromordinal(ordinal).isoformat() for ordinal in range(start.toordinal(), end.toordinal() + 1)]


__all__ = ["GroupStats", "STATS_GROUPINGS", "StatsGrouping", "days_between", "fetch_stats"]
