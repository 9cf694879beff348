"""The schema version and columns that this release reads and writes, without SQLAlchemy or Alembic."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# The columns of every table in `db.models`, which `schema.check_schema` requires.
# The sqlite3 reader checks them without importing the models; a test keeps the two equal.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("user_id", "email", "username", "display_name", "created_at", "last_login_at"),
    "tasks": (
        "task_id", "user_id", "repo_url", "branch", "model_name", "status", "created_at", "started_at",
        "completed_at", "error_message", "title", "source", "source_ref", "input_tokens", "output_tokens", "cost_usd",
    ),
    "chat_messages": ("message_id", "task_id", "sender", "content", "created_at", "sequence"),
    "task_commands": (
        "command_id", "task_id", "command_text", "exit_code", "output", "created_at", "duration_seconds",
        "output_search",
    ),
    "file_edits": ("edit_id", "task_id", "file_path", "diff", "created_at"),
    "artifacts": ("artifact_id", "task_id", "type", "s3_url", "created_at"),
}

# The `revision = "0001"` line of a migration file.
_REVISION_LINE = re.compile(r"""^revision\s*=\s*["'](\d+)["']""", re.MULTILINE)


@cache
def head_version() -> int:
    """Return the schema version this release writes and reads: the highest migration revision.

    Revisions are consecutive numbers, each revising the one before, so the
    highest number is Alembic's head. It is read from the migration files
    rather than through Alembic, which the version check would otherwise
    import at every start.
    """
    revisions = [
        int(match.group(1))
        for path in (MIGRATIONS_DIR / "versions").glob("*.py")
        if (match := _REVISION_LINE.search(path.read_text(encoding="utf-8")))
    ]
    assert revisions, f"the migrations folder {MIGRATIONS_DIR / 'versions'} has no revision"
    return max(revisions)
