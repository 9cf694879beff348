"""The Diffs tab: the files a task edited, and their changes unified or side by side.

The tab opens in three steps, each in a thread worker. First a scan of the
diff text lists the files and shows the raw lines (`summarize_edits`).
Then the parse replaces that list (`parse_edits`). Last a `DiffDocument`
shows the parsed lines, first uncoloured and then highlighted chunk by
chunk as the view needs them. Highlighting blocks (see `shadow_tui.render.highlight`), so it
never runs on the UI thread. A diff that cannot be parsed is shown as plain
text under a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from shadow_tui.heap import release_free_memory
from shadow_tui.queries.records import EditRecord, TaskRow
from shadow_tui.render.diff_document import DiffRendering, next_start, previous_start
from shadow_tui.render.diff_lazy import ChunkKey, DiffDocument
from shadow_tui.render.diff_parse import DiffFile
from shadow_tui.tui.panes.common import DetailPane
from shadow_tui.tui.panes.diff_entries import (
    DiffEntry,
    EditedFile,
    build_entries,
    entry_line,
    load_summarized_edits,
    parse_edits,
    summary_lines,
)
from shadow_tui.tui.panes.diff_sources import document_source, raw_rendering, raw_source
from shadow_tui.tui.widgets.line_list import LineList
from shadow_tui.tui.widgets.line_source import LineSource
from shadow_tui.tui.widgets.line_view import LineView

logger = logging.getLogger(__name__)

SIDE_BY_SIDE_MIN_WIDTH = 120
"""Narrower panes leave too little room for two columns of code."""

HEADER = f"{'kind':<8} {'added':>7} {'removed':>7}  file"


class DiffsPane(DetailPane):
    """The task's file edits: a file list above the selected diff."""

    LOAD_ACTION = "Loading file edits"

    DEFAULT_CSS = """
    DiffsPane { layout: vertical; }
    DiffsPane > .pane-header { height: 1; color: $text-muted; }
    DiffsPane > #diff-files { height: 30%; min-height: 3; }
    DiffsPane > #diff-title { height: 1; background: $boost; padding: 0 1; }
    DiffsPane > #diff-view { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "toggle_side_by_side", "Side by side", id="diffs.side_by_side"),
        Binding("right_square_bracket", "next_hunk", "Next hunk", key_display="]", id="diffs.next_hunk"),
        Binding("left_square_bracket", "previous_hunk", "Previous hunk", key_display="[",
                id="diffs.previous_hunk"),
        Binding("right_curly_bracket", "next_file", "Next file", key_display="}", id="diffs.next_file"),
        Binding("left_curly_bracket", "previous_file", "Previous file", key_display="{",
                id="diffs.previous_file"),
    ]

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.files: list[EditedFile] = []
        """The task's files: summaries until the parse arrives, then parsed files."""
        self.entries: list[DiffEntry] = []
        self.parsed = False
        """Whether `files` contains parsed files."""
        self.side_by_side = False
        self.rendering: DiffDocument | DiffRendering | None = None
        """The rendering shown, or None while the first one for an entry is being made."""
        self.rendering_pending = False
        """Whether a rendering is being made; the previous one stays in view meanwhile."""
        self._generation = 0
        self._parse_generation = 0
        self._rendered_width = 0
        self._target: tuple[str, int, str] | None = None
        self._requested_chunks: set[ChunkKey] = set()

    def compose(self) -> ComposeResult:
        yield Static(Text(HEADER), classes="pane-header", id="diff-header")
        yield LineList(empty_text="No file edits.", find_prompt=False, id="diff-files")
        yield Static(Text(""), id="diff-title")
        yield LineView(show_line_numbers=False, empty_text="No diff.", find_prompt=False, id="diff-view")

    @property
    def list_view(self) -> LineList:
        return self.query_one("#diff-files", LineList)

    @property
    def diff_view(self) -> LineView:
        return self.query_one("#diff-view", LineView)

    def find_view(self) -> LineView | None:
        return self.focused_view(self.list_view, self.diff_view)

    def content_view(self) -> LineView | None:
        return self.diff_view

    @property
    def selected_entry(self) -> DiffEntry | None:
        cursor = self.list_view.cursor
        if cursor is None or cursor >= len(self.entries):
            return None
        return self.entries[cursor]

    # Loading

    async def fetch(self, task: TaskRow) -> tuple[list[EditRecord], list[EditedFile]]:
        # The app's SQLite file is read directly only when the pane reads through the app's engine.
        target = getattr(self.app, "target", None) if self._engine is None else None
        return await load_summarized_edits(self.engine, getattr(target, "path", None), task.task_id)

    def apply(self, data: tuple[list[EditRecord], list[EditedFile]], *, keep: bool) -> None:
        edits, summaries = data
        self._parse_generation += 1
        if not (keep and self.parsed):
            # A refresh keeps the parsed list and its rendering in view until the new parse arrives.
            self.parsed = False
            self._show_files(summaries, keep=keep)
        # The parse starts after the next frame, so that it does not compete
        # with drawing the summaries for the interpreter lock.
        self.call_after_refresh(self._parse_in_thread, self._parse_generation, edits, keep)

    def _show_files(self, files: list[EditedFile], *, keep: bool) -> None:
        """List the files and show the selected entry, keeping the selection and scroll position with `keep`."""
        previous = self.selected_entry.label if keep and self.selected_entry else None
        self.files = files
        self.entries = build_entries(files) if files else []
        view = self.list_view
        view.set_source(LineSource.from_texts([entry_line(entry) for entry in self.entries]), keep_position=keep)
        header = Text(HEADER)
        if self.entries:
            header.append(f"   {len(self.entries) - 1:,} files", style="italic")
        self.query_one("#diff-header", Static).update(header)
        if not self.entries:
            self._show_entry(None)
            return
        index = next((i for i, entry in enumerate(self.entries) if entry.label == previous), 0)
        view.move_cursor(index, notify=False)
        self._show_entry(self.entries[index], keep=keep)

    @work(thread=True, exclusive=True, group="diff-parse", description="_parse_in_thread")
    def _parse_in_thread(self, generation: int, edits: list[EditRecord], keep: bool) -> None:
        files = parse_edits(edits)
        self.app.call_from_thread(self._show_parsed, generation, files, keep)

    def _show_parsed(self, generation: int, files: list[EditedFile], keep: bool) -> None:
        if generation != self._parse_generation:
            return
        # The summaries are in view with the same selection, so the parsed
        # files replace them without moving the view.
        keep_view = keep or bool(self.files)
        self.parsed = True
        self._show_files(files, keep=keep_view)
        # The parse's temporary lines and unidiff objects are garbage now.
        release_free_memory()

    def clear(self) -> None:
        self._parse_generation += 1
        self.files = []
        self.entries = []
        self.parsed = False
        self.list_view.set_source(LineSource.empty())
        self._show_entry(None)

    def on_line_list_highlighted(self, event: LineList.Highlighted) -> None:
        if event.line_list is self.list_view:
            event.stop()
            self._show_entry(self.selected_entry)

    def on_line_list_selected(self, event: LineList.Selected) -> None:
        if event.line_list is self.list_view:
            event.stop()
            self.diff_view.focus()

    # Rendering

    def _entry_files(self, entry: DiffEntry) -> list[EditedFile]:
        return [self.files[index] for index in entry.indices]

    def _show_entry(self, entry: DiffEntry | None, *, keep: bool = False) -> None:
        """Render an entry's files; `keep` leaves the current lines in view until the new ones arrive."""
        self._generation += 1
        self._requested_chunks = set()
        title = self.query_one("#diff-title", Static)
        self.rendering_pending = entry is not None
        if entry is None:
            self.rendering = None
            title.update(Text(""))
            self.diff_view.set_source(LineSource.empty())
            return
        title.update(self._title(entry))
        files = self._entry_files(entry)
        if not keep:
            self.rendering = None
            if self.parsed:
                self.diff_view.empty_text = "Rendering…"
                self.diff_view.set_source(LineSource.empty())
            else:
                self.diff_view.set_source(raw_source(*summary_lines(files)))
        if not self.parsed:
            # `_show_parsed` shows the entry again when the parse arrives.
            return
        width = self._render_width()
        self._rendered_width = width
        parsed = [edited.file for edited in files if isinstance(edited.file, DiffFile)]
        view = self.diff_view
        top = view.top_line if keep else 0
        in_view = range(top, top + max(view.size.height, 1))
        self._render_in_thread(self._generation, parsed, self.side_by_side, width, keep, in_view)

    def _title(self, entry: DiffEntry) -> Text:
        title = entry_line(entry)
        mode = "side by side" if self.side_by_side else "unified"
        title.append(f"  [{mode}]", style="italic bright_black")
        return title

    def _render_width(self) -> int:
        # The vertical scrollbar is counted as present, so padded lines never
        # need a horizontal scrollbar once the diff fills the view.
        view = self.diff_view
        width = view.size.width or self.size.width or 80
        return max(20, width - view.styles.scrollbar_size_vertical)

    @work(thread=True, exclusive=True, group="diff-render", description="_render_in_thread")
    def _render_in_thread(
        self, generation: int, files: Sequence[DiffFile], side_by_side: bool, width: int, keep: bool, in_view: range
    ) -> None:
        """Index the files as a document, show it, and highlight the lines `in_view` before it counts as shown."""
        try:
            document = DiffDocument(files, side_by_side=side_by_side, width=width, highlight=True)
        except Exception as error:  # noqa: BLE001 - a diff that breaks the renderer is shown as text
            paths = ", ".join(diff_file.path for diff_file in files[:3])
            logger.warning("Rendering the diff of %s failed; showing it as text", paths, exc_info=True)
            rendering = raw_rendering(files, f"This diff could not be rendered ({error!r}). Showing the raw text.")
            source = LineSource.from_texts(rendering.lines)
            self.app.call_from_thread(self._show_rendering, generation, rendering, source, keep)
            return

        source = document_source(document)
        if not keep:
            # With `keep` the previous rendering stays in view instead, so a
            # refresh of a running task does not flash uncoloured lines.
            self.app.call_from_thread(self._show_lines, generation, source)
        for key in document.chunk_keys(in_view.start, in_view.stop):
            self._render_chunk(document, key)
        self.app.call_from_thread(self._show_rendering, generation, document, source, keep)

    @staticmethod
    def _render_chunk(document: DiffDocument, key: ChunkKey) -> bool:
        """Highlight one chunk of a document in this worker thread, returning False when that failed."""
        try:
            document.render_chunk(key)
        except Exception:  # noqa: BLE001 - the lines stay uncoloured and the failure is logged
            logger.warning("Highlighting chunk %s of the diff failed; its lines stay uncoloured", key, exc_info=True)
            return False
        return True

    def _show_lines(self, generation: int, source: LineSource) -> None:
        """Show a document's uncoloured lines while its first chunk is highlighted."""
        if generation != self._generation:
            return
        has_lines = self.diff_view.line_count > 0
        self.diff_view.set_source(source, keep_position=has_lines)

    def _show_rendering(
        self, generation: int, rendering: DiffDocument | DiffRendering, source: LineSource, keep: bool
    ) -> None:
        if generation != self._generation:
            return
        self.rendering = rendering
        self.rendering_pending = False
        self.diff_view.empty_text = "No changes."
        if self.diff_view.source is source:
            self.diff_view.refresh_lines()
        else:
            has_lines = self.diff_view.line_count > 0
            self.diff_view.set_source(source, keep_position=keep or has_lines)
        if not isinstance(rendering, DiffRendering):
            rendering.on_missing = lambda key: self._request_chunk(generation, rendering, key)
        self._go_to_target()

    def _request_chunk(self, generation: int, document: DiffDocument, key: ChunkKey) -> None:
        """Start highlighting a chunk that the view drew uncoloured, once per request."""
        if generation != self._generation or key in self._requested_chunks:
            return
        self._requested_chunks.add(key)
        self._render_chunk_in_thread(generation, document, key)

    @work(thread=True, group="diff-chunks", description="_render_chunk_in_thread")
    def _render_chunk_in_thread(self, generation: int, document: DiffDocument, key: ChunkKey) -> None:
        if self._render_chunk(document, key):
            self.app.call_from_thread(self._show_chunk, generation, key)

    def _show_chunk(self, generation: int, key: ChunkKey) -> None:
        if generation == self._generation:
            # A chunk that the document later drops from its cache is requested again.
            self._requested_chunks.discard(key)
            self.diff_view.refresh_lines()

    def on_resize(self) -> None:
        if self.side_by_side and self.size.width < SIDE_BY_SIDE_MIN_WIDTH:
            self.side_by_side = False
            self.notify(
                f"Side-by-side view is off: the pane is {self.size.width} columns wide and it needs "
                f"{SIDE_BY_SIDE_MIN_WIDTH}.",
                markup=False,
            )
            self._show_entry(self.selected_entry, keep=True)
        elif self.entries and self.rendering is not None and self._render_width() != self._rendered_width:
            self._show_entry(self.selected_entry, keep=True)

    # Reveal and keys

    def reveal_item(self, item_id: str, line: int, terms: str) -> None:
        index = next((i for i, edited in enumerate(self.files) if edited.edit_id == item_id), None)
        if index is None:
            self.notify(f"File edit {item_id} is not in this task.", severity="warning", markup=False)
            return
        entry_index = next(
            (position for position, entry in enumerate(self.entries) if entry.kind is not None and index in entry.indices),
            0,
        )
        self._target = (item_id, line, terms)
        if self.list_view.cursor == entry_index and self.rendering is not None:
            self._go_to_target()
        else:
            self.list_view.move_cursor(entry_index, notify=False)
            self._show_entry(self.entries[entry_index])

    def _go_to_target(self) -> None:
        entry = self.selected_entry
        if self._target is None or self.rendering is None or entry is None:
            return
        item_id, _line, terms = self._target
        self._target = None
        starts = self.rendering.file_starts
        position = next(
            (number for number, index in enumerate(entry.indices) if self.files[index].edit_id == item_id),
            None,
        )
        view = self.diff_view
        start = starts[position] if position is not None and position < len(starts) else 0
        view.scroll_to_line(start, center=False)
        if terms:
            view.search_term = terms
            view.find(terms)

    def action_toggle_side_by_side(self) -> None:
        if not self.side_by_side and self.size.width < SIDE_BY_SIDE_MIN_WIDTH:
            # Zooming gives the pane the terminal's width, which helps only if the terminal is wide enough.
            remedy = (
                "press z to zoom the task" if self.app.size.width >= SIDE_BY_SIDE_MIN_WIDTH
                else f"widen the terminal to {SIDE_BY_SIDE_MIN_WIDTH} columns"
            )
            self.notify(
                f"Side by side needs {SIDE_BY_SIDE_MIN_WIDTH} columns and this pane has {self.size.width}: {remedy}.",
                severity="warning",
                markup=False,
            )
            return
        self.side_by_side = not self.side_by_side
        self._show_entry(self.selected_entry, keep=True)

    def _current_line(self) -> int:
        view = self.diff_view
        return view.marked_line if view.marked_line is not None else view.top_line

    def _jump(self, starts: Sequence[int] | None, forward: bool, item_name: str) -> None:
        if not starts:
            self.notify(f"No {item_name}s in this view.", markup=False)
            return
        current = self._current_line()
        target = next_start(starts, current) if forward else previous_start(starts, current)
        if target is None:
            self.notify(f"No {'next' if forward else 'previous'} {item_name}.", markup=False)
            return
        self.diff_view.scroll_to_line(target, center=False)

    def action_next_hunk(self) -> None:
        self._jump(self.rendering.hunk_starts if self.rendering else None, True, "hunk")

    def action_previous_hunk(self) -> None:
        self._jump(self.rendering.hunk_starts if self.rendering else None, False, "hunk")

    def action_next_file(self) -> None:
        self._jump(self.rendering.file_starts if self.rendering else None, True, "file")

    def action_previous_file(self) -> None:
        self._jump(self.rendering.file_starts if self.rendering else None, False, "file")
