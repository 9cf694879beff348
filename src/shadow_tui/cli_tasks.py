"""`shadow-tui tasks`: list tasks as a table, JSON or CSV."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import replace
from datetime import datetime
from typing import Any

import click

from shadow_tui.cli_common import db_option, run_async
from shadow_tui.db.access import open_reader
from shadow_tui.queries.filter import parse_date, parse_filter
from shadow_tui.queries.records import TaskRow
from shadow_tui.queries.tasks import fetch_task_page
from shadow_tui.render.terminal import sanitize_inline

JSON_FIELDS = (
    "task_id", "user", "repo_url", "branch", "model_name", "status", "created_at", "started_at",
    "completed_at", "error_message", "title", "message_count", "command_count",
    "failed_command_count", "edit_count", "artifact_count",
)
# Pages fetched from the database while streaming rows out.
PAGE_SIZE = 500


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def task_json(row: TaskRow) -> dict[str, Any]:
    """Return the JSON object of one task row."""
    data: dict[str, Any] = {}
    for name in JSON_FIELDS:
        value = getattr(row, name)
        data[name] = _iso(value) if isinstance(value, datetime) else value
    data["user_id"] = row.user_id
    data["duration_seconds"] = row.duration_seconds
    data["input_tokens"] = row.input_tokens
    data["output_tokens"] = row.output_tokens
    data["cost_usd"] = row.cost_usd
    data["source"] = row.source
    return data


@click.command("tasks")
@db_option
@click.option("--query", "-q", "query", default="", help="Filter in the query syntax, e.g. 'status:error since:7d'.")
@click.option("--status", multiple=True, help="Only these statuses (repeatable or comma-separated).")
@click.option("--repo", multiple=True, help="Repository URL contains this text (repeatable).")
@click.option("--since", help="Created at or after: YYYY-MM-DD, ISO time, today, yesterday, Nd, Nw, Nm.")
@click.option("--until", help="Created at or before (same forms as --since).")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format.")
@click.option("--limit", type=click.IntRange(min=0), default=100, show_default=True,
              help="Maximum number of tasks; 0 means no limit.")
@run_async
async def tasks_command(
    db: str | None, query: str, status: tuple[str, ...], repo: tuple[str, ...], since: str | None,
    until: str | None, output_format: str, limit: int,
) -> None:
    """List tasks, newest first."""
    task_filter = parse_filter(query)
    statuses = tuple(s.strip().lower() for item in status for s in item.split(",") if s.strip())
    task_filter = replace(
        task_filter,
        statuses=task_filter.statuses + statuses,
        repos=task_filter.repos + repo,
        since=parse_date(since) if since else task_filter.since,
        until=parse_date(until, end_of_day=True) if until else task_filter.until,
    )
    async with open_reader(db) as (_target, engine):
        rows: list[TaskRow] = []
        cursor = None
        while True:
            want = PAGE_SIZE if limit == 0 else min(PAGE_SIZE, limit - len(rows))
            page = await fetch_task_page(engine, task_filter, limit=want, after=cursor)
            rows += page.rows
            cursor = page.next_cursor
            if cursor is None or (limit and len(rows) >= limit):
                break
    _print(rows, output_format)


def _print(rows: list[TaskRow], output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps([task_json(row) for row in rows], indent=2, ensure_ascii=False))
        return
    if output_format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=[*JSON_FIELDS, "duration_seconds"], extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(task_json(row))
        return
    _print_table(rows)


def short_repo(url: str | None) -> str:
    """Shorten a repository URL to owner/name where it is a usual forge URL."""
    if not url:
        return ""
    text = url.removesuffix(".git").rstrip("/")
    for prefix in ("https://", "http://", "ssh://", "git@"):
        text = text.removeprefix(prefix)
    host, _, path = text.replace(":", "/", 1).partition("/") if "/" in text or ":" in text else (text, "", "")
    return path if path.count("/") == 1 else text


def _print_table(rows: list[TaskRow]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="bold")
    widths = {"id": 12, "status": 9, "created": 16}
    for name in ("id", "status", "created", "repo", "branch", "model", "msgs", "cmds", "fail", "edits", "title"):
        numeric = name in ("msgs", "cmds", "fail", "edits")
        table.add_column(
            name, no_wrap=True, overflow="ellipsis", min_width=widths.get(name, 4 if numeric else 6),
            justify="right" if numeric else "left", ratio=3 if name == "title" else None,
        )
    colors = {"error": "red", "running": "yellow", "completed": "green", "pending": "blue"}
    for row in rows:
        table.add_row(
            row.task_id[:12],
            Text(sanitize_inline(row.status), style=colors.get(row.status, "")),
            row.created_at.strftime("%Y-%m-%d %H:%M") if row.created_at else "",
            Text(sanitize_inline(short_repo(row.repo_url))),
            Text(sanitize_inline(row.branch or "")),
            Text(sanitize_inline(row.model_name or "")),
            str(row.message_count), str(row.command_count), str(row.failed_command_count), str(row.edit_count),
            Text(sanitize_inline(row.title or "")),
        )
    # On a pipe, lines are not cut to a terminal width.
    width = None if sys.stdout.isatty() else 400
    Console(highlight=False, width=width).print(table)
    if not rows:
        click.echo("no tasks match", err=True)
