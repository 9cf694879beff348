"""Load a task's file edits with their diffs, for the Diffs tab."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from shadow_tui.queries.conditions import EDITS
from shadow_tui.queries.records import EditRecord


async def load_edit_diffs(engine: AsyncEngine, task_id: str) -> list[EditRecord]:
    """Load a task's file edits in time order, each with its diff.

    `diff_size` is the loaded diff's length in characters. `load_edits`
    computes it in SQL instead, which makes SQLite read every diff a second
    time to count its characters.
    """
    query = (
        select(EDITS.c.edit_id, EDITS.c.task_id, EDITS.c.file_path, EDITS.c.created_at, EDITS.c.diff)
        .where(EDITS.c.task_id == task_id)
        .order_by(EDITS.c.created_at, EDITS.c.edit_id)
    )
    async with engine.connect() as connection:
        result = await connection.execute(query)
        return [
            EditRecord(
                edit_id=row.edit_id,
                task_id=row.task_id,
                file_path=row.file_path or "",
                created_at=row.created_at,
                diff_size=len(row.diff or ""),
                diff=row.diff or "",
            )
            for row in result
        ]
