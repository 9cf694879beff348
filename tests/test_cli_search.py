"""`shadow-tui search`: grep-like lines, kinds, filters, JSON, highlighting and exit statuses."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from factories import BOB, make_session, write_sessions
from shadow_tui.cli import main

HOSTILE_OUTPUT = "build log \x1b]0;hidden-title\x07 needle-word \x9b2J \x07 end"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("search") / "search.db")
    sessions = [
        make_session(1, status="error", message="Please fix the parser", output="Traceback: ZeroDivisionError in parser"),
        make_session(2, message="Add a changelog entry", output="collected 12 items, all passed", user=BOB),
        make_session(3, message="Deploy it", output=HOSTILE_OUTPUT, diff="@@ -1 +1 @@\n-old_value\n+quokka_value\n"),
    ]
    asyncio.run(write_sessions(path, sessions))
    return path


def _search(database: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["search", "--db", database, *args])


def test_search_output_word(database: str) -> None:
    result = _search(database, "ZeroDivisionError")
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    assert line.startswith("task0001")
    assert "output" in line
    assert "2026-11-29" in line
    assert "ZeroDivisionError" in line


def test_search_no_match_exit_one(database: str) -> None:
    result = _search(database, "xylophonequartz")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "no matches for 'xylophonequartz'\n"


def test_search_json_no_match(database: str) -> None:
    result = _search(database, "xylophonequartz", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert result.stderr == "no matches for 'xylophonequartz'\n"


def test_search_filtered_no_match(database: str) -> None:
    result = _search(database, "passed", "--query", "user:alice")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "no matches for 'passed'\n"


def test_search_kind_filters(database: str) -> None:
    result = _search(database, "parser", "--kind", "message", "--format", "json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert [hit["kind"] for hit in hits] == ["message"]
    assert hits[0]["task_id"] == "task0001"


def test_search_kind_excludes(database: str) -> None:
    result = _search(database, "quokka", "--kind", "message,output")
    assert result.exit_code == 1


def test_search_diff_kind(database: str) -> None:
    result = _search(database, "quokka", "--kind", "diff", "--format", "json")
    hits = json.loads(result.stdout)
    assert [(hit["task_id"], hit["kind"]) for hit in hits] == [("task0003", "diff")]


def test_search_invalid_kind(database: str) -> None:
    result = _search(database, "parser", "--kind", "messages")
    assert result.exit_code == 2
    assert "invalid kind 'messages'" in result.stderr


def test_search_empty_kind(database: str) -> None:
    result = _search(database, "parser", "--kind", " , ")
    assert result.exit_code == 2
    assert "missing kind" in result.stderr


@pytest.mark.parametrize("query", ["", "   "])
def test_search_blank_text(database: str, query: str) -> None:
    result = _search(database, query)
    assert result.exit_code == 2
    assert "the search text is empty" in result.stderr


def test_search_task_filter(database: str) -> None:
    everywhere = json.loads(_search(database, "passed", "--format", "json").stdout)
    filtered = _search(database, "passed", "--query", "user:alice", "--format", "json")
    assert {hit["task_id"] for hit in everywhere} == {"task0002"}
    assert filtered.exit_code == 1


def test_search_invalid_filter(database: str) -> None:
    result = _search(database, "parser", "--query", "colour:red")
    assert result.exit_code == 2
    assert "unknown filter field 'colour'" in result.stderr


def test_search_limit(database: str) -> None:
    unlimited = _search(database, "Done", "--kind", "message")
    limited = _search(database, "Done", "--kind", "message", "--limit", "1")
    assert len(unlimited.stdout.splitlines()) == 3
    assert len(limited.stdout.splitlines()) == 1


@pytest.mark.parametrize("engine", ["sqlite3", "sqlalchemy"])
def test_search_limit_cut_noted(database: str, engine: str) -> None:
    # A plain path is searched through sqlite3, a sqlite:/// URL through the SQLAlchemy engine.
    target = database if engine == "sqlite3" else f"sqlite:///{database}"
    # --limit, then the expected stderr: "Done" occurs in the messages of all 3 tasks.
    cases = [
        ("1", "showing the best 1 hit; --limit N shows more\n"),
        ("2", "showing the best 2 hits; --limit N shows more\n"),
        ("3", ""),
        ("4", ""),
    ]

    for limit, expected_stderr in cases:
        result = _search(target, "Done", "--kind", "message", "--limit", limit, "--format", "json")

        assert result.exit_code == 0, result.output
        assert len(json.loads(result.stdout)) == min(int(limit), 3), limit
        assert result.stderr == expected_stderr, limit


def test_search_json_offsets(database: str) -> None:
    [hit] = json.loads(_search(database, "ZeroDivisionError", "--format", "json").stdout)
    start, end = hit["offsets"][0]
    assert hit["snippet"][start:end] == "ZeroDivisionError"
    assert hit["item_id"] == "task0001-c1"


def test_search_plain_on_pipe(database: str) -> None:
    result = _search(database, "ZeroDivisionError")
    assert "\x1b" not in result.stdout


def test_search_highlight_forced(database: str) -> None:
    result = _search(database, "ZeroDivisionError", "--color", "always")
    assert "\x1b[1;7mZeroDivisionError\x1b[0m" in result.stdout


def test_search_snippet_sanitized(database: str) -> None:
    result = _search(database, "needle", "--color", "always")
    assert result.exit_code == 0, result.output
    without_sgr = result.stdout
    for sequence in ("\x1b[1;7m", "\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[33m"):
        without_sgr = without_sgr.replace(sequence, "")
    for character in ("\x1b", "\x07", "\x9b"):
        assert character not in without_sgr, repr(character)
    assert "needle" in without_sgr
    assert "hidden-title" not in without_sgr


def test_search_missing_database(tmp_path: Path) -> None:
    result = _search(str(tmp_path / "missing.db"), "anything")
    assert result.exit_code == 2
    assert "missing.db" in result.stderr


def test_search_sqlite_url_same_hits(database: str) -> None:
    # A sqlite:/// URL goes through the SQLAlchemy engine, a plain path through sqlite3.
    plain = _search(database, "parser", "--format", "json")
    url = _search(f"sqlite:///{database}", "parser", "--format", "json")
    assert plain.exit_code == 0, plain.output
    assert json.loads(url.stdout) == json.loads(plain.stdout)


def test_search_not_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("plain text, not a database", encoding="utf-8")
    result = _search(str(path), "anything")
    assert result.exit_code == 2
    assert f"not a SQLite database: {path}" in result.stderr


def test_search_old_schema_names_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    asyncio.run(write_sessions(str(path), [make_session(1, message="old schema words")]))
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '0000'")
    connection.commit()
    connection.close()
    result = _search(str(path), "words")
    assert result.exit_code == 2
    assert "shadow-tui db upgrade" in result.stderr


def test_search_damaged_index_reported(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    asyncio.run(write_sessions(str(path), [make_session(1, message="damaged index words")]))
    connection = sqlite3.connect(path)
    connection.execute("DROP TABLE chat_messages_fts")
    connection.commit()
    connection.close()
    result = _search(str(path), "words")
    assert result.exit_code == 2
    assert "chat_messages_fts" in result.stderr
