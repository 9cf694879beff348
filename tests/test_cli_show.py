"""`shadow-tui show`: the five export formats, task lookup, --output and the JSON round trip."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from factories import NOW, make_session, write_sessions
from shadow_tui.cli import main
from shadow_tui.db.writer import CommandData, MessageData

HOSTILE_MESSAGE = (
    "Look: <script>alert(1)</script> and </pre><img src=x onerror=alert(1)>\n"
    "title \x1b]0;pwned\x07 clipboard \x1b]52;c;aGVsbG8=\x07 csi \x9b2J st \x9c dcs \x90q\x1b\\ osc8 \x9d8;;x\x9c\n"
    "bell \x07 and an open fence:\n```python\nprint('never closed')"
)
HOSTILE_OUTPUT = "\x1b[32mgreen-word\x1b[0m plain\n\x1b[2J\x1b[Hcleared \x1b]0;hidden-title\x07 \x9b31m eight-bit \x07 bell"
BACKTICK_OUTPUT = "before\n````\nfour backticks above, three below\n```\nafter"
SGR = re.compile(r"\x1b\[[0-9;]*m")
FORBIDDEN_IN_ANSI = ("\x1b", "\x07", "\x9b", "\x9c", "\x90", "\x9d")


def _build(database: str) -> None:
    plain = make_session(1, status="error", message="Fix the flaky test", output="FAILED test_app.py::test_x")
    hostile = make_session(2, message=HOSTILE_MESSAGE, output=HOSTILE_OUTPUT)
    hostile.messages.append(MessageData("task0002-m3", "agent", "Reply after the open fence.", NOW, 2))
    hostile.commands.append(
        CommandData("task0002-c4", "cat notes.md", BACKTICK_OUTPUT, NOW - timedelta(days=2) + timedelta(seconds=9),
                    exit_code=0, duration_seconds=0.25)
    )
    other = make_session(3)
    asyncio.run(write_sessions(database, [plain, hostile, other]))


@pytest.fixture
def database(tmp_path: Path) -> str:
    path = str(tmp_path / "show.db")
    _build(path)
    return path


def _show(database: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["show", "--db", database, *args])


def _fenced_blocks(markdown: str) -> list[tuple[str, str]]:
    """Return (info, content) of each backtick-fenced block, read as CommonMark reads them."""
    blocks: list[tuple[str, str]] = []
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        opening = re.match(r"^ {0,3}(`{3,})([^`]*)$", lines[index])
        if opening is None:
            index += 1
            continue
        fence = opening.group(1)
        end = index + 1
        while end < len(lines) and not re.fullmatch(rf" {{0,3}}`{{{len(fence)},}}\s*", lines[end]):
            end += 1
        blocks.append((opening.group(2).strip(), "\n".join(lines[index + 1 : end])))
        index = end + 1
    return blocks


def test_text_shows_every_part(database: str) -> None:
    result = _show(database, "task0001")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Task number 1" in text
    assert "error" in text
    assert "Fix the flaky test" in text
    assert "$ pytest -q" in text
    assert "exit 1" in text
    assert "exit status unknown" in text
    assert "FAILED test_app.py::test_x" in text
    assert "src/app.py" in text
    assert "+ b" in text
    assert "s3://bucket/task0001.log" in text
    assert "boom" in text


def test_unique_prefix_resolves(database: str) -> None:
    result = _show(database, "task0003", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["task"]["task_id"] == "task0003"


def test_ambiguous_prefix_lists_candidates(database: str) -> None:
    result = _show(database, "task000")
    assert result.exit_code == 2
    assert "ambiguous" in result.stderr
    for task_id in ("task0001", "task0002", "task0003"):
        assert task_id in result.stderr


def test_unknown_task_fails(database: str) -> None:
    result = _show(database, "nope")
    assert result.exit_code == 2
    assert "no task id starts with 'nope'" in result.stderr


def test_text_has_no_escape(database: str) -> None:
    result = _show(database, "task0002", "--format", "text")
    assert result.exit_code == 0, result.output
    for character in FORBIDDEN_IN_ANSI:
        assert character not in result.stdout, repr(character)
    # Outputs go through the terminal renderer, which drops OSC payloads.
    assert "hidden-title" not in result.stdout
    assert "green-word" in result.stdout


def test_ansi_keeps_only_sgr(database: str) -> None:
    result = _show(database, "task0002", "--format", "ansi")
    assert result.exit_code == 0, result.output
    without_sgr = SGR.sub("", result.stdout)
    for character in FORBIDDEN_IN_ANSI:
        assert character not in without_sgr, repr(character)
    assert "hidden-title" not in without_sgr


def test_ansi_keeps_output_colors(database: str) -> None:
    result = _show(database, "task0002", "--format", "ansi")
    assert re.search(r"\x1b\[32mgreen-word", result.stdout)


def test_markdown_fences_hold_backticks(database: str) -> None:
    result = _show(database, "task0002", "--format", "md")
    assert result.exit_code == 0, result.output
    blocks = _fenced_blocks(result.stdout)
    assert ("text", BACKTICK_OUTPUT) in blocks


def test_markdown_diff_block(database: str) -> None:
    result = _show(database, "task0001", "--format", "md")
    blocks = _fenced_blocks(result.stdout)
    assert ("diff", "@@ -1 +1 @@\n-a\n+b") in blocks


def test_markdown_closes_open_fence(database: str) -> None:
    markdown = _show(database, "task0002", "--format", "md").stdout
    inside = "\n".join(content for _info, content in _fenced_blocks(markdown))
    assert "print('never closed')" in inside
    assert "Reply after the open fence." not in inside
    assert "## Commands" not in inside


def test_markdown_neutralizes_html(database: str) -> None:
    markdown = _show(database, "task0002", "--format", "md").stdout
    assert "<script>" not in markdown
    assert "&lt;script>alert(1)&lt;/script>" in markdown
    assert "<img" not in markdown
    assert "\x1b" not in markdown


def test_json_is_complete(database: str) -> None:
    result = _show(database, "task0001", "--format", "json")
    document = json.loads(result.stdout)
    assert document["format"] == "shadow-tui/task"
    assert document["version"] == 1
    assert document["task"]["user"] == {
        "user_id": "u-alice", "email": "alice@example.com", "username": "alice", "display_name": "Alice",
    }
    assert [m["message_id"] for m in document["messages"]] == ["task0001-m1", "task0001-m2"]
    assert [c["exit_code"] for c in document["commands"]] == [1, 0, None]
    assert document["commands"][0]["output"] == "FAILED test_app.py::test_x"
    assert document["edits"][0]["diff"] == "@@ -1 +1 @@\n-a\n+b\n"
    assert document["artifacts"][0]["s3_url"] == "s3://bucket/task0001.log"


def test_json_escapes_controls(database: str) -> None:
    text = _show(database, "task0002", "--format", "json").stdout
    for character in FORBIDDEN_IN_ANSI:
        assert character not in text, repr(character)
    document = json.loads(text)
    assert document["messages"][0]["content"] == HOSTILE_MESSAGE


def _round_trip(source: str, target: str, task_id: str) -> tuple[dict, dict]:
    exported = _show(source, task_id, "--format", "json")
    assert exported.exit_code == 0, exported.output
    ingested = CliRunner().invoke(main, ["ingest", "--db", target], input=exported.stdout)
    assert ingested.exit_code == 0, ingested.output
    copied = _show(target, task_id, "--format", "json")
    assert copied.exit_code == 0, copied.output
    return json.loads(exported.stdout), json.loads(copied.stdout)


@pytest.mark.parametrize("task_id", ["task0001", "task0002", "task0003"])
def test_json_round_trip(database: str, database_url: str, task_id: str) -> None:
    original, copy = _round_trip(database, database_url, task_id)
    # ingest marks the tasks it writes as coming from it.
    assert copy["task"].pop("source") == "ingest"
    assert original["task"].pop("source") is None
    for key in ("messages", "commands", "edits", "artifacts"):
        assert copy[key] == original[key], key
    for name, value in original["task"].items():
        assert copy["task"][name] == value, name
    assert copy == original


def test_json_round_trip_usage_fields(tmp_path: Path) -> None:
    session = make_session(7)
    session.task.input_tokens = 1200
    session.task.output_tokens = 340
    session.task.cost_usd = 0.25
    source = str(tmp_path / "usage.db")
    asyncio.run(write_sessions(source, [session]))
    original, copy = _round_trip(source, str(tmp_path / "copy.db"), "task0007")
    assert copy["task"]["input_tokens"] == original["task"]["input_tokens"]
    assert copy["task"]["cost_usd"] == original["task"]["cost_usd"]


def test_output_writes_file(database: str, tmp_path: Path) -> None:
    target = tmp_path / "task.md"
    result = _show(database, "task0001", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"to {target}" in result.stderr
    assert target.read_text(encoding="utf-8").startswith("# Task number 1")


def test_output_suffix_picks_html(database: str, tmp_path: Path) -> None:
    target = tmp_path / "task.html"
    _show(database, "task0001", "-o", str(target))
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_format_overrides_suffix(database: str, tmp_path: Path) -> None:
    target = tmp_path / "task.html"
    _show(database, "task0001", "-o", str(target), "--format", "json")
    assert json.loads(target.read_text(encoding="utf-8"))["task"]["task_id"] == "task0001"


def test_output_rejects_directory(database: str, tmp_path: Path) -> None:
    result = _show(database, "task0001", "--output", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr
    assert tmp_path.is_dir()


def test_output_missing_folder(database: str, tmp_path: Path) -> None:
    result = _show(database, "task0001", "--output", str(tmp_path / "missing" / "task.md"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_markdown_demotes_headings() -> None:
    from shadow_tui.export.markdown import message_markdown

    converted = message_markdown("# Plan\n\n###### Deep\n```\n# not a heading\n```")
    assert converted.splitlines() == ["#### Plan", "", "###### Deep", "```", "# not a heading", "```"]
