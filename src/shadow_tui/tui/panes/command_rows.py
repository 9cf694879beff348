"""Rows of the Commands tab: the list line and the title of one command."""

from __future__ import annotations

from rich.text import Text

from shadow_tui.queries.records import CommandSummary
from shadow_tui.render.terminal import sanitize_inline
from shadow_tui.tui.panes.common import first_line, format_clock, format_seconds, format_size


def size_text(size: int | None) -> str:
    """Return an output size as `format_size` does, or "" while it is not loaded."""
    return "" if size is None else format_size(size)


def exit_text(exit_code: int | None, width: int = 4) -> Text:
    """Return an exit code as green 0, red non-zero, or a yellow "?" when unknown."""
    if exit_code is None:
        return Text(f"{'?':>{width}}", style="yellow")
    return Text(f"{exit_code:>{width}}", style="green" if exit_code == 0 else "bold red")


def command_line(command: CommandSummary) -> Text:
    """Render one command as a list row: time, exit code, duration, output size, command."""
    line = Text(no_wrap=True, end="")
    line.append(format_clock(command.created_at), style="bright_black")
    line.append(" ")
    line.append_text(exit_text(command.exit_code))
    line.append(f" {format_seconds(command.duration_seconds):>7}", style="bright_black")
    line.append(f" {size_text(command.output_size):>9}  ", style="bright_black")
    text = first_line(command.command_text)
    line.append(text or "(empty command)")
    if "\n" in command.command_text.strip():
        line.append(" …", style="bright_black")
    return line


def command_title(command: CommandSummary) -> Text:
    """Render the line above the output: the command and its outcome."""
    title = Text(no_wrap=True, end="")
    title.append("$ ", style="bold")
    title.append(sanitize_inline(command.command_text.strip()), style="bold")
    title.append("  exit ", style="bright_black")
    title.append_text(exit_text(command.exit_code, width=0))
    if command.duration_seconds is not None:
        title.append(f"  {format_seconds(command.duration_seconds)}", style="bright_black")
    if command.output_size is not None:
        title.append(f"  {format_size(command.output_size)}", style="bright_black")
    return title


HEADER = f"{'time':<8} {'exit':>4} {'took':>7} {'output':>9}  command"
