"""The Commands tab: the task's commands above the output of the selected one.

The list contains summaries only, and their output sizes arrive in a second
query after the list is shown. A command's output is loaded when the cursor
reaches it and shown through `TerminalDocument`, which keeps colours, makes
every other escape sequence visible or removes it, and collapses progress
bars redrawn with CR. The first `OUTPUT_HEAD_CHARS` characters of a large
output are shown first, and the whole output replaces them when it is
loaded and split into lines.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from shadow_tui.heap import release_free_memory
from shadow_tui.queries.items import (
    command_key, count_through, load_command_output, load_commands, load_first_output, load_output_sizes, text_size,
)
from shadow_tui.queries.records import CommandSummary, TaskRow
from shadow_tui.render.terminal import TerminalDocument, strip_ansi
from shadow_tui.tui.panes.command_rows import HEADER, command_line, command_title
from shadow_tui.tui.panes.common import DetailPane, run_to_completion
from shadow_tui.tui.messages import FindFinished
from shadow_tui.tui.widgets.line_list import LineList
from shadow_tui.tui.widgets.line_source import LineSource, match_spans
from shadow_tui.tui.widgets.line_view import LineView
from shadow_tui.tui.workers import report_error

OUTPUT_HEAD_CHARS = 262_144
"""Characters of an output loaded and shown before the whole output."""


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
        self._sizes: dict[str, int] = {}
        """Output sizes by command id, from the last `load_output_sizes` of the task."""
        self._sizes_task_id: str | None = None
        """The task whose output sizes load once the selected output is loaded."""
        self._output_command_id: str | None = None
        """The command whose output is shown or loading."""
        self._output_text: str | None = None
        """The whole output of that command, once loaded."""
        self._output_target: tuple[int, str] | None = None
        self._first_head: tuple[str, str] | None = None
        """(command id, head of its output) loaded with the list, used once by `_load_output`."""
        self._pending_find: tuple[str, Callable[[], bool | None]] | None = None
        """(text, the find to start) of a find that waits for the whole output."""

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
        return self.focused_view(self.list_view, self.output_view)

    def content_view(self) -> LineView | None:
        return self.output_view

    @property
    def selected(self) -> CommandSummary | None:
        cursor = self.list_view.cursor
        if cursor is None or cursor >= len(self.listed):
            return None
        return self.listed[cursor]

    # Loading

    async def fetch(self, task: TaskRow) -> tuple[list[CommandSummary], tuple[str, str] | None]:
        if self._loaded_task_id == task.task_id:
            return await load_commands(self.engine, task.task_id, with_sizes=False), None
        # A newly opened task shows its first command, so that output's head loads
        # alongside the list, on a second connection.
        return await asyncio.gather(
            load_commands(self.engine, task.task_id, with_sizes=False),
            load_first_output(self.engine, task.task_id, limit=OUTPUT_HEAD_CHARS),
        )

    def apply(
        self, loaded: tuple[list[CommandSummary], tuple[str, str] | None], *, keep: bool, sizes_known: bool = False,
    ) -> None:
        data, self._first_head = loaded
        previous = self.selected if keep else None
        if not keep:
            self._sizes = {}
        # Sizes known from the last load stay shown until the new ones arrive.
        self.commands = [replace(command, output_size=self._sizes.get(command.command_id)) for command in data]
        if self.follow and keep and data:
            previous = data[-1]
        self._fill_list(previous.command_id if previous else None, keep=keep)
        if sizes_known:
            return
        # The sizes query reads every output whole, so it waits until the selected output is loaded.
        self._sizes_task_id = self.task_row.task_id if data and self.task_row is not None else None
        if self._output_text is not None or self._output_command_id is None:
            self._start_loading_sizes()

    def _start_loading_sizes(self) -> None:
        if self._sizes_task_id is not None:
            self._load_sizes(self._sizes_task_id)
            self._sizes_task_id = None

    async def fetch_added(self, task: TaskRow) -> list[CommandSummary] | None:
        last = command_key(self.commands[-1]) if self.commands else None
        if await count_through(self.engine, "command", task.task_id, last) != len(self.commands):
            return None
        return await load_commands(self.engine, task.task_id, after=last)

    def apply_added(self, data: list[CommandSummary]) -> None:
        if not data and not self.follow:
            return
        # The added commands come with their sizes, and the listed ones keep theirs.
        for command in data:
            if command.output_size is not None:
                self._sizes[command.command_id] = command.output_size
        self.apply(([*self.commands, *data], None), keep=True, sizes_known=True)

    def clear(self) -> None:
        self.commands = []
        self._first_head = None
        self._sizes = {}
        self._sizes_task_id = None
        self.workers.cancel_group(self, "command-sizes")
        self._fill_list(None, keep=False)

    @work(exclusive=True, group="command-sizes", description="_load_sizes")
    async def _load_sizes(self, task_id: str) -> None:
        # The shown output is loaded already, so it is counted here instead of read again by the database.
        known: dict[str, int] = {}
        if self._output_command_id is not None and self._output_text is not None:
            known[self._output_command_id] = text_size(self._output_text)
        try:
            sizes = await run_to_completion(load_output_sizes(self.engine, task_id, skip=known.keys()))
        except Exception as error:  # noqa: BLE001 - logged with its traceback and shown
            report_error(self, error, f"Loading the output sizes of task {task_id}")
            return
        if self.task_row is None or self.task_row.task_id != task_id:
            return
        self._sizes = {**sizes, **known}
        self.commands = [replace(command, output_size=self._sizes.get(command.command_id)) for command in self.commands]
        selected = self.selected
        self._fill_list(selected.command_id if selected else None, keep=True)

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
        """Show a command's output, and scroll to `target` (line, terms) once the whole output is loaded."""
        title = self.query_one("#command-title", Static)
        if command is None:
            self._output_target = None
            self._output_command_id = None
            self._output_text = None
            title.update(Text(""))
            self.output_view.set_source(LineSource.empty())
            return
        title.update(command_title(command))
        if command.command_id == self._output_command_id:
            # Shown or loading already. Without a new target, a target of an earlier reveal stays.
            if target is not None:
                self._output_target = target
            if self._output_text is not None:
                self._go_to_target()
            return
        self._output_target = target
        self._output_command_id = command.command_id
        self._output_text = None
        self.output_view.empty_text = "Loading output…"
        self.output_view.set_source(LineSource.empty())
        self._load_output(command)

    @work(exclusive=True, group="command-output", description="_load_output")
    async def _load_output(self, command: CommandSummary) -> None:
        command_id = command.command_id
        first_head, self._first_head = self._first_head, None
        try:
            if first_head is not None and first_head[0] == command_id:
                head = first_head[1]
            else:
                head = await run_to_completion(load_command_output(self.engine, command_id, limit=OUTPUT_HEAD_CHARS))
            if len(head) < OUTPUT_HEAD_CHARS:
                output = head
            else:
                if command_id != self._output_command_id:
                    return
                self._show_head(head)
                # Reading the whole output holds the GIL for a while, so it starts after the head is drawn.
                await self._screen_updated()
                # The database read of the head freed a buffer as large as the output, and reading the
                # whole output needs that much twice, so free pages go back first.
                release_free_memory()
                output = await run_to_completion(load_command_output(self.engine, command_id))
            # Splitting a large output into lines takes a while, so it runs in a thread.
            document = await asyncio.to_thread(TerminalDocument, output)
        except Exception as error:  # noqa: BLE001 - logged with its traceback and shown
            report_error(self, error, f"Loading the output of command {command_id}")
            if command_id == self._output_command_id:
                # Selecting the command again retries.
                self._output_command_id = None
                self.output_view.empty_text = "The output could not be loaded."
                self.output_view.set_source(LineSource.empty())
                self._drop_pending_find()
                self._start_loading_sizes()
            return
        if command_id != self._output_command_id:
            return
        self._output_text = output
        self.output_view.empty_text = "(no output)"
        # The head's lines are the first lines of the whole output, so the view keeps its place.
        self.output_view.set_source(LineSource.from_document(document), keep_position=self.output_view.line_count > 0)
        self._go_to_target()
        self._run_pending_find()
        self._start_loading_sizes()
        release_free_memory()

    async def _screen_updated(self) -> None:
        """Wait until the screen has been drawn with the changes made so far."""
        drawn = asyncio.Event()
        self.call_after_refresh(drawn.set)
        await drawn.wait()

    def _show_head(self, head: str) -> None:
        """Show the first lines of a large output while the whole output loads."""
        cut = head.rfind("\n")
        # The head ends inside a line, which is shown only once the whole output is loaded.
        document = TerminalDocument(head[: cut + 1] if cut >= 0 else head)
        # `_show_output` cleared the marks of the previous command, so keeping the
        # position keeps only a search term typed while the output was loading.
        self.output_view.set_source(LineSource.from_document(document), keep_position=True)

    def _go_to_target(self) -> None:
        if self._output_target is None:
            return
        line, terms = self._output_target
        self._output_target = None
        view = self.output_view
        if terms:
            view.search_term = terms
            view.scroll_to_line(line)
            if not (line < view.line_count and match_spans(view.source.plain(line), terms)):
                # The line does not show the terms, so mark their first match after it instead.
                view.find(terms)
        elif line:
            view.scroll_to_line(line)

    # Find

    def _output_loading(self, view: LineView | None) -> bool:
        """Return whether a find in `view` searches the output while the whole output is still loading."""
        return (
            view is self.output_view
            and self._output_command_id is not None
            and self._output_text is None
        )

    def find(self, text: str, forward: bool = True) -> bool | None:
        self.choose_find_view(text)
        if text and self._output_loading(self.find_view()):
            self._find_target = self.output_view
            self.output_view.search_term = text
            self.output_view.refresh()
            self._pending_find = (text, lambda: self.output_view.find(text, forward))
            return None
        return super().find(text, forward)

    def find_next(self) -> bool | None:
        term = self.output_view.search_term
        if term and self._output_loading(self.repeat_find_view()):
            self._pending_find = (term, self.output_view.find_next)
            return None
        return super().find_next()

    def find_previous(self) -> bool | None:
        term = self.output_view.search_term
        if term and self._output_loading(self.repeat_find_view()):
            self._pending_find = (term, self.output_view.find_previous)
            return None
        return super().find_previous()

    def _run_pending_find(self) -> None:
        if self._pending_find is None:
            return
        text, start_find = self._pending_find
        self._pending_find = None
        # Loading the whole output kept the search term, so find_next and find_previous still have it.
        found = start_find()
        if found is not None:
            self.post_message(FindFinished(text, found))

    def _drop_pending_find(self) -> None:
        if self._pending_find is not None:
            self.post_message(FindFinished(self._pending_find[0], None))
            self._pending_find = None

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

    @work(exclusive=True, group="command-copy", description="_copy_output")
    async def _copy_output(self, output: str) -> None:
        # The copy is the text as shown, without escape sequences.
        plain = await asyncio.to_thread(strip_ansi, output)
        self.copy_text(plain, "the output")
