"""`shadow-tui import`: import agent histories into the database."""

from __future__ import annotations

import asyncio
import sys
from typing import IO, Any

import click
from rich import box
from rich.console import Console
from rich.table import Table

from shadow_tui.cli_common import escape_json_controls
from shadow_tui.errors import ShadowTuiError
from shadow_tui.importers import AUTO, FORMATS, ImportSummary, import_sources
from shadow_tui.render.terminal import sanitize_inline

# Warnings printed after the table. --json lists them all.
MAX_WARNINGS_SHOWN = 50

EXIT_FAILED_SESSIONS = 1
EXIT_USAGE_ERROR = 2


class ImportCommandError(click.ClickException):
    """An error shown as `error: <message>`, with exit status 2."""

    exit_code = EXIT_USAGE_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True, file=file)


@click.command("import")
@click.option("--db", "db", metavar="DB", default=None,
              help="Database to write to: a SQLite file path or a postgresql:// URL. "
                   "Default: $SHADOW_TUI_DB, else history.db in the user data folder.")
@click.option("--format", "fmt", type=click.Choice([AUTO, *FORMATS]), default=AUTO, show_default=True,
              help="Format of the sources. auto detects each file from its content. "
                   "In folders, only files detected as this format are imported.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON instead of a table.")
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
def import_command(db: str | None, fmt: str, as_json: bool, sources: tuple[str, ...]) -> None:
    """Import agent session histories from files, folders or a Shadow database.

    SOURCE is a session file, a folder (searched recursively) or a Shadow
    postgresql:// URL (read-only). Without SOURCE, ~/.claude/projects and
    ~/.codex/sessions are searched. Importing again adds only new rows.
    Exit status: 0 when every session imported, 1 when any failed, 2 on
    an error that stopped the import.
    """
    show_progress = sys.stderr.isatty()
    bar: Any = None

    def progress(done: int, total: int, source: str) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Importing", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        summary = asyncio.run(import_sources(db, list(sources), fmt, progress if show_progress else None))
    except ShadowTuiError as error:
        raise ImportCommandError(str(error)) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)

    if as_json:
        click.echo(escape_json_controls(summary.to_json()))
    else:
        print_summary(summary)
    if summary.failed:
        raise click.exceptions.Exit(EXIT_FAILED_SESSIONS)


def print_summary(summary: ImportSummary, console: Console | None = None) -> None:
    """Print the counts as a table, then the failures and warnings."""
    console = console or Console(highlight=False, soft_wrap=True)
    # Paths and reasons can quote file names and file content, so escape
    # sequences in them are shown as markers instead of reaching the terminal.
    for place in summary.default_places:
        console.print(f"{'searched' if place.exists else 'not found'}: {sanitize_inline(place.path)}", markup=False)
    removed = " (removed again: this import created it and imported nothing)" if summary.database_removed else ""
    console.print(f"database: {sanitize_inline(summary.database)}{removed}", markup=False)

    sessions = Table(box=box.SIMPLE, show_header=True)
    sessions.add_column("sessions")
    sessions.add_column("count", justify="right")
    for label, count in (("new", summary.new), ("updated", summary.updated),
                         ("unchanged", summary.unchanged), ("failed", summary.failed)):
        sessions.add_row(label, str(count))
    console.print(sessions)

    rows = Table(box=box.SIMPLE, show_header=True)
    rows.add_column("table")
    rows.add_column("rows added", justify="right")
    for table, count in summary.rows.items():
        rows.add_row(table, str(count))
    console.print(rows)

    if summary.skipped:
        count = len(summary.skipped)
        noun = "file" if count == 1 else "files"
        console.print(f"skipped {count} {noun} (--json lists them with the reason)", markup=False)
    for failure in summary.failures:
        console.print(f"failed: {sanitize_inline(str(failure))}", markup=False)
    for problem in summary.warnings[:MAX_WARNINGS_SHOWN]:
        console.print(f"warning: {sanitize_inline(str(problem))}", markup=False)
    hidden = len(summary.warnings) - MAX_WARNINGS_SHOWN
    if hidden > 0:
        console.print(f"... and {hidden} more warnings (use --json to list all)", markup=False)
