"""The `shadow-tui` group: a first argument that is not a command is the database to browse."""

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


def test_existing_file_browsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "task").write_bytes(b"")
    code, output = invoke("task")
    assert code == 2
    assert "no such command" not in output
    assert "the browser needs a terminal" in output


def test_word_far_from_commands_browsed() -> None:
    code, output = invoke("history")
    assert code == 2
    assert "no such command" not in output
    assert "the browser needs a terminal" in output


def test_two_databases_rejected() -> None:
    code, output = invoke("a.db", "--db", "b.db")
    assert code == 2
    assert "two databases given, 'a.db' and --db 'b.db': pass only one" in output
