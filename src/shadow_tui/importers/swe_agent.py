"""SWE-agent trajectory files (`*.traj`): one JSON object per run.

The file records no session id, so the task id is `swe-<file stem>-<hash
of the file's absolute path>`. What becomes what:

- The first `history` entry with role user that is not a demonstration
  (`is_demo`, or text that starts with SWE-agent's demonstration preamble)
  is the task statement and becomes the user message. Later user and tool
  entries are observations: they are the outputs of the steps' commands,
  so they are not stored as messages.
- Each history entry with role assistant becomes an agent message.
- Each trajectory step with an action becomes a command, with the step's
  observation as output. Steps record no exit status, so the exit code is
  unknown (None).
- `info.submission`, the final unified diff, becomes one file edit per file.
- Cost and tokens come from `info.model_stats` (instance_cost, tokens_sent,
  tokens_received).

Status: completed when `info.exit_status` starts with "submitted", which
includes autosubmissions such as "submitted (exit_cost)". Any other exit
status, or none, is an error whose message names it. A file without an
exit status that changed in the last 10 minutes is running.

The file has no timestamps. The task's created_at is the file's
modification time, and rows are spaced one second apart in the order of
the run: the task statement, then each reply of the model followed by the
command of its step, then the submission's file edits.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from shadow_tui.db.models import Sender, TaskStatus
from shadow_tui.db.writer import CommandData, EditData, MessageData, SessionData, TaskData
from shadow_tui.importers.base import (
    ImportProblem, ImportSourceError, ParsedSession, file_mtime, is_recently_modified,
    json_float, local_user, path_key, read_json_document, shorten_title,
)

logger = logging.getLogger(__name__)

FORMAT = "swe-agent"
ROW_SPACING = timedelta(seconds=1)
_DEMO_PREAMBLE = "Here is a demonstration of how to correctly accomplish this task."
_ISSUE_MARKER = "ISSUE:\n"
_DIFF_FILE = re.compile(r"^diff --git a/(?P<old>.+?) b/(?P<new>.+)$", re.MULTILINE)


def parse_file(path: Path, *, now: datetime | None = None) -> list[ParsedSession]:
    """Read one trajectory file. Raises ImportSourceError when it is not a trajectory."""
    document = read_json_document(path)
    if not isinstance(document, dict) or not isinstance(document.get("trajectory"), list):
        raise ImportSourceError(f"{path} is not a SWE-agent trajectory: it has no 'trajectory' list")
    problems: list[ImportProblem] = []
    task_id = f"swe-{path.stem}-{path_key(path)}"
    created_at = file_mtime(path)
    clock = _Clock(created_at)

    # Rows get times in the order of the session: the problem statement,
    # then each reply of the model followed by the command of its step.
    # SWE-agent's history has one reply per trajectory step (12 and 12 in the
    # trajectory that the tests import), and neither has a time.
    statement: tuple[int, str] | None = None
    replies: list[tuple[int, str]] = []
    history = document.get("history") if isinstance(document.get("history"), list) else []
    for index, entry in enumerate(history):
        if not isinstance(entry, dict):
            continue
        role = entry.get("role")
        text = _content_text(entry.get("content"))
        if role == "user" and statement is None and not _is_demo(entry, text):
            statement = (index, text)
        elif role == "assistant" and text.strip():
            replies.append((index, text))

    steps: list[tuple[int, dict[str, Any]]] = []
    for index, step in enumerate(document["trajectory"]):
        if not isinstance(step, dict):
            problems.append(ImportProblem(str(path), None, f"trajectory step {index} is not an object; skipped"))
            continue
        action = step.get("action")
        if isinstance(action, str) and action.strip():
            steps.append((index, step))

    messages: list[MessageData] = []
    commands: list[CommandData] = []

    def add_message(sender: str, index: int, text: str) -> None:
        messages.append(MessageData(f"{task_id}-h{index}", sender, text, clock.next(), len(messages)))

    if statement is not None:
        add_message(Sender.USER.value, *statement)
    for turn in range(max(len(replies), len(steps))):
        if turn < len(replies):
            add_message(Sender.AGENT.value, *replies[turn])
        if turn < len(steps):
            index, step = steps[turn]
            commands.append(CommandData(
                f"{task_id}-s{index}",
                step["action"].rstrip("\n"),
                _content_text(step.get("observation")),
                clock.next(),
                exit_code=None,
                duration_seconds=json_float(step.get("execution_time")),
            ))

    info = document.get("info") if isinstance(document.get("info"), dict) else {}
    edits = [
        EditData(f"{task_id}-patch-{index}", file_path, diff, clock.next())
        for index, (file_path, diff) in enumerate(split_git_diff(info.get("submission")))
    ]

    # SWE-agent's exit status stays null until the step that ends the run, so a file with one is finished.
    running = info.get("exit_status") is None and is_recently_modified(path, now)
    status, error_message = _status(info, running)
    stats = info.get("model_stats") if isinstance(info.get("model_stats"), dict) else {}
    statement = next((m.content for m in messages if m.sender == Sender.USER.value), None)
    task = TaskData(
        task_id=task_id,
        user=local_user(),
        created_at=created_at,
        status=status,
        repo_url=_repo(document),
        model_name=_model(info, document),
        started_at=created_at,
        completed_at=None if running else clock.last,
        error_message=error_message,
        title=title_from_statement(statement),
        source=FORMAT,
        source_ref=str(path),
        input_tokens=_int(stats.get("tokens_sent")),
        output_tokens=_int(stats.get("tokens_received")),
        cost_usd=json_float(stats.get("instance_cost", stats.get("total_cost"))),
    )
    return [ParsedSession(SessionData(task, messages, commands, edits), problems)]


class _Clock:
    """Timestamps for rows that have none: one ROW_SPACING apart from a start."""

    def __init__(self, start: datetime) -> None:
        self.last = start

    def next(self) -> datetime:
        self.last = self.last + ROW_SPACING
        return self.last


def split_git_diff(diff: Any) -> list[tuple[str, str]]:
    """Split a git diff into (path, diff) pairs, one per `diff --git` section."""
    if not isinstance(diff, str) or not diff.strip():
        return []
    starts = [match.start() for match in _DIFF_FILE.finditer(diff)]
    if not starts:
        path_match = re.search(r"^\+\+\+ (?:b/)?(.+)$", diff, re.MULTILINE)
        return [(path_match.group(1).strip() if path_match else "(unknown file)", diff)]
    pieces: list[tuple[str, str]] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(diff)
        section = diff[start:end]
        match = _DIFF_FILE.match(section)
        assert match is not None
        pieces.append((match.group("new"), section if section.endswith("\n") else section + "\n"))
    return pieces


def title_from_statement(statement: str | None) -> str | None:
    """Return a title from the task statement: the first line after `ISSUE:`, where present."""
    if not statement:
        return None
    if _ISSUE_MARKER in statement:
        statement = statement.split(_ISSUE_MARKER, 1)[1].strip().split("\n", 1)[0]
    return shorten_title(statement)


def _is_demo(entry: dict[str, Any], text: str) -> bool:
    return bool(entry.get("is_demo")) or text.lstrip().startswith(_DEMO_PREAMBLE)


def _content_text(content: Any) -> str:
    """Return the text of a history entry's content: a string or a list of text parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(part.get("text", "")) for part in content if isinstance(part, dict) and part.get("type") == "text"
        )
    return "" if content is None else json.dumps(content)


