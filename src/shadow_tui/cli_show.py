"""`shadow-tui show TASK`: print or save one whole task as text, ANSI, Markdown, HTML or JSON."""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

import click

from shadow_tui.cli_common import db_option, fail, run_async
from shadow_tui.db.access import open_reader
from shadow_tui.errors import ShadowTuiError
from shadow_tui.export.document import TaskDocument, load_task_document, redact_document
from shadow_tui.queries.tasks import resolve_task_id
from shadow_tui.redact import Redactor, load_redactor

logger = logging.getLogger(__name__)

FORMATS = ("text", "ansi", "md", "html", "json")
# Format chosen from the --output file name when --format is not given.
FORMAT_BY_SUFFIX = {".txt": "text", ".ans": "ansi", ".md": "md", ".markdown": "md", ".html": "html",
                    ".htm": "html", ".json": "json"}


def render_document(document: TaskDocument, output_format: str, *, width: int | None = None) -> str:
    """Render a task document in one of FORMATS.

    `width` is the terminal width in columns for the text and ANSI formats.
    """
    if output_format in ("text", "ansi"):
        from shadow_tui.export.text import render_terminal

        return render_terminal(document, color=output_format == "ansi", width=width)
    if output_format == "md":
        from shadow_tui.export.markdown import render_markdown

        return render_markdown(document)
    if output_format == "html":
        from shadow_tui.export.html import render_html

        return render_html(document)
    if output_format == "json":
        from shadow_tui.export.json_dump import render_json

        return render_json(document)
    raise ValueError(f"invalid export format {output_format!r}: use one of {', '.join(FORMATS)}")


def _check_output_path(path: Path) -> None:
    if path.is_dir():
        fail(f"cannot write to {path}: it is a directory. Give a file name, e.g. {path / 'task.html'}")
    if not path.parent.is_dir():
        fail(f"cannot write to {path}: the folder {path.parent} does not exist. Create it first")


def _write_file(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write to {path}: {error.strerror or error}")


def _default_format(output_path: Path | None) -> str:
    if output_path is not None:
        return FORMAT_BY_SUFFIX.get(output_path.suffix.lower(), "text")
    return "ansi" if sys.stdout.isatty() else "text"


def _terminal_width() -> int | None:
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


@click.command("show")
@click.argument("task")
@db_option
@click.option("--format", "output_format", type=click.Choice(FORMATS), default=None,
              help="text and ansi are for terminals and pipes (ansi adds colors); md is Markdown; "
              "html is one self-contained page; json is a complete dump that `ingest` reads back. "
              "Default: from the --output file name (.txt .ans .md .html .json), else ansi on a "
              "terminal and text on a pipe.")
@click.option("--output", "-o", "output_path", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of standard output (an existing file is replaced).")
@click.option("--redact", is_flag=True,
              help="Mask API keys, tokens and URL passwords (patterns in docs/redaction.md and "
              "redact_patterns in the settings file).")
@run_async
async def show_command(
    task: str, db: str | None, output_format: str | None, output_path: Path | None, redact: bool,
) -> None:
    """Show one whole task: fields, chat, commands with exit codes and outputs, diffs, artifacts.

    TASK is a task id or a unique prefix of one.
    """
    if output_path is not None:
        _check_output_path(output_path)
    if output_format is None:
        output_format = _default_format(output_path)
    redactor: Redactor | None = None
    if redact:
        try:
            redactor = load_redactor()
        except ValueError as error:
            raise ShadowTuiError(str(error)) from None

    async with open_reader(db) as (_target, engine):
        task_id = await resolve_task_id(engine, task)
        document = await load_task_document(engine, task_id)
    if redactor is not None:
        document = redact_document(document, redactor)

    width = None if output_path is not None else _terminal_width()
    text = render_document(document, output_format, width=width)
    if output_path is None:
        # color=True keeps the SGR sequences of the ansi format when stdout is a pipe.
        click.echo(text, nl=False, color=True)
        return
    _write_file(output_path, text)
    logger.info("Wrote the %s export of task %s to %s", output_format, task_id, output_path)
    click.echo(f"wrote {output_format} export of task {task_id} to {output_path}", err=True)
