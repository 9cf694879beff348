"""`shadow-tui schema`, `shadow-tui db upgrade`, `shadow-tui db rebuild-search`, `shadow-tui ingest`."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import click
from sqlalchemy import text

from shadow_tui.cli_common import db_option, run_async
from shadow_tui.db.access import describe_connection_error
from shadow_tui.db.engine import create_engine_for, dispose_writer, resolve_database
from shadow_tui.db.fulltext import sqlite_rebuild_statements
from shadow_tui.db.schema import check_schema, head_version, schema_ddl, upgrade_schema
from shadow_tui.errors import DatabaseError


@click.command("schema")
@click.option("--dialect", type=click.Choice(["sqlite", "postgresql"]), default="sqlite", show_default=True,
              help="SQL dialect of the printed DDL.")
def schema_command(dialect: str) -> None:
    """Print the complete DDL: tables, constraints, indexes, full-text tables and triggers."""
    click.echo(f"-- shadow-tui schema version {head_version()}, {dialect}")
    click.echo(schema_ddl(dialect), nl=False)


@click.group("db")
def db_group() -> None:
    """Maintain a database: schema upgrades and search indexes."""


@db_group.command("upgrade")
@db_option
@run_async
async def upgrade_command(db: str | None) -> None:
    """Create the schema of a new database, or migrate an older one to this version."""
    target = resolve_database(db)
    engine = create_engine_for(target, write=True, create=True)
    try:
        before, after = await upgrade_schema(engine)
    except (OSError, TimeoutError) as error:
        raise DatabaseError(describe_connection_error(target, error)) from None
    finally:
        await dispose_writer(target, engine)
    if before == after:
        click.echo(f"{target.display}: schema is at version {after}; nothing to do")
    elif before is None:
        click.echo(f"{target.display}: created schema version {after}")
    else:
        click.echo(f"{target.display}: upgraded schema from version {before} to {after}")


@db_group.command("rebuild-search")
@db_option
@run_async
async def rebuild_search_command(db: str | None) -> None:
    """Rebuild the SQLite full-text indexes (needed after VACUUM renumbers rows)."""
    target = resolve_database(db)
    if target.path is None:
        click.echo("PostgreSQL keeps its search columns up to date itself; nothing to do")
        return
    engine = create_engine_for(target, write=True)
    try:
        await check_schema(engine, target.display)
        async with engine.begin() as connection:
            for statement in sqlite_rebuild_statements():
                await connection.execute(text(statement))
    finally:
        await dispose_writer(target, engine)
    click.echo(f"{target.display}: rebuilt the full-text indexes")


async def _stdin_lines() -> AsyncIterator[tuple[int, str]]:
    # A thread reads, so a slow producer does not block the database work.
    # Records end at "\n" only: JSON strings may contain U+2028 and U+0085.
    stream = sys.stdin.buffer
    number = 0
    while True:
        raw = await asyncio.to_thread(stream.readline)
        if not raw:
            return
        number += 1
        yield number, raw.decode("utf-8", "replace").rstrip("\r\n")


# Singular and plural noun for the rows that each ingest event kind writes.
_EVENT_NOUNS = {
    "task": ("task", "tasks"),
    "message": ("message", "messages"),
    "command": ("command", "commands"),
    "edit": ("edit", "edits"),
    "artifact": ("artifact", "artifacts"),
    "status": ("status change", "status changes"),
}


def _format_count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


@click.command("ingest")
@db_option
@run_async
async def ingest_command(db: str | None) -> None:
    """Write JSON Lines events from standard input (task, message, command, edit, artifact, status).

    One JSON object a line, for example:

    \b
      {"event": "task", "task_id": "t1", "repo_url": "https://github.com/o/r", "title": "Fix CI"}
      {"event": "message", "task_id": "t1", "sender": "user", "content": "Fix the build"}
      {"event": "command", "task_id": "t1", "command_text": "pytest", "exit_code": 1, "output": "..."}
      {"event": "status", "task_id": "t1", "status": "completed"}

    A bad line is reported with its number and skipped; the rest is written.
    The output of `shadow-tui show --format json` is accepted as well.
    """
    from shadow_tui.db.access import open_writer
    from shadow_tui.ingest import ingest_lines

    def report_error(number: int, reason: str) -> None:
        click.echo(f"line {number}: {reason}", err=True)

    async with open_writer(db) as (target, engine):
        report = await ingest_lines(engine, _stdin_lines(), on_error=report_error)
    for task_id in report.created_task_ids:
        click.echo(f"created task {task_id}", err=True)
    written = ", ".join(
        _format_count(count, *_EVENT_NOUNS[kind]) for kind, count in sorted(report.written.items())
    ) or "nothing"
    summary = f"{target.display}: wrote {written}"
    if report.skipped_duplicates:
        skipped = _format_count(report.skipped_duplicates, "item whose id exists", "items whose ids exist")
        summary += f"; skipped {skipped} already"
    if report.errors:
        summary += f"; rejected {_format_count(len(report.errors), 'line', 'lines')}"
    click.echo(summary, err=True)
    if report.errors:
        sys.exit(1)
