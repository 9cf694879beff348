"""The Commands tab: the task's commands above the output of the selected one.

The list contains summaries only. A command's output is loaded when the cursor
reaches it and shown through `TerminalDocument`, which keeps colours, makes
every other escape sequence visible or removes it, and collapses progress
bars redrawn with CR.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from shadow_tui.queries.items import command_key, count_through, load_command_output, load_commands
from shadow_tui.queries.records import CommandSummary, TaskRow
from shadow_tui.render.terminal import TerminalDocument, sanitize_inline, strip_ansi
from shadow_tui.tui.panes.common import (
    DetailPane,
    first_line,
    format_clock,
    format_seconds,
    format_size,
)
from shadow_tui.tui.widgets.line_list import LineList
from shadow_tui.tui.widgets.line_source import LineSource, match_spans
from shadow_tui.tui.widgets.line_view import LineView
from shadow_tui.tui.workers import report_error


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
    line.append(f" {format_size(command.output_size):>9}  ", style="bright_black")
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
    title.append(f"  {format_size(command.output_size)}", style="bright_black")
    return title


HEADER = f"{'time':<8} {'exit':>4} {'took':>7} {'output':>9}  command"


class CommandsPane(DetailPane):
    """The task's commands with exit codes; the selected command's output below."""

    LOAD_ACTION = "Loading commands"

    DEFAULT_CSS = """
    CommandsPane { layout: vertical; }
    CommandsPane > .pane-header { height: 1; color: $text-muted; }
    CommandsPane > #command-list { height: 40%; min-height: 4; }
    CommandsPane > #command-title { height: 1; background: $boost; padding: 0 1; }
    CommandsPane > #command-output { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "toggle_failed", "Failed only", id="commands.failed_only"),
        Binding("y", "copy_command", "Copy command", id="commands.copy_command"),
        Binding("Y", "copy_output", "Copy output", id="commands.copy_output"),
        Binding("o", "focus_output", "Output", show=False, id="commands.focus_output"),
    ]

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.commands: list[CommandSummary] = []
        self.listed: list[CommandSummary] = []
        """The commands in the list: all, or the failed ones only."""
        self.failed_only = False
        self._output_command_id: str | None = None
        self._output_text: str | None = None
        self._output_target: tuple[int, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(HEADER), classes="pane-header", id="command-header")
        yield LineList(empty_text="No commands.", find_prompt=False, id="command-list")
        yield Static(Text(""), id="command-title")
        yield LineView(empty_text="Select a command to see its output.", find_prompt=False, id="command-output")

    @property
    def list_view(self) -> LineList:
        return self.query_one("#command-list", LineList)

    @property
    def output_view(self) -> LineView:
        return self.query_one("#command-output", LineView)

    def find_view(self) -> LineView | None:
        return self.list_view if self.list_view.has_focus else self.output_view

    @property
    def selected(self) -> CommandSummary | None:
        cursor = self.list_view.cursor
        if cursor is None or cursor >= len(self.listed):
            return None
        return self.listed[cursor]

    # Loading

    async def fetch(self, task: TaskRow) -> list[CommandSummary]:
        return await load_commands(self.engine, task.task_id)

    def apply(self, data: list[CommandSummary], *, keep: bool) -> None:
        previous = self.selected if keep else None
        self.commands = data
        if self.follow and keep and data:
            previous = data[-1]
        self._fill_list(previous.command_id if previous else None, keep=keep)

    async def fetch_added(self, task: TaskRow) -> list[CommandSummary] | None:
        last = command_key(self.commands[-1]) if self.commands else None
        if await count_through(self.engine, "command", task.task_id, last) != len(self.commands):
            return None
        return await load_commands(self.engine, task.task_id, after=last)

    def apply_added(self, data: list[CommandSummary]) -> None:
        if data or self.follow:
            self.apply([*self.commands, *data], keep=True)

    def clear(self) -> None:
        self.commands = []
        self._fill_list(None, keep=False)

    def _fill_list(self, select_id: str | None, *, keep: bool) -> None:
        self.listed = [command for command in self.commands if command.failed] if self.failed_only else self.commands
        source = LineSource.from_texts([command_line(command) for command in self.listed])
        view = self.list_view
        view.empty_text = "No failed commands (x shows all)." if self.failed_only else "No commands."
        view.set_source(source, keep_position=keep)
        self._update_header()
        if not self.listed:
            self._show_output(None)
            return
        index = next((i for i, command in enumerate(self.listed) if command.command_id == select_id), 0)
        view.move_cursor(index, notify=False)
        self._show_output(self.listed[index])

    def _update_header(self) -> None:
        header = Text(HEADER)
        failed = sum(1 for command in self.commands if command.failed)
        note = f"   {len(self.listed):,} of {len(self.commands):,}"
        note += ", failed only (x shows all)" if self.failed_only else f", {failed:,} failed"
        header.append(note, style="italic")
        self.query_one("#command-header", Static).update(header)

    def on_line_list_highlighted(self, event: LineList.Highlighted) -> None:
        if event.line_list is self.list_view:
            event.stop()
            self._show_output(self.selected)

    def on_line_list_selected(self, event: LineList.Selected) -> None:
        if event.line_list is self.list_view:
            event.stop()
            self.output_view.focus()

    def _show_output(self, command: CommandSummary | None, target: tuple[int, str] | None = None) -> None:
        self._output_target = target
        title = self.query_one("#command-title", Static)
        if command is None:
            self._output_command_id = None
            self._output_text = None
            title.update(Text(""))
            self.output_view.set_source(LineSource.empty())
            return
        title.update(command_title(command))
        if command.command_id == self._output_command_id and self._output_text is not None:
            self._go_to_target()
            return
        self._output_command_id = command.command_id
        self._output_text = None
        self.output_view.empty_text = "Loading output…"
        self.output_view.set_source(LineSource.empty())
        self._load_output(command)

    @work(exclusive=True, group="command-output")
    async def _load_output(self, command: CommandSummary) -> None:
        try:
            output = await load_command_output(self.engine, command.command_id)
            # Splitting a large output into lines takes a while, so it runs in a thread.
            document = await asyncio.to_thread(TerminalDocument, output)
        except Exception as error:  # noqa: BLE001 - logged with its traceback and shown
            report_error(self, error, f"Loading the output of command {command.command_id}")
            self.output_view.empty_text = "The output could not be loaded."
            self.output_view.refresh()
            return
        if command.command_id != self._output_command_id:
            return
        self._output_text = output
        self.output_view.empty_text = "(no output)"
        self.output_view.set_source(LineSource.from_document(document))
        self._go_to_target()

    def _go_to_target(self) -> None:
        if self._output_target is None:
            return
        line, terms = self._output_target
        self._output_target = None
        view = self.output_view
        if terms:
            view.search_term = terms
            if line < view.line_count and match_spans(view.source.plain(line), terms):
                view.scroll_to_line(line)
            elif not view.find(terms):
                view.scroll_to_line(line)
        elif line:
            view.scroll_to_line(line)

    # Reveal and keys

    def reveal_item(self, item_id: str, line: int, terms: str) -> None:
        index = next((i for i, command in enumerate(self.listed) if command.command_id == item_id), None)
        if index is None and self.failed_only:
            self.failed_only = False
            self._fill_list(item_id, keep=False)
            index = next((i for i, command in enumerate(self.listed) if command.command_id == item_id), None)
        if index is None:
            self.notify(f"Command {item_id} is not in this task.", severity="warning", markup=False)
            return
        self.list_view.move_cursor(index, notify=False)
        self._show_output(self.listed[index], (line, terms))

    def action_toggle_failed(self) -> None:
        selected = self.selected
        self.failed_only = not self.failed_only
        self._fill_list(selected.command_id if selected else None, keep=False)

    def action_focus_output(self) -> None:
        self.output_view.focus()

    def action_copy_command(self) -> None:
        command = self.selected
        if command is None:
            self.notify("No command selected.", severity="warning", markup=False)
            return
        self.copy_text(command.command_text, "the command")

    def action_copy_output(self) -> None:
        if self._output_text is None:
            self.notify("The output is not loaded yet.", severity="warning", markup=False)
            return
        self._copy_output(self._output_text)

    @work(exclusive=True, group="command-copy")
    async def _copy_output(self, output: str) -> None:
        # The copy is the text as shown, without escape sequences.
        plain = await asyncio.to_thread(strip_ansi, output)
        self.copy_text(plain, "the output")
