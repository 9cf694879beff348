"""`shadow-tui demo PATH`: write a deterministic demo database."""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import click
from sqlalchemy import func, select

from shadow_tui.db.access import open_writer
from shadow_tui.db.engine import DatabaseTarget, check_sqlite_file, resolve_database
from shadow_tui.db.models import Task
from shadow_tui.demo import DemoSummary, write_demo_database
from shadow_tui.errors import DatabaseError, ShadowTuiError

# Files SQLite keeps beside a database in WAL or rollback-journal mode.
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def parse_now(text: str) -> datetime:
    """Parse an ISO 8601 timestamp. A timestamp without a zone is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"invalid timestamp {text!r}: expected ISO 8601, for example 2025-07-01T12:00:00Z",
            param_hint="--now",
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _remove_sqlite_file(path: Path) -> None:
    """Delete an existing SQLite database and its side files, after checking it is one."""
    try:
        check_sqlite_file(path)
    except DatabaseError as error:
        raise click.ClickException(
            f"{error}. --force replaces only SQLite databases, so give another path"
        ) from None
    for suffix in ("", *_SQLITE_SIDE_FILES):
        candidate = path.with_name(path.name + suffix)
        try:
            candidate.unlink(missing_ok=True)
        except OSError as error:
            raise click.ClickException(f"cannot delete {candidate}: {error.strerror}") from None


async def _task_count(value: str) -> int:
    async with open_writer(value) as (_target, engine):
        async with engine.connect() as connection:
            return int(await connection.scalar(select(func.count()).select_from(Task.__table__)) or 0)


def _prepare_target(target: DatabaseTarget, value: str, force: bool) -> None:
    """Reject an existing non-empty database unless `force` is set.

    With `force`, an existing SQLite file is deleted first.
    """
    path = target.path
    if path is not None:
        if path.is_dir():
            raise click.ClickException(f"{path} is a folder. Give the path of a database file")
        if not path.exists() or path.stat().st_size == 0:
            return
        if not force:
            raise click.ClickException(
                f"{path} already exists and is not empty. Pass --force to replace it, "
                "or give another path"
            )
        _remove_sqlite_file(path)
        return
    count = asyncio.run(_task_count(value))
    if count and not force:
        raise click.ClickException(
            f"{target.display} already has {count:,} tasks. Pass --force to add the demo tasks "
            "to it (existing rows are kept), or give an empty database"
        )


def _summary_line(summary: DemoSummary, display: str, seconds: float) -> str:
    return (
        f"Wrote {summary.tasks:,} tasks, {summary.chat_messages:,} messages, "
        f"{summary.task_commands:,} commands, {summary.file_edits:,} edits, "
        f"{summary.artifacts:,} artifacts and {summary.users:,} users to {display} in {seconds:.1f} s"
    )


@click.command("demo")
@click.argument("path", metavar="PATH")
@click.option("--tasks", type=click.IntRange(min=1), default=200, show_default=True,
              help="Number of tasks to generate. A task has about 20 chat messages on average.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the random generator. The same seed and --now write the same rows.")
@click.option("--now", "now_text", metavar="TIMESTAMP",
              help="End of the 90 days the tasks are spread over, as ISO 8601 "
                   "(for example 2025-07-01T12:00:00Z). A time without a zone is UTC. "
                   "Default: the current time.")
@click.option("--force", is_flag=True,
              help="Replace an existing non-empty SQLite file. For a PostgreSQL URL, add the "
                   "demo tasks to a database that already has tasks.")
def demo_command(path: str, tasks: int, seed: int, now_text: str | None, force: bool) -> None:
    """Write a demo database of realistic agent sessions to PATH (a SQLite file or a PostgreSQL URL)."""
    now = parse_now(now_text) if now_text is not None else None
    started = time.perf_counter()
    try:
        target = resolve_database(path)
        _prepare_target(target, path, force)
        if sys.stderr.isatty():
            with click.progressbar(length=tasks, label="Writing demo tasks", file=sys.stderr) as bar:
                def advance(done: int, _total: int) -> None:
                    bar.update(done - bar.pos)

                summary = asyncio.run(write_demo_database(path, tasks=tasks, seed=seed, now=now,
                                                          progress=advance))
        else:
            summary = asyncio.run(write_demo_database(path, tasks=tasks, seed=seed, now=now))
    except ShadowTuiError as error:
        raise click.ClickException(str(error)) from None
    click.echo(_summary_line(summary, target.display, time.perf_counter() - started))
