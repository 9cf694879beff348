"""A JSON Lines export of a database, one file per task, for tools that search files.

Each file `<task_id>.jsonl` has one JSON object per row: first the task,
then its messages, commands (with their outputs), edits and artifacts,
each with a `"row"` field naming its kind. The fields are the columns, as
in `shadow-tui show --format json`, one row a line. It reads the SQLite
file directly with the standard library, so a 50,000-task export takes
about a minute.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from urllib.parse import quote

EXPORT_VERSION = 1
"""Changes whenever the file layout below changes, so cached exports are rewritten."""

_CHILDREN = (
    ("message", "chat_messages", "message_id, sender, content, sequence, created_at", "sequence, created_at"),
    ("command", "task_commands", "command_id, command_text, exit_code, output, duration_seconds, created_at",
     "created_at"),
    ("edit", "file_edits", "edit_id, file_path, diff, created_at", "created_at"),
    ("artifact", "artifacts", "artifact_id, type, s3_url, created_at", "created_at"),
)
_TASK_COLUMNS = (
    "task_id, user_id, repo_url, branch, model_name, status, created_at, started_at, completed_at, "
    "error_message, title, source, source_ref, input_tokens, output_tokens, cost_usd"
)


def _safe_name(task_id: str) -> str:
    return quote(task_id, safe="-_.") + ".jsonl"


def export_database(database: Path, target: Path) -> tuple[int, int]:
    """Write one JSON Lines file per task into `target`; return (files, bytes written)."""
    target.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(f"file:{quote(str(database.resolve()))}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    files = 0
    size = 0
    try:
        tasks = connection.execute(f"SELECT {_TASK_COLUMNS} FROM tasks ORDER BY task_id").fetchall()
        for task in tasks:
            lines = [json.dumps({"row": "task", **dict(task)}, ensure_ascii=False)]
            for kind, table, columns, order in _CHILDREN:
                rows = connection.execute(
                    f"SELECT {columns} FROM {table} WHERE task_id = ? ORDER BY {order}", (task["task_id"],)
                )
                lines += [json.dumps({"row": kind, "task_id": task["task_id"], **dict(row)}, ensure_ascii=False)
                          for row in rows]
            text = "\n".join(lines) + "\n"
            data = text.encode("utf-8", "surrogatepass")
            (target / _safe_name(task["task_id"])).write_bytes(data)
            files += 1
            size += len(data)
    finally:
        connection.close()
    return files, size
