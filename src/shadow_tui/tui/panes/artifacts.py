"""The Artifacts tab: type, time and URL of each stored artifact.

Artifacts live outside the database (in S3 or elsewhere). The pane only
shows and copies their URLs and never fetches anything from the network.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from shadow_tui.queries.items import load_artifacts
from shadow_tui.queries.records import ArtifactRecord, TaskRow
from shadow_tui.render.terminal import sanitize_inline
from shadow_tui.tui.panes.common import DetailPane, format_time
from shadow_tui.tui.widgets.line_list import LineList
from shadow_tui.tui.widgets.line_source import LineSource
from shadow_tui.tui.widgets.line_view import LineView

TYPE_WIDTH = 8
TYPE_STYLES = {"log": "cyan", "binary": "magenta", "zip": "yellow", "report": "green"}


def artifact_line(artifact: ArtifactRecord) -> Text:
    """Render one artifact as a list row: type, time, URL."""
    kind = sanitize_inline(artifact.type)
    line = Text(no_wrap=True, end="")
    line.append(f"{kind:<{TYPE_WIDTH}} ", style=TYPE_STYLES.get(kind, "bright_black"))
    line.append(f"{format_time(artifact.created_at)}  ", style="bright_black")
    line.append(sanitize_inline(artifact.s3_url))
    return line


class ArtifactsPane(DetailPane):
    """The task's artifacts; `y` copies the URL under the cursor."""

    LOAD_ACTION = "Loading artifacts"

    DEFAULT_CSS = """
    ArtifactsPane { layout: vertical; }
    ArtifactsPane > .pane-header { height: 1; color: $text-muted; }
    ArtifactsPane > LineList { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "copy_url", "Copy URL", id="artifacts.copy_url"),
    ]

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.artifacts: list[ArtifactRecord] = []

    def compose(self) -> ComposeResult:
        header = Text(f"{'type':<{TYPE_WIDTH}} {'created (UTC)':<19}  URL")
        yield Static(header, classes="pane-header")
        yield LineList(empty_text="No artifacts.", find_prompt=False, id="artifact-list")

    @property
    def list_view(self) -> LineList:
        return self.query_one("#artifact-list", LineList)

    def find_view(self) -> LineView | None:
        return self.list_view

    async def fetch(self, task: TaskRow) -> list[ArtifactRecord]:
        return await load_artifacts(self.engine, task.task_id)

    def apply(self, data: list[ArtifactRecord], *, keep: bool) -> None:
        cursor = self.list_view.cursor
        self.artifacts = data
        self.list_view.set_source(LineSource.from_texts([artifact_line(item) for item in data]), keep_position=keep)
        if data:
            self.list_view.move_cursor(cursor if keep and cursor is not None else 0, notify=False)

    def clear(self) -> None:
        self.artifacts = []
        self.list_view.set_source(LineSource.empty())

    def reveal_item(self, item_id: str, line: int, terms: str) -> None:
        for index, artifact in enumerate(self.artifacts):
            if artifact.artifact_id == item_id:
                self.list_view.move_cursor(index)
                return

    def action_copy_url(self) -> None:
        cursor = self.list_view.cursor
        if cursor is None or not self.artifacts:
            self.notify("No artifact to copy.", severity="warning", markup=False)
            return
        # The copy is the URL as shown, so a control character in it never reaches a shell.
        self.copy_text(sanitize_inline(self.artifacts[cursor].s3_url), "the artifact URL")
