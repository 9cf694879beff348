"""Mappings shared by the two Shadow importers (early SQLite file, PostgreSQL deployment).

Task status mapping, from Shadow's TaskStatus enum to ours:

| Shadow       | here      | error_message                                  |
| ------------ | --------- | ---------------------------------------------- |
| PENDING      | pending   |                                                |
| INITIALIZING | running   |                                                |
| RUNNING      | running   |                                                |
| COMPLETED    | completed |                                                |
| ARCHIVED     | completed |                                                |
| FAILED       | error     | errorMessage, else initializationError         |
| STOPPED      | error     | "stopped by the user before it finished"       |

STOPPED maps to error, not completed, because the agent did not finish
its work. The error message distinguishes it from a failure. An INITIALIZING task
with an initializationError failed to start, so it is an error too. Any
other value is stored lower-cased, as the source wrote it.
"""

from __future__ import annotations

import logging
from typing import Any

from shadow_tui.db.models import ArtifactType, TaskStatus
from shadow_tui.db.writer import UserData
from shadow_tui.importers.base import aware

logger = logging.getLogger(__name__)

FORMAT = "shadow"
STOPPED_MESSAGE = "stopped by the user before it finished"

_STATUS = {
    "PENDING": TaskStatus.PENDING.value,
    "INITIALIZING": TaskStatus.RUNNING.value,
    "RUNNING": TaskStatus.RUNNING.value,
    "COMPLETED": TaskStatus.COMPLETED.value,
    "ARCHIVED": TaskStatus.COMPLETED.value,
    "FAILED": TaskStatus.ERROR.value,
    "STOPPED": TaskStatus.ERROR.value,
}


def task_status(row: dict[str, Any]) -> tuple[str, str | None]:
    """Map a Shadow Task row to (status, error_message)."""
    raw = str(row.get("status") or "").upper()
    error = _text(row.get("errorMessage")) or _text(row.get("initializationError"))
    if raw == "INITIALIZING" and _text(row.get("initializationError")):
        return TaskStatus.ERROR.value, _text(row.get("initializationError"))
    if raw == "FAILED":
        return TaskStatus.ERROR.value, error or "the task failed"
    if raw == "STOPPED":
        return TaskStatus.ERROR.value, STOPPED_MESSAGE
    status = _STATUS.get(raw)
    if status is None:
        logger.warning("Unknown Shadow task status %r of task %s, stored lower-cased", raw, row.get("id"))
        return raw.lower() or TaskStatus.COMPLETED.value, None
    return status, None


def task_id(source_id: object) -> str:
    return f"shadow-{source_id}"


def row_id(source_id: object) -> str:
    return f"shadow-{source_id}"


def user_from_row(row: dict[str, Any] | None, user_id: object) -> UserData:
    """Build our user from a Shadow user row (None when the row is missing)."""
    if row is None:
        return UserData(user_id=f"shadow-{user_id}")
    return UserData(
        user_id=f"shadow-{row.get('id', user_id)}",
        email=_text(row.get("email")),
        display_name=_text(row.get("name")),
        created_at=aware(row.get("createdAt")),
    )


def artifact_type(value: object) -> str:
    """Map a Shadow artifact type to ours. Unknown types become "other"."""
    lowered = str(value or "").lower()
    known = {member.value for member in ArtifactType}
    return lowered if lowered in known else ArtifactType.OTHER.value


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
