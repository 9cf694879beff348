"""Small sessions built in code, for tests that need exact rows."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shadow_tui.db.access import open_writer
from shadow_tui.db.writer import (
    ArtifactData,
    CommandData,
    EditData,
    MessageData,
    SessionData,
    TaskData,
    UserData,
    write_session,
)

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
ALICE = UserData("u-alice", email="alice@example.com", username="alice", display_name="Alice")
BOB = UserData("u-bob", email="bob@example.com", username="bob", display_name="Bob")


def make_session(
    index: int,
    *,
    status: str = "completed",
    message: str = "hello",
    output: str = "ok",
    diff: str = "@@ -1 +1 @@\n-a\n+b\n",
    repo: str = "https://github.com/acme/api",
    days_ago: float | None = None,
    user: UserData = ALICE,
) -> SessionData:
    created = NOW - timedelta(days=index if days_ago is None else days_ago)
    task_id = f"task{index:04d}"
    task = TaskData(
        task_id=task_id, user=user, created_at=created, status=status, repo_url=repo,
        branch="main", model_name="claude-sonnet-4", started_at=created,
        completed_at=created + timedelta(minutes=5) if status in ("completed", "error") else None,
        error_message="boom" if status == "error" else None, title=f"Task number {index}",
    )
    return SessionData(
        task=task,
        messages=[
            MessageData(f"{task_id}-m1", "user", message, created, 0),
            MessageData(f"{task_id}-m2", "agent", "Done.", created + timedelta(seconds=1), 1),
        ],
        commands=[
            CommandData(f"{task_id}-c1", "pytest -q", output, created + timedelta(seconds=2), exit_code=1),
            CommandData(f"{task_id}-c2", "git status", "clean", created + timedelta(seconds=3), exit_code=0),
            CommandData(f"{task_id}-c3", "make", "?", created + timedelta(seconds=4), exit_code=None),
        ],
        edits=[EditData(f"{task_id}-e1", "src/app.py", diff, created + timedelta(seconds=5))],
        artifacts=[ArtifactData(f"{task_id}-a1", "log", f"s3://bucket/{task_id}.log", created)],
    )


async def write_sessions(database: str, sessions: list[SessionData]) -> None:
    async with open_writer(database) as (_target, engine):
        async with engine.begin() as connection:
            for session in sessions:
                await write_session(connection, session)
