"""The `shadow-tui` group: a first argument that is not a command is the database to browse, or an unknown command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from shadow_tui.cli import main


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize(("typed", "command"), [("task", "tasks"), ("serch", "search"), ("stat", "stats")])
def test_command_typo_rejected(typed: str, command: str) -> None:
    code, output = invoke(typed, "--db", "history.db")
    assert code == 2
    assert f"no such command {typed!r}; did you mean {command!r}?" in output
    assert f"To open a database file named {typed!r}, pass ./{typed} or --db {typed}" in output


def test_existing_file_browsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "task").write_bytes(b"")
    code, output = invoke("task")
    assert code == 2
    assert "no such command" not in output
    assert "the browser needs a terminal" in output


def test_unknown_word_lists_commands() -> None:
    code, output = invoke("history")
    assert code == 2
    assert "no such command 'history'. The commands are: browse, db, demo, import, ingest," in output
    assert "To open a database file named 'history', pass ./history or --db history" in output
    assert "the browser needs a terminal" not in output


def test_word_or_path_first() -> None:
    # First argument, then the start of the expected error. A word with a path separator,
    # a suffix or a URL scheme names a database, so the browser starts (and needs a terminal).
    cases = [
        ("history", "no such command 'history'"),
        ("./history", "the browser needs a terminal"),
        ("history.db", "the browser needs a terminal"),
        ("sqlite:///history.db", "the browser needs a terminal"),
        ("--db=history", "the browser needs a terminal"),
    ]

    for argument, expected_error in cases:
        code, output = invoke(argument)

        assert code == 2, argument
        assert f"Error: {expected_error}" in output, argument


@pytest.mark.parametrize(("typed", "command_line"), [("export", "show TASK --output FILE"), ("ls", "tasks")])
def test_command_synonym_suggested(typed: str, command_line: str) -> None:
    code, output = invoke(typed)
    assert code == 2
    assert f"no such command {typed!r}; did you mean `shadow-tui {command_line}`?" in output
    assert f"pass ./{typed} or --db {typed}" in output


def test_two_databases_rejected() -> None:
    code, output = invoke("a.db", "--db", "b.db")
    assert code == 2
    assert "two databases given, 'a.db' and --db 'b.db': pass only one" in output
