"""Inputs that break naive importers, imported end to end."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from shadow_tui.db.access import open_reader
from shadow_tui.importers import import_sources
from shadow_tui.importers.base import parse_jsonl

IMAGE_BYTES = 2 * 1024 * 1024


async def fetch(db: str, sql: str) -> list[dict[str, Any]]:
    async with open_reader(db) as (_target, engine):
        async with engine.connect() as connection:
            return [dict(row) for row in (await connection.execute(text(sql))).mappings()]


def record(kind: str, uuid: str, content: Any, *, message_id: str | None = None, **extra: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"role": kind, "content": content}
    if message_id is not None:
        message.update(id=message_id, model="claude-sonnet-4")
    return {
        "type": kind, "uuid": uuid, "sessionId": "edge", "timestamp": "2025-09-01T10:00:00Z",
        "cwd": "/w", "isSidechain": False, "message": message, **extra,
    }


def write_session(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    old = time.time() - 3600
    os.utime(path, (old, old))
    return path


def dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False)


async def test_string_content_message(tmp_path: Path) -> None:
    source = write_session(tmp_path / "s.jsonl", [
        dumps(record("user", "u1", "start")),
        dumps(record("user", "u2", "yes continue")),
    ])
    db = str(tmp_path / "h.db")
    await import_sources(db, [str(source)])
    messages = await fetch(db, "SELECT sender, content FROM chat_messages ORDER BY sequence")
    assert messages == [{"sender": "user", "content": "start"}, {"sender": "user", "content": "yes continue"}]


async def test_image_in_tool_result(tmp_path: Path) -> None:
    image = base64.b64encode(os.urandom(IMAGE_BYTES)).decode("ascii")
    result_part = {
        "type": "tool_result", "tool_use_id": "t1", "is_error": False,
        "content": [
            {"type": "text", "text": "Screenshot taken"},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": image}},
        ],
    }
    source = write_session(tmp_path / "s.jsonl", [
        dumps(record("user", "u1", "take a screenshot")),
        dumps(record("assistant", "a1", [{"type": "tool_use", "id": "t1", "name": "Bash",
                                          "input": {"command": "screenshot"}}], message_id="m1")),
        dumps(record("user", "u2", [result_part])),
    ])
    db = tmp_path / "h.db"
    await import_sources(str(db), [str(source)])

    [command] = await fetch(str(db), "SELECT output FROM task_commands")
    assert command["output"] == f"Screenshot taken\n[image: image/png;{IMAGE_BYTES} bytes]"
    artifacts = await fetch(str(db), "SELECT type, s3_url FROM artifacts")
    assert artifacts == [{"type": "other", "s3_url": f"inline-image:image/png;{IMAGE_BYTES} bytes"}]
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("h.db*"))
    assert image[1000:1100].encode("ascii") not in stored


async def test_lone_surrogate_replaced(tmp_path: Path, database_url: str) -> None:
    # Written by hand: json.dumps would escape the backslash instead.
    line = ('{"type": "user", "uuid": "u1", "sessionId": "sur", "timestamp": "2025-09-01T10:00:00Z", '
            '"message": {"role": "user", "content": [{"type": "text", "text": "cut emoji \\ud83d here"}]}}')
    source = write_session(tmp_path / "s.jsonl", [line])
    summary = await import_sources(database_url, [str(source)])
    assert summary.failed == 0
    messages = await fetch(database_url, "SELECT content FROM chat_messages")
    assert messages == [{"content": "cut emoji \ufffd here"}]


async def test_line_separators_in_strings(tmp_path: Path) -> None:
    text_value = "one\u2028two\u2029three\u0085four"
    line = dumps(record("user", "u1", text_value))
    assert len(line.splitlines()) == 4
    source = write_session(tmp_path / "s.jsonl", [line, dumps(record("user", "u2", "next"))])
    db = str(tmp_path / "h.db")
    summary = await import_sources(db, [str(source)])
    assert summary.warnings == []
    messages = await fetch(db, "SELECT content FROM chat_messages ORDER BY sequence")
    assert [m["content"] for m in messages] == [text_value, "next"]


def test_parse_jsonl_separators() -> None:
    data = dumps({"a": "x\u2028y"}).encode() + b"\n" + dumps({"b": 1}).encode() + b"\n"
    records, problems = parse_jsonl(data, "f.jsonl")
    assert [r.line for r in records] == [1, 2]
    assert problems == []


async def test_message_split_over_lines(tmp_path: Path) -> None:
    source = write_session(tmp_path / "s.jsonl", [
        dumps(record("user", "u1", "list files")),
        dumps(record("assistant", "a1", [{"type": "thinking", "thinking": "The user wants ls."}], message_id="m1")),
        dumps(record("assistant", "a2", [{"type": "text", "text": "Listing the files."}], message_id="m1")),
        dumps(record("assistant", "a3", [{"type": "tool_use", "id": "t1", "name": "Bash",
                                          "input": {"command": "ls"}}], message_id="m1")),
        dumps(record("user", "u2", [{"type": "tool_result", "tool_use_id": "t1", "content": "a.txt"}])),
    ])
    db = str(tmp_path / "h.db")
    await import_sources(db, [str(source)])
    agent = await fetch(db, "SELECT content FROM chat_messages WHERE sender = 'agent'")
    assert agent == [{"content": "Listing the files."}]
    commands = await fetch(db, "SELECT command_text, output, exit_code FROM task_commands")
    assert commands == [{"command_text": "ls", "output": "a.txt", "exit_code": 0}]


async def test_cut_last_line(tmp_path: Path) -> None:
    whole = dumps(record("user", "u3", "third message"))
    source = tmp_path / "s.jsonl"
    source.write_text(
        dumps(record("user", "u1", "first")) + "\n" + dumps(record("user", "u2", "second")) + "\n" + whole[:40],
        encoding="utf-8",
    )
    db = str(tmp_path / "h.db")
    summary = await import_sources(db, [str(source)])
    assert summary.new == 1
    assert [(w.line, w.reason.split(" (")[0]) for w in summary.warnings] == [
        (3, "incomplete record at the end of the file")
    ]
    messages = await fetch(db, "SELECT content FROM chat_messages ORDER BY sequence")
    assert [m["content"] for m in messages] == ["first", "second"]


async def test_malformed_middle_line(tmp_path: Path) -> None:
    source = write_session(tmp_path / "s.jsonl", [
        dumps(record("user", "u1", "first")),
        '{"type": "user", oops}',
        dumps(record("user", "u3", "third")),
    ])
    db = str(tmp_path / "h.db")
    summary = await import_sources(db, [str(source)])
    [warning] = summary.warnings
    assert str(warning).startswith(f"{source}:2: invalid JSON")
    messages = await fetch(db, "SELECT content FROM chat_messages ORDER BY sequence")
    assert [m["content"] for m in messages] == ["first", "third"]


def test_invalid_utf8_repaired() -> None:
    data = b'{"a": "caf\xe9"}\n'
    records, problems = parse_jsonl(data, "f.jsonl")
    assert records[0].value == {"a": "caf\ufffd"}
    assert problems[0].line == 1
    assert problems[0].reason.startswith("invalid UTF-8")


def test_non_object_record() -> None:
    records, problems = parse_jsonl(b'[1, 2]\n{"a": 1}\n', "f.jsonl")
    assert [r.line for r in records] == [2]
    assert str(problems[0]) == "f.jsonl:1: expected a JSON object, got list"
