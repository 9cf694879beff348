"""Load a task's file edits with their diffs, for the Diffs tab."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from shadow_tui.queries.conditions import EDITS
from shadow_tui.queries.items import EDIT_ORDER, select_in_order, text_size
from shadow_tui.queries.records import EditRecord


async def load_edit_diffs(engine: AsyncEngine, task_id: str) -> list[EditRecord]:
    """Load a task's file edits in time order, each with its diff.

    `diff_size` is counted from the loaded diff (`text_size`), so SQLite
    does not read every diff a second time to count its characters.
    """
    columns = [EDITS.c.edit_id, EDITS.c.task_id, EDITS.c.file_path, EDITS.c.created_at, EDITS.c.diff]
    async with engine.connect() as connection:
        result = await select_in_order(connection, columns, EDITS.c.edit_id, EDIT_ORDER, [EDITS.c.task_id == task_id])
        return [
            EditRecord(
                edit_id=row.edit_id,
                task_id=row.task_id,
                file_path=row.file_path or "",
                created_at=row.created_at,
                diff_size=text_size(row.diff or ""),
                diff=row.diff or "",
            )
            for row in result
        ]
