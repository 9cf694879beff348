"""Codex importer and apply_patch conversion, checked against counts taken by hand (jq)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from unidiff import PatchSet

from shadow_tui.importers import import_sources
from shadow_tui.importers.codex import command_text, parse_file, parse_output
from shadow_tui.importers.patch import PatchFormatError, find_patch, parse_patch, patch_to_diffs

LONG = "codex/rollout-2025-09-24T19-22-20-01997e76-d124-7592-9cac-2ec05abbca08.jsonl"
SHORT = "codex/rollout-2025-09-25T15-12-14-019982b8-3422-79e0-8b3b-05abaf4f3c3e.jsonl"
LATER = datetime.now(timezone.utc) + timedelta(days=1)


def parse_one(path: Path, now: datetime = LATER) -> Any:
    [parsed] = parse_file(path, now=now)
    return parsed


# --- Corpus --------------------------------------------------------------------------------


def test_long_messages(corpus: Path) -> None:
    senders = Counter(m.sender for m in parse_one(corpus / LONG).session.messages)
    assert senders["user"] == 13
    assert senders["agent"] == 9


def test_long_commands(corpus: Path) -> None:
    # 120 shell calls, of which 27 apply_patch calls succeeded and became edits.
    commands = parse_one(corpus / LONG).session.commands
    assert len(commands) == 93


def test_long_exit_codes(corpus: Path) -> None:
    codes = Counter(c.exit_code for c in parse_one(corpus / LONG).session.commands)
    # JSON outputs: 81 exit 0 (108 minus the 27 patches), 3 exit 1, 5 exit 2;
    # plain outputs: two sandbox failures (exit codes 1 and 2) and two rejected patches.
    assert codes[0] == 81
    assert codes[1] == 4
    assert codes[2] == 6
    assert codes[None] == 2


def test_long_rejected_patches(corpus: Path) -> None:
    rejected = [c for c in parse_one(corpus / LONG).session.commands if c.output == "patch rejected by user"]
    assert len(rejected) == 2
    assert all(c.command_text.startswith("apply_patch <<'PATCH'\n*** Begin Patch\n") for c in rejected)


def test_long_edits(corpus: Path) -> None:
    edits = parse_one(corpus / LONG).session.edits
    assert len(edits) == 27
    for edit in edits:
        assert len(PatchSet(edit.diff)) == 1, edit.file_path


def test_long_added_file(corpus: Path) -> None:
    edits = parse_one(corpus / LONG).session.edits
    added = [e for e in edits if e.diff.startswith("--- /dev/null\n")]
    assert [e.file_path for e in added] == [
        "apps/spectora-labs/src/app/api/teams/[id]/route.ts",
        "apps/spectora-labs/src/app/(protected)/settings/teams/hooks/useTeamWithStats.ts",
    ]


def test_long_task_fields(corpus: Path) -> None:
    task = parse_one(corpus / LONG).session.task
    assert task.task_id == "codex-01997e76-d124-7592-9cac-2ec05abbca08"
    assert task.model_name == "gpt-5-codex"
    assert task.repo_url == "git@github.com:spectorasoftware/spectora-labs-monorepo-v2.git"
    assert task.branch == "fix/team-optimization-v2"
    assert task.input_tokens == 7494343
    assert task.output_tokens == 99678
    assert task.status == "completed"


def test_short_counts(corpus: Path) -> None:
    session = parse_one(corpus / SHORT).session
    assert Counter(m.sender for m in session.messages) == Counter({"user": 1, "agent": 1})
    assert len(session.commands) == 34
    assert all(c.exit_code == 0 for c in session.commands)
    assert session.edits == []


def test_short_task_fields(corpus: Path) -> None:
    task = parse_one(corpus / SHORT).session.task
    assert task.branch == "feat/add-prisma-v5"
    assert task.input_tokens == 536834
    assert task.output_tokens == 6654
    assert task.created_at == datetime(2025, 9, 25, 21, 12, 14, 114000, tzinfo=timezone.utc)
    assert task.title is not None
    assert task.title.startswith("Evaluate @packages/services and create a new package")


def test_short_command_text(corpus: Path) -> None:
    first = parse_one(corpus / SHORT).session.commands[0]
    assert first.command_text == "ls"
    assert first.duration_seconds == 0.0


async def test_corpus_second_import_unchanged(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    first = await import_sources(db, [str(corpus / "codex")])
    again = await import_sources(db, [str(corpus / "codex")])
    assert first.new == 2
    assert first.rows["file_edits"] == 27
    assert again.unchanged == 2


# --- Synthetic rollouts --------------------------------------------------------------------

PATCH = "*** Begin Patch\n*** Update File: src/a.py\n@@ def f():\n-    return 1\n+    return 2\n*** End Patch"


def line(kind: str, payload: dict[str, Any], second: int = 0) -> dict[str, Any]:
    return {"timestamp": f"2025-09-01T10:00:{second:02d}.000Z", "type": kind, "payload": payload}


def rollout(tmp_path: Path, items: list[dict[str, Any]]) -> Path:
    records = [
        line("session_meta", {"id": "sess-1", "timestamp": "2025-09-01T10:00:00Z", "cwd": "/w/app", "git": {}}),
        line("turn_context", {"cwd": "/w/app", "model": "gpt-5"}),
        *items,
    ]
    path = tmp_path / "rollout.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def shell_call(call_id: str, command: list[str]) -> dict[str, Any]:
    return line("response_item", {
        "type": "function_call", "name": "shell", "call_id": call_id,
        "arguments": json.dumps({"command": command, "workdir": "/w/app"}),
    })


def call_output(call_id: str, output: str, exit_code: int | None = 0) -> dict[str, Any]:
    text = json.dumps({"output": output, "metadata": {"exit_code": exit_code, "duration_seconds": 0.5}})
    return line("response_item", {"type": "function_call_output", "call_id": call_id, "output": text})


def test_argv_apply_patch(tmp_path: Path) -> None:
    path = rollout(tmp_path, [shell_call("c1", ["apply_patch", PATCH]), call_output("c1", "Success. Updated")])
    session = parse_one(path).session
    assert session.commands == []
    assert [e.file_path for e in session.edits] == ["src/a.py"]


def test_custom_tool_apply_patch(tmp_path: Path) -> None:
    path = rollout(tmp_path, [
        line("response_item", {"type": "custom_tool_call", "name": "apply_patch", "call_id": "c1", "input": PATCH}),
        line("response_item", {"type": "custom_tool_call_output", "call_id": "c1",
                               "output": json.dumps({"output": "Success.", "metadata": {"exit_code": 0}})}),
    ])
    [edit] = parse_one(path).session.edits
    assert edit.diff == "--- src/a.py\n+++ src/a.py\n@@ -1 +1 @@ def f():\n-    return 1\n+    return 2\n"


def test_failed_patch_is_command(tmp_path: Path) -> None:
    path = rollout(tmp_path, [
        shell_call("c1", ["bash", "-lc", f"apply_patch <<'EOF'\n{PATCH}\nEOF"]),
        call_output("c1", "error: hunk did not apply", exit_code=1),
    ])
    session = parse_one(path).session
    assert session.edits == []
    assert [(c.exit_code, c.output) for c in session.commands] == [(1, "error: hunk did not apply")]


def test_invalid_patch_reported(tmp_path: Path) -> None:
    bad = "*** Begin Patch\n*** Update File: a\n?? nonsense\n*** End Patch"
    path = rollout(tmp_path, [shell_call("c1", ["apply_patch", bad]), call_output("c1", "Success.")])
    parsed = parse_one(path)
    assert len(parsed.session.commands) == 1
    assert parsed.problems[0].line == 3
    assert "invalid patch" in parsed.problems[0].reason


def test_plain_output_exit_code() -> None:
    output = parse_output("failed in sandbox with execution error, exit code: 2, stdout: ")
    assert output.exit_code == 2
    assert output.text.startswith("failed in sandbox")


def test_plain_output_no_code() -> None:
    assert parse_output("Plan updated").exit_code is None


def test_command_text_forms() -> None:
    assert command_text(["bash", "-lc", "rg foo"]) == "rg foo"
    assert command_text(["git", "commit", "-m", "a b"]) == "git commit -m 'a b'"
    assert command_text("ls -la") == "ls -la"


def test_pending_call_while_running(tmp_path: Path) -> None:
    path = rollout(tmp_path, [shell_call("c1", ["bash", "-lc", "sleep 60"])])
    assert parse_one(path, now=datetime.now(timezone.utc)).session.commands == []


def test_error_event_status(tmp_path: Path) -> None:
    path = rollout(tmp_path, [
        line("event_msg", {"type": "user_message", "message": "go"}),
        line("event_msg", {"type": "error", "message": "stream disconnected"}),
    ])
    task = parse_one(path).session.task
    assert task.status == "error"
    assert task.error_message == "stream disconnected"


def test_user_message_kept_verbatim(tmp_path: Path) -> None:
    text = "# Context from my IDE setup:\n\n## My request for Codex:\nFix the login form\n"
    path = rollout(tmp_path, [line("event_msg", {"type": "user_message", "message": text})])
    session = parse_one(path).session
    assert session.messages[0].content == text
    assert session.task.title == "Fix the login form"


# --- apply_patch conversion ----------------------------------------------------------------


def test_patch_add_update_delete() -> None:
    patch = (
        "*** Begin Patch\n"
        "*** Add File: new.txt\n+hello\n+world\n"
        "*** Update File: old.txt\n*** Move to: moved.txt\n@@\n keep\n-gone\n+added\n"
        "*** Delete File: dead.txt\n"
        "*** End Patch\n"
    )
    diffs = dict(patch_to_diffs(patch))
    assert list(diffs) == ["new.txt", "moved.txt", "dead.txt"]
    assert diffs["new.txt"] == "--- /dev/null\n+++ new.txt\n@@ -0,0 +1,2 @@\n+hello\n+world\n"
    assert diffs["moved.txt"] == "--- old.txt\n+++ moved.txt\n@@ -1,2 +1,2 @@\n keep\n-gone\n+added\n"
    assert diffs["dead.txt"] == "--- dead.txt\n+++ /dev/null\n"


def test_patch_hunks_numbered_in_order() -> None:
    patch = "*** Begin Patch\n*** Update File: a\n@@\n x\n-y\n@@\n z\n+w\n*** End of File\n*** End Patch"
    [(_, diff)] = patch_to_diffs(patch)
    assert "@@ -1,2 +1 @@\n x\n-y\n@@ -3 +2,2 @@\n z\n+w\n" in diff
    assert len(PatchSet(diff)[0]) == 2


def test_patch_empty_line_is_context() -> None:
    [file_patch] = parse_patch("*** Begin Patch\n*** Update File: a\n@@\n x\n\n-y\n*** End Patch")
    assert file_patch.chunks[0].lines == [" x", " ", "-y"]


def test_patch_missing_end() -> None:
    with pytest.raises(PatchFormatError, match="missing"):
        parse_patch("*** Begin Patch\n*** Add File: a\n+x\n")


def test_patch_not_a_patch() -> None:
    with pytest.raises(PatchFormatError, match="line 1"):
        parse_patch("diff --git a/x b/x\n")


def test_find_patch_in_heredoc() -> None:
    script = f"cd app && apply_patch <<'EOF'\n{PATCH}\nEOF\n"
    assert find_patch(script) == PATCH
