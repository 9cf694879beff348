"""Shadow importers: the early Prisma SQLite file and a PostgreSQL deployment."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from unidiff import PatchSet

from shadow_tui.db.access import open_reader
from shadow_tui.db.types import parse_timestamp
from shadow_tui.importers import import_sources
from shadow_tui.importers.shadow_common import STOPPED_MESSAGE, task_status
from shadow_tui.importers.shadow_parts import PROPOSED_EDIT_LABEL
from shadow_tui.importers.shadow_pg import create_source_engine, source_url
from shadow_tui.importers.shadow_sqlite import read_file_sync


async def fetch(db: str, sql: str, **parameters: Any) -> list[dict[str, Any]]:
    async with open_reader(db) as (_target, engine):
        async with engine.connect() as connection:
            result = await connection.execute(text(sql), parameters)
            return [dict(row) for row in result.mappings()]


async def count(db: str, table: str, task_id: str | None = None) -> int:
    where = " WHERE task_id = :task" if task_id else ""
    rows = await fetch(db, f"SELECT count(*) AS n FROM {table}{where}", task=task_id)
    return int(rows[0]["n"])


# --- Early SQLite schema -------------------------------------------------------------------


async def test_sqlite_corpus_counts(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    summary = await import_sources(db, [str(corpus / "shadow" / "prisma-sqlite-dev.db")])
    assert summary.new == 3
    assert summary.failed == 0
    assert await count(db, "tasks") == 3
    assert await count(db, "chat_messages") == 6
    assert await count(db, "task_commands") == 0
    assert await count(db, "file_edits") == 0


async def test_sqlite_corpus_task_fields(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    await import_sources(db, [str(corpus / "shadow" / "prisma-sqlite-dev.db")])
    rows = {row["task_id"]: row for row in await fetch(db, "SELECT * FROM tasks")}
    assert rows["shadow-demo-task-1"]["status"] == "running"
    assert rows["shadow-demo-task-2"]["status"] == "completed"
    assert rows["shadow-demo-task-3"]["status"] == "pending"
    assert rows["shadow-demo-task-3"]["branch"] == "feature/auth"
    assert rows["shadow-demo-task-1"]["title"] == "Build a React todo app"
    assert rows["shadow-demo-task-1"]["model_name"] == "claude-3-5-sonnet-20241022"
    assert rows["shadow-demo-task-1"]["user_id"] == "shadow-cmd4sedoi0000js1furqsq6g0"
    assert rows["shadow-demo-task-1"]["source"] == "shadow"


async def test_sqlite_epoch_milliseconds(corpus: Path) -> None:
    sessions = read_file_sync(corpus / "shadow" / "prisma-sqlite-dev.db")
    first = sessions[0].session
    # Task.createdAt of demo-task-1 is 1752599345356 ms.
    assert first.task.created_at == datetime(2025, 7, 15, 17, 9, 5, 356000, tzinfo=timezone.utc)
    assert first.messages[0].created_at.tzinfo is not None


async def test_sqlite_user_from_table(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    await import_sources(db, [str(corpus / "shadow" / "prisma-sqlite-dev.db")])
    users = await fetch(db, "SELECT * FROM users")
    assert [user["email"] for user in users] == ["demo@shadow.dev"]
    assert users[0]["display_name"] == "Demo User"


async def test_sqlite_source_unchanged(corpus: Path, tmp_path: Path) -> None:
    source = corpus / "shadow" / "prisma-sqlite-dev.db"
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    await import_sources(str(tmp_path / "h.db"), [str(source)])
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before


async def test_sqlite_commands_and_changes(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "dev.db"
    shutil.copyfile(corpus / "shadow" / "prisma-sqlite-dev.db", source)
    with sqlite3.connect(source) as connection:
        connection.execute(
            'INSERT INTO "TerminalCommand" (id, command, output, "exitCode", "createdAt", "completedAt", "taskId") '
            "VALUES ('cmd1', 'npm test', '3 passing', 0, 1752599346000, 1752599348500, 'demo-task-1')"
        )
        connection.execute(
            'INSERT INTO "FileChange" (id, "filePath", operation, "oldContent", "newContent", "createdAt", "taskId") '
            "VALUES ('fc1', 'src/App.tsx', 'UPDATE', 'a\nb\n', 'a\nc\n', 1752599347000, 'demo-task-1')"
        )
        connection.execute(
            'INSERT INTO "FileChange" (id, "filePath", operation, "newContent", "createdAt", "taskId") '
            "VALUES ('fc2', 'src/new.ts', 'CREATE', 'x\n', 1752599347001, 'demo-task-1')"
        )
    [session] = [s.session for s in read_file_sync(source) if s.session.task.task_id == "shadow-demo-task-1"]
    assert [c.exit_code for c in session.commands] == [0]
    assert session.commands[0].duration_seconds == 2.5
    assert [e.file_path for e in session.edits] == ["src/App.tsx", "src/new.ts"]
    assert "-b\n+c\n" in session.edits[0].diff
    assert session.edits[1].diff.startswith("--- /dev/null\n+++ src/new.ts\n")


def test_status_mapping_table() -> None:
    cases = {
        "RUNNING": ("running", None),
        "INITIALIZING": ("running", None),
        "COMPLETED": ("completed", None),
        "ARCHIVED": ("completed", None),
        "STOPPED": ("error", STOPPED_MESSAGE),
        "PENDING": ("pending", None),
    }
    for raw, expected in cases.items():
        assert task_status({"status": raw}) == expected, raw


def test_status_failed_message() -> None:
    assert task_status({"status": "FAILED", "errorMessage": "Sandbox crashed"}) == ("error", "Sandbox crashed")


def test_status_initialization_error() -> None:
    row = {"status": "INITIALIZING", "initializationError": "VM did not start"}
    assert task_status(row) == ("error", "VM did not start")


# --- Current PostgreSQL schema -------------------------------------------------------------

SHADOW_DDL = """
CREATE TYPE "TaskStatus" AS ENUM ('STOPPED', 'INITIALIZING', 'ARCHIVED', 'RUNNING', 'COMPLETED', 'FAILED');
CREATE TYPE "MessageRole" AS ENUM ('USER', 'ASSISTANT', 'SYSTEM', 'TOOL');
CREATE TYPE "PullRequestStatus" AS ENUM ('CREATED', 'UPDATED');
CREATE TABLE "user" (
    "id" TEXT NOT NULL, "name" TEXT NOT NULL, "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL, "image" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL, "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "user_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "user_email_key" ON "user"("email");
CREATE TABLE "Task" (
    "id" TEXT NOT NULL, "title" TEXT NOT NULL,
    "status" "TaskStatus" NOT NULL DEFAULT 'INITIALIZING',
    "repoFullName" TEXT NOT NULL, "repoUrl" TEXT NOT NULL, "mainModel" TEXT,
    "errorMessage" TEXT, "initializationError" TEXT,
    "baseBranch" TEXT NOT NULL, "baseCommitSha" TEXT NOT NULL, "shadowBranch" TEXT NOT NULL,
    "pullRequestNumber" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL, "userId" TEXT NOT NULL,
    CONSTRAINT "Task_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Task_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user"("id") ON DELETE CASCADE
);
CREATE TABLE "ChatMessage" (
    "id" TEXT NOT NULL, "content" TEXT NOT NULL, "role" "MessageRole" NOT NULL,
    "llmModel" TEXT NOT NULL, "metadata" JSONB, "sequence" INTEGER NOT NULL,
    "promptTokens" INTEGER, "completionTokens" INTEGER, "totalTokens" INTEGER,
    "finishReason" TEXT, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "editedAt" TIMESTAMP(3), "taskId" TEXT NOT NULL, "stackedTaskId" TEXT,
    CONSTRAINT "ChatMessage_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ChatMessage_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE
);
CREATE INDEX "ChatMessage_taskId_sequence_idx" ON "ChatMessage"("taskId", "sequence");
CREATE TABLE "PullRequestSnapshot" (
    "id" TEXT NOT NULL, "status" "PullRequestStatus" NOT NULL, "title" TEXT NOT NULL,
    "description" TEXT NOT NULL, "filesChanged" INTEGER NOT NULL, "linesAdded" INTEGER NOT NULL,
    "linesRemoved" INTEGER NOT NULL, "commitSha" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "messageId" TEXT NOT NULL,
    CONSTRAINT "PullRequestSnapshot_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "PullRequestSnapshot_messageId_fkey" FOREIGN KEY ("messageId")
        REFERENCES "ChatMessage"("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "PullRequestSnapshot_messageId_key" ON "PullRequestSnapshot"("messageId");
"""


def call(call_id: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool-call", "toolCallId": call_id, "toolName": tool, "args": args}


def result(call_id: str, tool: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool-result", "toolCallId": call_id, "toolName": tool, "result": value}


FIX_PARTS = [
    {"type": "text", "text": "I'll look at the code."},
    call("c1", "run_terminal_cmd", {"command": "npm test", "is_background": False}),
    result("c1", "run_terminal_cmd", {"success": False, "stdout": "1 failing", "stderr": "Error: x", "exitCode": 1}),
    call("c2", "search_replace", {"file_path": "src/login.ts", "old_string": "a\n", "new_string": "b\n"}),
    result("c2", "search_replace", {"success": True, "linesAdded": 1, "linesRemoved": 1}),
    call("c3", "edit_file", {"target_file": "src/new.ts", "code_edit": "export const x = 1;\n", "is_new_file": True}),
    result("c3", "edit_file", {"success": True, "isNewFile": True}),
    call("c4", "edit_file", {"target_file": "src/old.ts", "code_edit": "// ... existing code ...\nfoo()\n"}),
    result("c4", "edit_file", {"success": True, "isNewFile": False}),
    call("c5", "run_terminal_cmd", {"command": "npm test"}),
    result("c5", "run_terminal_cmd", {"success": True, "stdout": "all passing", "stderr": "", "exitCode": 0}),
    call("c6", "search_replace", {"file_path": "src/x.ts", "old_string": "q", "new_string": "r"}),
    result("c6", "search_replace", {"success": False, "message": "old_string not found"}),
    call("c7", "read_file", {"target_file": "src/x.ts"}),
    result("c7", "read_file", {"success": True, "content": "q"}),
]

SHADOW_ROWS = [
    ("""INSERT INTO "user" VALUES ('u1', 'Ada Lovelace', 'ada@example.com', true, NULL,
        '2025-08-01 10:00:00', '2025-08-01 10:00:00')""", {}),
    ("""INSERT INTO "Task" ("id", "title", "status", "repoFullName", "repoUrl", "mainModel", "baseBranch",
        "baseCommitSha", "shadowBranch", "pullRequestNumber", "createdAt", "updatedAt", "userId") VALUES
        ('t1', 'Fix the login bug', 'COMPLETED', 'acme/app', 'https://github.com/acme/app', 'claude-sonnet-4',
         'main', 'abc123', 'shadow/t1', 42, '2025-08-02 09:00:00.123', '2025-08-02 09:30:00', 'u1'),
        ('t2', 'Add tests', 'FAILED', 'acme/app', 'https://github.com/acme/app', NULL,
         'main', 'abc123', 'shadow/t2', NULL, '2025-08-03 09:00:00', '2025-08-03 09:10:00', 'u1'),
        ('t3', 'Refactor', 'STOPPED', 'acme/app', 'https://github.com/acme/app', NULL,
         'main', 'abc123', 'shadow/t3', NULL, '2025-08-04 09:00:00', '2025-08-04 09:05:00', 'u1'),
        ('t4', 'Deploy', 'RUNNING', 'acme/app', 'https://github.com/acme/app', 'claude-sonnet-4',
         'main', 'abc123', 'shadow/t4', NULL, '2025-08-05 09:00:00', '2025-08-05 09:01:00', 'u1')""", {}),
    ("""UPDATE "Task" SET "errorMessage" = 'Sandbox crashed' WHERE "id" = 't2'""", {}),
    ("""INSERT INTO "ChatMessage" ("id", "content", "role", "llmModel", "metadata", "sequence",
        "promptTokens", "completionTokens", "createdAt", "taskId") VALUES
        ('m1', 'Fix the login bug', 'USER', 'claude-sonnet-4', NULL, 0, NULL, NULL, '2025-08-02 09:00:01', 't1'),
        ('m2', 'I''ll look at the code.', 'ASSISTANT', 'claude-sonnet-4', CAST(:fix AS jsonb), 1, 100, 20,
         '2025-08-02 09:00:05', 't1'),
        ('m3', 'You are Shadow.', 'SYSTEM', 'claude-sonnet-4', NULL, 2, NULL, NULL, '2025-08-02 09:00:06', 't1'),
        ('m4', 'Done, PR opened.', 'ASSISTANT', 'claude-sonnet-4', NULL, 3, 150, 30, '2025-08-02 09:20:00', 't1'),
        ('m5', 'Add tests', 'USER', 'gpt-5', NULL, 0, NULL, NULL, '2025-08-03 09:00:01', 't2'),
        ('m6', '', 'ASSISTANT', 'gpt-5', CAST(:pending AS jsonb), 1, NULL, NULL, '2025-08-03 09:00:05', 't2'),
        ('m7', 'Deploy', 'USER', 'claude-sonnet-4', NULL, 0, NULL, NULL, '2025-08-05 09:00:01', 't4'),
        ('m8', 'Deploying', 'ASSISTANT', 'claude-sonnet-4', CAST(:deploy AS jsonb), 1, NULL, NULL,
         '2025-08-05 09:00:05', 't4')""",
     {
         "fix": json.dumps({"parts": FIX_PARTS}),
         "pending": json.dumps({"parts": [call("c8", "run_terminal_cmd", {"command": "pytest"})]}),
         "deploy": json.dumps({"parts": [
             call("c9", "run_terminal_cmd", {"command": "make build"}),
             result("c9", "run_terminal_cmd", {"success": True, "stdout": "built", "stderr": "", "exitCode": 0}),
             call("c10", "run_terminal_cmd", {"command": "make deploy"}),
         ]}),
     }),
    ("""INSERT INTO "PullRequestSnapshot" VALUES ('pr1', 'CREATED', 'Fix login', 'Fixes the bug', 2, 10, 3,
        'def456', '2025-08-02 09:20:01', 'm4')""", {}),
]


async def build_shadow_database(url: str) -> None:
    engine = create_async_engine(make_url(url).set(drivername="postgresql+asyncpg"))
    try:
        async with engine.begin() as connection:
            for statement in SHADOW_DDL.split(";"):
                if statement.strip():
                    await connection.execute(text(statement))
            for statement, parameters in SHADOW_ROWS:
                await connection.execute(text(statement), parameters)
    finally:
        await engine.dispose()


async def source_counts(url: str) -> dict[str, int]:
    engine = create_async_engine(make_url(url).set(drivername="postgresql+asyncpg"))
    try:
        async with engine.connect() as connection:
            return {
                table: int(await connection.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0)
                for table in ("user", "Task", "ChatMessage", "PullRequestSnapshot")
            }
    finally:
        await engine.dispose()


@pytest.fixture
async def shadow_pg(pg_database: str) -> str:
    await build_shadow_database(pg_database)
    return pg_database


@pytest.mark.postgres
async def test_pg_import_counts(shadow_pg: str, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    summary = await import_sources(db, [shadow_pg])
    assert summary.new == 4
    assert summary.failed == 0
    assert await count(db, "tasks") == 4
    assert await count(db, "chat_messages") == 6
    assert await count(db, "task_commands") == 4
    assert await count(db, "file_edits") == 3
    assert await count(db, "artifacts") == 1


@pytest.mark.postgres
async def test_pg_completed_task_rows(shadow_pg: str, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    await import_sources(db, [shadow_pg])
    messages = await fetch(db, "SELECT * FROM chat_messages WHERE task_id = 'shadow-t1' ORDER BY sequence")
    assert [(m["sender"], m["sequence"]) for m in messages] == [("user", 0), ("agent", 1), ("agent", 3)]
    commands = await fetch(db, "SELECT * FROM task_commands WHERE task_id = 'shadow-t1' ORDER BY created_at")
    assert [c["exit_code"] for c in commands] == [1, 0]
    assert commands[0]["output"] == "1 failing\nError: x"
    assert commands[0]["command_text"] == "npm test"


@pytest.mark.postgres
async def test_pg_edit_diffs(shadow_pg: str, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    await import_sources(db, [shadow_pg])
    edits = await fetch(db, "SELECT * FROM file_edits WHERE task_id = 'shadow-t1' ORDER BY created_at")
    assert [e["file_path"] for e in edits] == ["src/login.ts", "src/new.ts", "src/old.ts"]
    assert len(PatchSet(edits[0]["diff"])) == 1
    assert "-a\n+b\n" in edits[0]["diff"]
    assert edits[1]["diff"].startswith("--- /dev/null\n+++ src/new.ts\n")
    assert edits[2]["diff"] == f"# {PROPOSED_EDIT_LABEL}\n// ... existing code ...\nfoo()\n"


@pytest.mark.postgres
async def test_pg_task_fields(shadow_pg: str, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    await import_sources(db, [shadow_pg])
    tasks = {row["task_id"]: row for row in await fetch(db, "SELECT * FROM tasks")}
    done = tasks["shadow-t1"]
    assert done["status"] == "completed"
    assert done["branch"] == "shadow/t1"
    assert done["model_name"] == "claude-sonnet-4"
    assert done["input_tokens"] == 250
    assert done["output_tokens"] == 50
    assert parse_timestamp(done["created_at"]) == datetime(2025, 8, 2, 9, 0, 0, 123000, tzinfo=timezone.utc)
    assert done["source_ref"] == shadow_pg
    assert tasks["shadow-t2"]["status"] == "error"
    assert tasks["shadow-t2"]["error_message"] == "Sandbox crashed"
    assert tasks["shadow-t2"]["model_name"] == "gpt-5"
    assert tasks["shadow-t2"]["input_tokens"] is None
    assert tasks["shadow-t3"]["error_message"] == STOPPED_MESSAGE
    assert tasks["shadow-t4"]["status"] == "running"
    assert tasks["shadow-t4"]["completed_at"] is None


@pytest.mark.postgres
async def test_pg_pending_calls(shadow_pg: str, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    await import_sources(db, [shadow_pg])
    failed = await fetch(db, "SELECT * FROM task_commands WHERE task_id = 'shadow-t2'")
    assert [(c["command_text"], c["exit_code"], c["output"]) for c in failed] == [("pytest", None, "")]
    running = await fetch(db, "SELECT * FROM task_commands WHERE task_id = 'shadow-t4'")
    assert [c["command_text"] for c in running] == ["make build"]


@pytest.mark.postgres
async def test_pg_pull_request_artifact(shadow_pg: str, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    await import_sources(db, [shadow_pg])
    artifacts = await fetch(db, "SELECT * FROM artifacts")
    assert [(a["type"], a["s3_url"]) for a in artifacts] == [("report", "https://github.com/acme/app/pull/42")]


@pytest.mark.postgres
async def test_pg_mapped_snapshot_table(shadow_pg: str, tmp_path: Path) -> None:
    engine = create_async_engine(make_url(shadow_pg).set(drivername="postgresql+asyncpg"))
    try:
        async with engine.begin() as connection:
            await connection.execute(text('ALTER TABLE "PullRequestSnapshot" RENAME TO pull_request_snapshot'))
            await connection.execute(text('UPDATE "Task" SET "pullRequestNumber" = NULL'))
    finally:
        await engine.dispose()
    db = str(tmp_path / "h.db")
    await import_sources(db, [shadow_pg])
    artifacts = await fetch(db, "SELECT s3_url FROM artifacts")
    assert [a["s3_url"] for a in artifacts] == ["shadow-pr://acme/app@def456"]


@pytest.mark.postgres
async def test_pg_user_from_table(shadow_pg: str, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    await import_sources(db, [shadow_pg])
    users = await fetch(db, "SELECT * FROM users")
    assert [(u["user_id"], u["email"], u["display_name"]) for u in users] == [
        ("shadow-u1", "ada@example.com", "Ada Lovelace")
    ]


@pytest.mark.postgres
async def test_pg_second_import_unchanged(shadow_pg: str, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    await import_sources(db, [shadow_pg])
    again = await import_sources(db, [shadow_pg])
    assert again.unchanged == 4
    assert again.new + again.updated == 0


@pytest.mark.postgres
async def test_pg_source_not_written(shadow_pg: str, tmp_path: Path) -> None:
    before = await source_counts(shadow_pg)
    await import_sources(str(tmp_path / "h.db"), [shadow_pg])
    assert await source_counts(shadow_pg) == before


@pytest.mark.postgres
async def test_pg_source_engine_read_only(shadow_pg: str) -> None:
    engine = create_source_engine(source_url(shadow_pg))
    try:
        with pytest.raises(DBAPIError, match="read-only transaction"):
            async with engine.begin() as connection:
                await connection.execute(text("""UPDATE "Task" SET "title" = 'changed'"""))
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_pg_not_shadow_database(pg_database: str, tmp_path: Path) -> None:
    summary = await import_sources(str(tmp_path / "h.db"), [pg_database])
    assert summary.failed == 1
    assert "is not a Shadow database" in summary.failures[0].reason