def _status(info: dict[str, Any], running: bool) -> tuple[str, str | None]:
    if running:
        return TaskStatus.RUNNING.value, None
    exit_status = info.get("exit_status")
    if isinstance(exit_status, str) and exit_status.startswith("submitted"):
        return TaskStatus.COMPLETED.value, None
    if exit_status is None:
        return TaskStatus.ERROR.value, "the trajectory records no exit status"
    return TaskStatus.ERROR.value, f"exit status {exit_status}"


def _replay_config(info: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    config = document.get("replay_config", info.get("replay_config"))
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except (ValueError, RecursionError):
            return {}
    return config if isinstance(config, dict) else {}


def _model(info: dict[str, Any], document: dict[str, Any]) -> str | None:
    config = _replay_config(info, document)
    agent = config.get("agent") if isinstance(config.get("agent"), dict) else {}
    model = agent.get("model") if isinstance(agent.get("model"), dict) else {}
    name = model.get("name") or model.get("model_name")
    return name if isinstance(name, str) and name else None


def _repo(document: dict[str, Any]) -> str | None:
    """Return the repository URL from the replay config, else the working folder of the first step."""
    info = document.get("info") if isinstance(document.get("info"), dict) else {}
    config = _replay_config(info, document)
    environment = config.get("env") if isinstance(config.get("env"), dict) else {}
    repo = environment.get("repo") if isinstance(environment.get("repo"), dict) else {}
    url = repo.get("github_url") or repo.get("repo_name")
    if isinstance(url, str) and url:
        return url
    for step in document.get("trajectory", []):
        state = step.get("state") if isinstance(step, dict) else None
        if isinstance(state, str):
            try:
                state = json.loads(state)
            except (ValueError, RecursionError):
                continue
        if isinstance(state, dict) and isinstance(state.get("working_dir"), str):
            return state["working_dir"]
    return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
