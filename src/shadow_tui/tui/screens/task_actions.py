"""The browser's actions on one task: copy its id (y) and export it (e).

Both act on the open task when the detail has the focus, else on the
list's selected task. The exporters and the prompt are imported on first
use, so the first frame does without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen

from shadow_tui.tui.workers import reports_errors

if TYPE_CHECKING:
    from shadow_tui.queries.records import TaskRow
    from shadow_tui.tui.widgets.detail import DetailView
    from shadow_tui.tui.widgets.task_list import TaskList


class TaskActionsMixin(Screen[None]):
    """Copy-id and export actions for the browser screen, which supplies `detail` and `task_list`."""

    detail: DetailView
    task_list: TaskList

    def _task_for_action(self, *, prefer_detail: bool) -> TaskRow | None:
        if prefer_detail:
            return self.detail.task_row or self.task_list.selected_task
        focused = self.focused
        in_detail = focused is not None and self.detail in focused.ancestors_with_self
        return self.detail.task_row if in_detail else self.task_list.selected_task

    def action_copy_task_id(self) -> None:
        task = self._task_for_action(prefer_detail=False)
        if task is None:
            self.notify("No task selected to copy.", severity="warning", markup=False)
            return
        from shadow_tui.tui.clipboard import copy_text

        copy_text(self.app, task.task_id)
        self.notify(f"Copied task id {task.task_id}.", markup=False)

    def action_export(self) -> None:
        """Ask where to write the open (or selected) task as Markdown or HTML."""
        from shadow_tui.export.files import default_export_path
        from shadow_tui.tui.widgets.prompt import PromptScreen

        task = self._task_for_action(prefer_detail=True)
        if task is None:
            self.notify("No task selected to export.", severity="warning", markup=False)
            return
        task_id = task.task_id
        suggestion = str(default_export_path(task_id, Path.cwd()))

        def write(value: str | None) -> None:
            if value is not None:
                self._export(task_id, value)

        self.app.push_screen(PromptScreen("Export to (.md or .html):", value=suggestion), write)

    @work(exclusive=True, group="export", exit_on_error=False, description="_export")
    @reports_errors("Exporting the task")
    async def _export(self, task_id: str, value: str) -> None:
        from shadow_tui.export.files import export_task_file, resolve_export_path

        path, export_format = resolve_export_path(value, task_id, folder=Path.cwd())
        written = await export_task_file(self.app.engine, task_id, path, export_format)  # type: ignore[attr-defined]
        self.notify(f"Wrote {written}", markup=False)
