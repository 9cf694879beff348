"""`shadow-tui tasks`: list tasks as a table, JSON or CSV."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import replace
from datetime import datetime
from typing import Any

import click
from sqlalchemy.ext.asyncio import AsyncEngine

from shadow_tui.cli_common import db_option, escape_json_controls, run_async
from shadow_tui.db.access import open_reader
from shadow_tui.queries.filter import TaskFilter, parse_date, parse_filter
from shadow_tui.queries.records import TaskRow
from shadow_tui.queries.tasks import count_tasks, distinct_values, fetch_task_page
from shadow_tui.render.terminal import sanitize_inline
from shadow_tui.short_ids import unique_prefix_length

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
              help="Maximum number of tasks; 0 means no limit. A line on standard error reports "
              "when the limit leaves tasks out, with the total.")
@run_async
async def tasks_command(
    db: str | None, query: str, status: tuple[str, ...], repo: tuple[str, ...], since: str | None,
    until: str | None, output_format: str, limit: int,
) -> None:
    """List tasks, newest first.

    The options --status, --repo, --since and --until narrow the --query
    filter: a task must match all of them. A field set both ways (--status
    and status: in --query, and likewise repo, since and until) is a usage
    error.
    """
    task_filter = combined_filter(query, status, repo, since, until)
    async with open_reader(db) as (_target, engine):
        rows, has_more = await _fetch_rows(engine, task_filter, limit)
        # Counted only when the limit cut the list, because a count reads every matching task.
        total = await count_tasks(engine, task_filter) if has_more else None
        warning = await _unknown_status_warning(engine, task_filter.statuses) if not rows else None
    _print(rows, output_format)
    if not rows:
        # On standard error in every format, so a pipe of JSON or CSV still gets only data.
        click.echo("no tasks match", err=True)
    if warning:
        click.echo(warning, err=True)
    if total is not None:
        click.echo(
            f"showing the newest {len(rows):,} of {total:,} tasks; --limit N shows more, --limit 0 shows all",
            err=True,
        )


def combined_filter(
    query: str, status: tuple[str, ...], repo: tuple[str, ...], since: str | None, until: str | None,
) -> TaskFilter:
    """Parse --query and add the field options to it. Raise click.UsageError for a field set in both."""
    task_filter = parse_filter(query)
    statuses = tuple(s.strip().lower() for item in status for s in item.split(",") if s.strip())
    # Option, field name in --query, what they set, whether each is set, and the fix. Values given in
    # one place are alternatives, so values given in both places would leave the intent unclear.
    for option, field, setting, in_option, in_query, fix in (
        ("--status", "status", "the statuses", bool(statuses), bool(task_filter.statuses),
         "Give all statuses in one of them, for example --status error,running"),
        ("--repo", "repo", "the repositories", bool(repo), bool(task_filter.repos),
         "Give all repositories in one of them, for example --repo api --repo web"),
        ("--since", "since", "the earliest creation date", bool(since), task_filter.since is not None,
         "Give the date in one of them"),
        ("--until", "until", "the latest creation date", bool(until), task_filter.until is not None,
         "Give the date in one of them"),
    ):
        if in_option and in_query:
            raise click.UsageError(
                f"{option} and {field}: in --query both set {setting}. {fix}",
                ctx=click.get_current_context(silent=True),
            )
    return replace(
        task_filter,
        statuses=task_filter.statuses + statuses,
        repos=task_filter.repos + repo,
        since=parse_date(since) if since else task_filter.since,
        until=parse_date(until, end_of_day=True) if until else task_filter.until,
    )


async def _fetch_rows(engine: AsyncEngine, task_filter: TaskFilter, limit: int) -> tuple[list[TaskRow], bool]:
    """Fetch the newest `limit` matching tasks, or all when `limit` is 0. Return them and whether more tasks match."""
    rows: list[TaskRow] = []
    cursor = None
    while True:
        want = PAGE_SIZE if limit == 0 else min(PAGE_SIZE, limit - len(rows))
        page = await fetch_task_page(engine, task_filter, limit=want, after=cursor)
        rows += page.rows
        cursor = page.next_cursor
        if cursor is None or (limit and len(rows) >= limit):
            break
    # A page has a next cursor only when a further matching task exists.
    return rows, cursor is not None


async def _unknown_status_warning(engine: AsyncEngine, requested: tuple[str, ...]) -> str | None:
    """Return a warning naming the requested statuses that no task has, or None."""
    if not requested:
        return None
    known = await distinct_values(engine, "status")
    unknown = [status for status in requested if status not in known]
    if not unknown:
        return None
    names = ", ".join(repr(sanitize_inline(status)) for status in unknown)
    existing = ", ".join(sanitize_inline(status) for status in sorted(known)) or "none"
    return f"warning: no task has status {names}; the statuses in this database are: {existing}"


def _print(rows: list[TaskRow], output_format: str) -> None:
    if output_format == "json":
        click.echo(escape_json_controls(json.dumps([task_json(row) for row in rows], indent=2, ensure_ascii=False)))
        return
    if output_format == "csv":
        # CSV has no escapes, so fields are written as stored, except on a
        # terminal, where escape sequences in them would act on the terminal.
        on_terminal = sys.stdout.isatty()
        writer = csv.DictWriter(sys.stdout, fieldnames=[*JSON_FIELDS, "duration_seconds"], extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            data = task_json(row)
            if on_terminal:
                data = {key: sanitize_inline(value) if isinstance(value, str) else value for key, value in data.items()}
            writer.writerow(data)
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


_TABLE_COLUMNS = ("id", "status", "created (UTC)", "repo", "branch", "model", "msgs", "cmds", "fail", "edits", "title")
_NUMERIC_COLUMNS = frozenset({"msgs", "cmds", "fail", "edits"})
# Widest cell of each column but the title, in terminal cells. The title gets the rest of the line.
_MAX_WIDTHS = {"id": 40, "status": 24, "created (UTC)": 16, "repo": 40, "branch": 30, "model": 30}
_SHRINKABLE_COLUMNS = ("status", "repo", "branch", "model")
_MIN_TITLE_WIDTH = 10
# Rich's default padding puts two cells between columns.
_COLUMN_GAP = 2


def _print_table(rows: list[TaskRow]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    colors = {"error": "red", "running": "yellow", "completed": "green", "pending": "blue"}
    id_length = unique_prefix_length([row.task_id for row in rows])
    # Every cell is a Text, so no value from the database is read as Rich markup.
    cells = [
        [
            Text(sanitize_inline(row.task_id[:id_length])),
            Text(sanitize_inline(row.status), style=colors.get(row.status, "")),
            Text(row.created_at.strftime("%Y-%m-%d %H:%M") if row.created_at else ""),
            Text(sanitize_inline(short_repo(row.repo_url))),
            Text(sanitize_inline(row.branch or "")),
            Text(sanitize_inline(row.model_name or "")),
            *(Text(str(count)) for count in (
                row.message_count, row.command_count, row.failed_command_count, row.edit_count,
            )),
            Text(sanitize_inline(row.title or "")),
        ]
        for row in rows
    ]
    # On a pipe, lines are not cut to a terminal width.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 400)

    # Widths are computed here because Rich, when one cell is too long,
    # shrinks the other columns to nothing and hides the task ids.
    widths: dict[str, int] = {}
    for position, name in enumerate(_TABLE_COLUMNS[:-1]):
        longest = max((row[position].cell_len for row in cells), default=0)
        widths[name] = max(len(name), min(longest, _MAX_WIDTHS.get(name, longest)))
    gaps = _COLUMN_GAP * (len(_TABLE_COLUMNS) - 1)
    # On a narrow terminal, the text columns give up cells, widest first, down to their header.
    while sum(widths.values()) + gaps + _MIN_TITLE_WIDTH > console.width:
        name = max(_SHRINKABLE_COLUMNS, key=lambda column: widths[column] - len(column))
        if widths[name] <= len(name):
            break
        widths[name] -= 1
    used = sum(widths.values()) + gaps
    longest_title = max((row[-1].cell_len for row in cells), default=0)
    widths["title"] = max(len("title"), min(longest_title, max(console.width - used, _MIN_TITLE_WIDTH)))

    table = Table(box=None, pad_edge=False, header_style="bold")
    for name in _TABLE_COLUMNS:
        table.add_column(
            name, no_wrap=True, overflow="ellipsis", width=widths[name],
            justify="right" if name in _NUMERIC_COLUMNS else "left",
        )
    for row_cells in cells:
        for name, cell in zip(_TABLE_COLUMNS, row_cells):
            cell.truncate(widths[name], overflow="ellipsis")
        table.add_row(*row_cells)
    console.print(table)
