"""The task filter: one query string, parsed into fields.

Syntax: `status:error,running repo:shadow branch:main model:claude
user:alice since:7d until:2026-11-30 id:ab12 free words "a phrase"`.
Values of a field are comma-separated alternatives; a value with spaces is
quoted (`repo:"my repo"`). Free words and phrases match the task's title
and, through the full-text index, its messages, commands and diffs.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

from shadow_tui.errors import QuerySyntaxError

FIELDS = ("status", "repo", "branch", "model", "user", "since", "until", "id")
FILTER_SYNTAX = (
    "status:error,running repo:TEXT branch:TEXT model:TEXT user:TEXT "
    'since:DATE until:DATE id:PREFIX free words "a phrase"; '
    "DATE is YYYY-MM-DD, an ISO time, today, yesterday, or Nd, Nw, Nm (days, weeks, months ago)"
)
_RELATIVE = re.compile(r"^(\d{1,5})([dwm])$")


@dataclass(frozen=True, slots=True)
class TaskFilter:
    """A parsed task filter; empty fields match everything."""

    statuses: tuple[str, ...] = ()
    repos: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    text: tuple[str, ...] = field(default=())
    """Free words and phrases, each as typed (a phrase without its quotes)."""

    def is_empty(self) -> bool:
        return self == TaskFilter()

    def with_statuses(self, statuses: tuple[str, ...]) -> TaskFilter:
        return replace(self, statuses=statuses)


def parse_date(value: str, *, now: datetime | None = None, end_of_day: bool = False) -> datetime:
    """Parse a filter date: ISO date or time, today, yesterday, Nd, Nw or Nm."""
    now = now or datetime.now(timezone.utc)
    lowered = value.strip().lower()
    day: date | None = None
    if lowered == "today":
        day = now.date()
    elif lowered == "yesterday":
        day = now.date() - timedelta(days=1)
    elif match := _RELATIVE.match(lowered):
        amount, unit = int(match.group(1)), match.group(2)
        days = {"d": 1, "w": 7, "m": 30}[unit] * amount
        return now - timedelta(days=days)
    else:
        try:
            if len(lowered) == 10:
                day = date.fromisoformat(lowered)
            else:
                parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        except ValueError:
            raise QuerySyntaxError(
                f"invalid date {value!r}: use YYYY-MM-DD, an ISO time, today, yesterday, "
                "or Nd, Nw, Nm (for example 7d)"
            ) from None
    moment = time.max if end_of_day else time.min
    return datetime.combine(day, moment, tzinfo=timezone.utc)


def _split(query: str) -> list[str]:
    lexer = shlex.shlex(query, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    lexer.escape = ""
    try:
        return list(lexer)
    except ValueError:
        raise QuerySyntaxError(
            f"invalid filter {query!r}: a quotation mark is not closed. Syntax: {FILTER_SYNTAX}"
        ) from None


def parse_filter(query: str | None, *, now: datetime | None = None) -> TaskFilter:
    """Parse a filter string; an invalid token raises QuerySyntaxError naming it."""
    if not query or not query.strip():
        return TaskFilter()
    values: dict[str, list[str]] = {name: [] for name in FIELDS}
    text: list[str] = []
    since: datetime | None = None
    until: datetime | None = None
    for token in _split(query):
        name, separator, value = token.partition(":")
        if not separator or name.lower() not in FIELDS:
            looks_like_field = re.fullmatch(r"[a-z_]+", name.lower()) and not value.startswith("//")
            if separator and looks_like_field:
                raise QuerySyntaxError(
                    f"unknown filter field {name!r} in {token!r}: use one of "
                    f"{', '.join(FIELDS)}. Syntax: {FILTER_SYNTAX}"
                )
            text.append(token)
            continue
        name = name.lower()
        if not value:
            raise QuerySyntaxError(f"missing value after {token!r}. Syntax: {FILTER_SYNTAX}")
        if name == "since":
            since = parse_date(value, now=now)
        elif name == "until":
            until = parse_date(value, now=now, end_of_day=True)
        else:
            values[name] += [item.strip() for item in value.split(",") if item.strip()]
    statuses = tuple(status.lower() for status in values["status"])
    return TaskFilter(
        statuses=statuses,
        repos=tuple(values["repo"]),
        branches=tuple(values["branch"]),
        models=tuple(values["model"]),
        users=tuple(values["user"]),
        ids=tuple(values["id"]),
        since=since,
        until=until,
        text=tuple(text),
    )


def format_filter(task_filter: TaskFilter) -> str:
    """Render a filter back to query syntax (dates as ISO times)."""
    parts: list[str] = []
    for name, items in (
        ("status", task_filter.statuses),
        ("repo", task_filter.repos),
        ("branch", task_filter.branches),
        ("model", task_filter.models),
        ("user", task_filter.users),
        ("id", task_filter.ids),
    ):
        if items:
            parts.append(f"{name}:{shlex.quote(','.join(items))}")
    if task_filter.since:
        parts.append(f"since:{task_filter.since.isoformat()}")
    if task_filter.until:
        parts.append(f"until:{task_filter.until.isoformat()}")
    parts += [shlex.quote(word) for word in task_filter.text]
    return " ".join(parts)
