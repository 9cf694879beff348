"""The text and ANSI exports, for terminals and pipes.

Both print the same layout through Rich. `ansi` adds colors as SGR escape
sequences (ESC [ ... m), `text` has no escape sequence at all. Stored text
reaches the output only through the sanitizing renderers, and a final pass
(`guard_output`) removes any other escape sequence or control character,
so data can never drive the reader's terminal.
"""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import Iterator
from typing import Final

from rich.console import Console, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from shadow_tui.export import rich_parts
from shadow_tui.export.document import TaskDocument
from shadow_tui.export.fields import task_field_rows

logger = logging.getLogger(__name__)

# Width used to lay out headings and wrap chat text when the output is not
# a terminal. Command outputs and diffs are never wrapped.
DEFAULT_WIDTH: Final = 100

NONE_TEXT: Final = Text("none\n", style="dim")
_SGR: Final = re.compile(r"\x1b\[[0-9;]*m")
# Escape sequences and control characters other than newline and tab.
_UNSAFE: Final = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]P^_X][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def guard_output(text: str, *, keep_sgr: bool) -> str:
    """Remove every escape sequence and control character except SGR (when kept), newline and tab.

    Rendering already shows controls from the data as symbols, so this pass
    normally changes nothing. It is the last line of defence, and it logs
    a warning when it had to remove something.
    """
    removed = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal removed
        if keep_sgr and _SGR.fullmatch(match.group(0)):
            return match.group(0)
        removed += 1
        return ""

    cleaned = _UNSAFE.sub(replace, text)
    if removed:
        logger.warning("Removed %d escape sequences or control characters left after rendering", removed)
    return cleaned


def _section(title: str, count_text: str) -> Rule:
    heading = Text(title, style="bold")
    if count_text:
        heading.append(f" ({count_text})", style="dim")
    return Rule(heading, align="left", style="dim")


def _fields_table(document: TaskDocument) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("field", style="dim", no_wrap=True)
    table.add_column("value", overflow="fold")
    for row in task_field_rows(document):
        value = rich_parts.status_text(row.value) if row.label == "Status" else rich_parts.inline(row.value)
        table.add_row(Text(row.label), value)
    return table


def iter_renderables(document: TaskDocument, *, highlight: bool) -> Iterator[RenderableType]:
    """Yield the export's renderables in order: fields, error, chat, commands, edits, artifacts."""
    title = document.task.title or document.task.task_id
    yield rich_parts.inline(f"Task: {title}", "bold underline")
    yield _fields_table(document)
    error = rich_parts.error_block(document)
    if error is not None:
        yield Text("Error", style="bold red")
        yield error

    yield Text()
    yield _section("Chat", f"{len(document.messages)} messages")
    if not document.messages:
        yield NONE_TEXT
    for message in document.messages:
        yield rich_parts.message_header(message)
        yield rich_parts.message_body(message)
        yield Text()

    failed = sum(1 for command in document.commands if command.failed)
    yield _section("Commands", f"{len(document.commands)}, {failed} failed")
    if not document.commands:
        yield NONE_TEXT
    for command in document.commands:
        yield rich_parts.command_line(command)
        yield rich_parts.command_header(command)
        if command.output:
            yield rich_parts.command_output(command)
        yield Text()

    yield _section("File edits", f"{len(document.edits)}")
    if not document.edits:
        yield NONE_TEXT
    for edit in document.edits:
        yield rich_parts.edit_time(edit)
        yield from rich_parts.edit_lines(edit, highlight=highlight)
        yield Text()

    yield _section("Artifacts", f"{len(document.artifacts)}")
    if not document.artifacts:
        yield NONE_TEXT
    for artifact in document.artifacts:
        yield rich_parts.artifact_line(artifact)


def _color_system() -> str:
    # Rich turns true colors into the nearest of 256 when the terminal lacks them.
    return "truecolor" if os.environ.get("COLORTERM", "").lower() in ("truecolor", "24bit") else "256"


def render_terminal(document: TaskDocument, *, color: bool, width: int | None = None) -> str:
    """Render the text (`color=False`) or ANSI (`color=True`) export of a task.

    `width` is the terminal width in columns for headings and chat text,
    DEFAULT_WIDTH when None.
    """
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or DEFAULT_WIDTH,
        force_terminal=color,
        color_system=_color_system() if color else None,
        no_color=False,
        markup=False,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    for renderable in iter_renderables(document, highlight=color):
        console.print(renderable)
    output = guard_output(buffer.getvalue(), keep_sgr=color)
    if not color:
        # Rich pads table cells and wrapped text to the width with spaces.
        output = "\n".join(line.rstrip(" ") for line in output.split("\n"))
    return output


__all__ = ["DEFAULT_WIDTH", "guard_output", "iter_renderables", "render_terminal"]
