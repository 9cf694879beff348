"""`shadow-tui stats`: tasks, failure rate, median duration and commands per group."""

from __future__ import annotations

import json
import shutil
import sys
from typing import Any, Final

import click

from shadow_tui.cli_common import db_option, run_async
from shadow_tui.cli_tasks import short_repo
from shadow_tui.db.access import open_reader
from shadow_tui.export.fields import format_duration
from shadow_tui.queries.filter import parse_filter
from shadow_tui.queries.stats import STATS_GROUPINGS, GroupStats, StatsGrouping, days_between, fetch_stats
from shadow_tui.render.terminal import sanitize_inline

# Eighths of a character cell, from 1/8 to 8/8, for bars with sub-cell precision.
BAR_BLOCKS: Final = "▏▎▍▌▋▊▉█"
# Width of the chart when standard output is not a terminal, in columns.
PIPE_WIDTH: Final = 80
NO_VALUE: Final = "(none)"


def group_label(stats: GroupStats, by: StatsGrouping) -> str:
    """Return the text shown for a group: owner/name for repositories, (none) for unset values."""
    if stats.label is None or stats.label == "":
        return NO_VALUE
    if by == "repo":
        return sanitize_inline(short_repo(stats.label))
    return sanitize_inline(stats.label)


def stats_json(stats: GroupStats) -> dict[str, Any]:
    """Return the JSON object of one group."""
    return {
        "key": stats.key,
        "label": stats.label,
        "tasks": stats.tasks,
        "failed_tasks": stats.failed_tasks,
        "failure_rate": stats.failure_rate,
        "median_duration_seconds": stats.median_duration_seconds,
        "commands": stats.commands,
        "failed_commands": stats.failed_commands,
    }


def bar(value: int, maximum: int, width: int) -> str:
    """Draw a horizontal bar of `value / maximum * width` cells with eighth-cell blocks."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / maximum * width * 8))
    full, rest = divmod(eighths, 8)
    return BAR_BLOCKS[-1] * full + (BAR_BLOCKS[rest - 1] if rest else "")


def day_chart(groups: list[GroupStats], width: int) -> list[str]:
    """Draw one bar line per day from the first to the last day, days without tasks included."""
    counts = {group.key: group.tasks for group in groups if group.key}
    if not counts:
        return []
    days = days_between(min(counts), max(counts))
    maximum = max(counts.values())
    number_width = len(str(maximum))
    # "YYYY-MM-DD │" + bar + " " + count
    bar_width = max(1, width - len(days[0]) - 3 - number_width)
    lines = []
    for day in days:
        count = counts.get(day, 0)
        lines.append(f"{day} │{bar(count, maximum, bar_width)} {count}".rstrip())
    return lines


def _print_table(groups: list[GroupStats], by: StatsGrouping) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column(by, overflow="fold")
    for name in ("tasks", "failure rate", "median duration", "commands", "failed commands"):
        table.add_column(name, justify="right", no_wrap=True)
    for stats in groups:
        table.add_row(
            Text(group_label(stats, by)),
            str(stats.tasks),
            f"{stats.failure_rate:.1%}",
            format_duration(stats.median_duration_seconds) or "-",
            str(stats.commands),
            str(stats.failed_commands),
        )
    width = None if sys.stdout.isatty() else 200
    Console(highlight=False, markup=False, width=width).print(table)


@click.command("stats")
@db_option
@click.option("--query", "-q", "filter_query", default="",
              help="Only tasks matching this filter, e.g. 'repo:api since:30d'.")
@click.option("--by", "by", type=click.Choice(STATS_GROUPINGS), default="status", show_default=True,
              help="Group tasks by this field; day is the UTC day the task was created.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output format; --by day adds a bar chart to the table.")
@run_async
async def stats_command(db: str | None, filter_query: str, by: StatsGrouping, output_format: str) -> None:
    """Show per group: tasks, failure rate (share with status error), median duration,
    commands run and failed commands."""
    task_filter = parse_filter(filter_query)
    async with open_reader(db) as (_target, engine):
        groups = await fetch_stats(engine, task_filter, by)
    if output_format == "json":
        click.echo(json.dumps([stats_json(stats) for stats in groups], indent=2))
        return
    if not groups:
        click.echo("no tasks match", err=True)
        return
    _print_table(groups, by)
    if by == "day":
        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else PIPE_WIDTH
        click.echo()
        click.echo("Tasks per day (UTC)")
        for line in day_chart(groups, width):
            click.echo(line)
