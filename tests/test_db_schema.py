"""Schema DDL, versions, and opening databases that are missing or not ours."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from shadow_tui.cli import main
from shadow_tui.db.access import open_reader, open_writer
from shadow_tui.db.schema import head_version, schema_ddl
from shadow_tui.errors import DatabaseError, DatabaseNotFoundError, SchemaVersionError

TABLE_NAMES = ("users", "tasks", "chat_messages", "task_commands", "file_edits", "artifacts")


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_schema_ddl_has_every_table(dialect: str) -> None:
    ddl = schema_ddl(dialect)
    for name in TABLE_NAMES:
        assert f"CREATE TABLE {name} (" in ddl
    assert ddl.count("ON DELETE CASCADE") == 5
    for index in ("ix_tasks_user_id", "ix_tasks_created_at", "ix_tasks_status_created_at",
                  "ix_tasks_repo_url_created_at", "ix_chat_messages_task_id_created_at",
                  "ix_task_commands_task_id_created_at", "ix_file_edits_task_id_created_at",
                  "ix_artifacts_task_id_created_at"):
        assert f"CREATE INDEX {index}" in ddl


def test_schema_ddl_sqlite_full_text() -> None:
    ddl = schema_ddl("sqlite")
    assert "CREATE VIRTUAL TABLE chat_messages_fts USING fts5(content, content='chat_messages'" in ddl
    assert "CREATE VIRTUAL TABLE task_commands_fts USING fts5(command_text, output" in ddl
    assert "CREATE VIRTUAL TABLE file_edits_fts USING fts5(file_path, diff" in ddl
    assert "CREATE TRIGGER chat_messages_fts_insert AFTER INSERT" in ddl
    assert "CREATE TRIGGER file_edits_fts_delete AFTER DELETE" in ddl


def test_schema_ddl_postgresql_full_text() -> None:
    ddl = schema_ddl("postgresql")
    assert ddl.count("search_vector tsvector GENERATED ALWAYS") == 3
    assert ddl.count("USING gin (search_vector)") == 3


def test_schema_command_prints_both_dialects() -> None:
    runner = CliRunner()
    for dialect in ("sqlite", "postgresql"):
        result = runner.invoke(main, ["schema", "--dialect", dialect])
        assert result.exit_code == 0, result.output
        assert "CREATE TABLE artifacts" in result.output


def test_schema_ddl_runs_on_sqlite(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "ddl.db")
    connection.executescript(schema_ddl("sqlite"))
    names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    connection.close()
    assert set(TABLE_NAMES) <= names


async def test_writer_creates_schema(database_url: str) -> None:
    async with open_writer(database_url) as (_target, engine):
        async with engine.connect() as connection:
            version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    assert int(version) == head_version()
    async with open_reader(database_url) as (_target, _engine):
        pass


async def _set_version(database: str, version: str) -> None:
    async with open_writer(database) as (_target, engine):
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": version})


async def test_older_schema_names_upgrade_command(database_url: str) -> None:
    await _set_version(database_url, "0000")
    with pytest.raises(SchemaVersionError) as caught:
        async with open_reader(database_url):
            pass
    assert "shadow-tui db upgrade --db" in str(caught.value)


async def test_newer_schema_names_both_versions(database_url: str) -> None:
    await _set_version(database_url, "9999")
    with pytest.raises(SchemaVersionError) as caught:
        async with open_reader(database_url):
            pass
    message = str(caught.value)
    assert "9999" in message
    assert f"version {head_version()}" in message


async def test_missing_path_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "absent" / "x.db"
    with pytest.raises(DatabaseNotFoundError) as caught:
        async with open_reader(str(missing)):
            pass
    assert str(missing) in str(caught.value)
    assert not missing.parent.exists()


def test_tasks_command_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent" / "x.db"
    result = CliRunner().invoke(main, ["tasks", "--db", str(missing)])
    assert result.exit_code != 0
    assert str(missing) in result.output
    assert not missing.parent.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "empty"), (b"hello, this is not a database at all", "not a SQLite database")],
)
async def test_not_a_database_file(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseError) as caught:
        async with open_reader(str(path)):
            pass
    assert expected in str(caught.value)
    assert path.read_bytes() == content


async def test_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError) as caught:
        async with open_reader(str(tmp_path)):
            pass
    assert "folder" in str(caught.value)


async def test_foreign_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE notes (x)").connection.close()
    with pytest.raises(DatabaseError) as caught:
        async with open_reader(str(path)):
            pass
    assert "not a shadow-tui database" in str(caught.value)
    assert f"Check that it is the right database, or run `shadow-tui db upgrade --db {path}`" in str(caught.value)


async def test_reader_cannot_write(database_url: str) -> None:
    async with open_writer(database_url):
        pass
    async with open_reader(database_url) as (_target, engine):
        with pytest.raises(Exception) as caught:
            async with engine.begin() as connection:
                await connection.execute(
                    text("INSERT INTO users (user_id, created_at) VALUES ('x', '2026-01-01 00:00:00')")
                )
    assert "read" in str(caught.value).lower()


def test_upgrade_command_on_new_file(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    runner = CliRunner()
    first = runner.invoke(main, ["db", "upgrade", "--db", str(path)])
    second = runner.invoke(main, ["db", "upgrade", "--db", str(path)])
    assert first.exit_code == 0, first.output
    assert f"created schema version {head_version()}" in first.output
    assert "nothing to do" in second.output


def test_password_not_in_error() -> None:
    result = CliRunner().invoke(
        main, ["tasks", "--db", "postgresql://alice:s3cr3t-pw@127.0.0.1:1/nothing"]
    )
    assert result.exit_code != 0
    assert "s3cr3t-pw" not in result.output
    assert "127.0.0.1" in result.output


# A Claude Code session of one user message, as `shadow-tui import` reads it.
CLAUDE_CODE_SESSION = {
    "type": "user", "uuid": "u1", "sessionId": "empty-db-session", "timestamp": "2025-09-01T10:00:00Z",
    "cwd": "/work/app", "gitBranch": "main", "isSidechain": False,
    "message": {"role": "user", "content": "Set up the database"},
}


@pytest.fixture(params=["sqlite-zero-bytes", "sqlite-no-tables", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database without tables: a 0-byte file, a SQLite file with a header only, or a new PostgreSQL database."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_database"))
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    if request.param == "sqlite-no-tables":
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA user_version = 1")
        connection.commit()
        connection.close()
        assert path.stat().st_size > 0
    return str(path)


@pytest.mark.parametrize("setup", ["db upgrade", "import"])
def test_empty_database_advice_works(empty_database: str, setup: str, tmp_path: Path) -> None:
    runner = CliRunner()
    advice = (
        f"Run `shadow-tui db upgrade --db {empty_database}` to create the schema, "
        f"or `shadow-tui import --db {empty_database} SOURCE` to import sessions into it"
    )
    for command in (["tasks"], ["search", "anything"], ["stats"]):
        before = runner.invoke(main, [*command, "--db", empty_database])
        assert before.exit_code == 2, (command, before.output)
        assert advice in before.stderr, command

    if setup == "db upgrade":
        setup_args = ["db", "upgrade", "--db", empty_database]
        expected_ids: list[str] = []
    else:
        source = tmp_path / "session.jsonl"
        source.write_text(json.dumps(CLAUDE_CODE_SESSION) + "\n", encoding="utf-8")
        # An old modification time, so the importer treats the session as finished.
        os.utime(source, (1_700_000_000, 1_700_000_000))
        setup_args = ["import", "--db", empty_database, str(source)]
        expected_ids = ["cc-empty-db-session"]
    done = runner.invoke(main, setup_args)
    assert done.exit_code == 0, done.output

    after = runner.invoke(main, ["tasks", "--db", empty_database, "--format", "json"])
    assert after.exit_code == 0, after.output
    assert [task["task_id"] for task in json.loads(after.stdout)] == expected_ids
