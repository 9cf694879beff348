"""The browser's actions on one task: copy its id (y) and export it (e).

Both act on the open task when the detail has the focus, else on the
list's selected task, which a narrow terminal shows while the detail is
closed. The exporters and the prompt are imported on first
use, so the first frame does without them.
"""

from __future__ import annotations

import asyncio
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

    def _task_for_action(self) -> TaskRow | None:
        """Return the open task when the detail has the focus, else the list's selected task."""
        focused = self.focused
        in_detail = focused is not None and self.detail in focused.ancestors_with_self
        return self.detail.task_row if in_detail else self.task_list.selected_task

    def action_copy_task_id(self) -> None:
        task = self._task_for_action()
        if task is None:
            self.notify("No task selected to copy.", severity="warning", markup=False)
            return
        from shadow_tui.tui.clipboard import copy_text

        copy_text(self.app, task.task_id)
        self.notify(f"Copied task id {task.task_id}.", markup=False)

    def action_export(self) -> None:
        """Ask where to write the task as Markdown or HTML: the open one in the detail, else the selected one."""
        from shadow_tui.export.files import default_export_path
        from shadow_tui.tui.widgets.prompt import PromptScreen

        task = self._task_for_action()
        if task is None:
            self.notify("No task selected to export.", severity="warning", markup=False)
            return
        task_id = task.task_id
        suggestion = str(default_export_path(task_id, Path.cwd()))

        def write(value: str | None) -> None:
            if value is not None:
                self._export(task_id, value)

        label = f"Export task {task_id[:12]} to (.md or .html):"
        self.app.push_screen(PromptScreen(label, value=suggestion), write)

    @work(exclusive=True, group="export", exit_on_error=False, description="_export")
    @reports_errors("Exporting the task")
    async def _export(self, task_id: str, value: str) -> None:
        from shadow_tui.export.files import export_task_file, resolve_export_path
        from shadow_tui.tui.widgets.prompt import PromptScreen

        path, export_format = await asyncio.to_thread(resolve_export_path, value, task_id, folder=Path.cwd())
        if await asyncio.to_thread(path.exists):
            answer = await self.app.push_screen_wait(
                PromptScreen(f"{path} exists. Replace it? (y/n):", restrict="[yYnN]?")
            )
            if answer is None or answer.lower() != "y":
                self.notify(f"Not exported: {path} is unchanged.", markup=False)
                return
        written = await export_task_file(self.app.engine, task_id, path, export_format)  # type: ignore[attr-defined]
        self.notify(f"Wrote {written}", markup=False)
