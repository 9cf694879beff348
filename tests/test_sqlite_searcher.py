"""A kept sqlite3 connection for repeated searches, and reading the start of long values."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from factories import make_session, write_sessions
from shadow_tui.queries import sqlite_searcher
from shadow_tui.queries.hit_rows_sqlite import read_text_start
from shadow_tui.queries.sqlite_searcher import SqliteSearcher


@pytest.fixture()
def database(tmp_path: Path) -> Path:
    path = tmp_path / "search.db"
    sessions = [make_session(1, message="zebra crossing"), make_session(2, output="zebra stripes")]
    asyncio.run(write_sessions(str(path), sessions))
    return path


def test_searches_share_one_connection(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[sqlite3.Connection | None] = []
    original = sqlite_searcher.open_current_sqlite

    def counting_open(value: Path) -> sqlite3.Connection | None:
        opened.append(original(value))
        return opened[-1]

    monkeypatch.setattr(sqlite_searcher, "open_current_sqlite", counting_open)
    searcher = SqliteSearcher(database)
    first = searcher.search("zebra")
    second = searcher.search("stripes")
    assert first is not None and {hit.task_id for hit in first} == {"task0001", "task0002"}
    assert second is not None and [hit.task_id for hit in second] == ["task0002"]
    assert len(opened) == 1
    searcher.close()
    assert searcher.search("zebra") is None
    assert len(opened) == 1


def test_other_files_go_to_the_engine(tmp_path: Path) -> None:
    assert SqliteSearcher(tmp_path / "missing.db").search("zebra") is None
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).close()
    assert SqliteSearcher(plain).search("zebra") is None


def test_failed_statement_goes_to_the_engine(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def failing_search(_connection: sqlite3.Connection, query: str, **_options: object) -> list[object]:
        calls.append(query)
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(sqlite_searcher, "search_sqlite", failing_search)
    searcher = SqliteSearcher(database)
    assert searcher.search("zebra") is None
    assert searcher.search("zebra") is None
    assert calls == ["zebra"]


@pytest.mark.parametrize("text", ["plain ascii " * 40, "é" * 300, "漢字" * 200, "a😀" * 150, "x"])
def test_text_start_matches_substr(tmp_path: Path, text: str) -> None:
    connection = sqlite3.connect(tmp_path / "blob.db")
    connection.execute("CREATE TABLE t (value TEXT)")
    connection.execute("INSERT INTO t (value) VALUES (?)", (text,))
    for chars in (1, 7, 100, 299, 300, 301, 10_000):
        expected = connection.execute("SELECT substr(value, 1, ?) FROM t", (chars,)).fetchone()[0]
        assert read_text_start(connection, "t", "value", 1, chars) == expected, chars
    connection.close()


def test_text_start_replaces_invalid_utf8(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "blob.db")
    connection.execute("CREATE TABLE t (value TEXT)")
    connection.execute("INSERT INTO t (value) VALUES (CAST(? AS TEXT))", (b"ok \xff done",))
    assert read_text_start(connection, "t", "value", 1, 100) == "ok \ufffd done"
    connection.close()
