"""OpenHands event lists: a JSON array of events, one file per conversation.

The file records no conversation id, so the task id is `oh-<file stem>-<hash
of the file's absolute path>`. Rows are keyed by the events' own ids. What
becomes what:

- A `message` action becomes a message: source user -> user, agent -> agent
  (its text is args.content).
- A `run` action becomes a command. Its output and exit code come from the
  `run` observation whose `cause` is the action's id. OpenHands writes exit
  code -1 when the command had not exited (it timed out or still runs in
  the background), which is stored as unknown (None).
- An `edit` observation becomes a file edit: its content is a unified diff,
  extras.path the file.

Status: error when the last agent state change is to "error" (the message
is the last `error` observation), running when the file changed in the last
10 minutes, else completed. Tokens and cost come from the last event that
carries `llm_metrics`, where present.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from shadow_tui.db.models import Sender, TaskStatus
from shadow_tui.db.writer import CommandData, EditData, MessageData, SessionData, TaskData
from shadow_tui.importers.base import (
    ImportProblem, ImportSourceError, ParsedSession, aware, file_mtime, is_recently_modified,
    json_float, local_user, path_key, read_json_document, shorten_title, time_bounds,
)

logger = logging.getLogger(__name__)

FORMAT = "openhands"
NOT_EXITED = -1


def parse_file(path: Path, *, now: datetime | None = None) -> list[ParsedSession]:
    """Read one event list. Raises ImportSourceError when it is not a list of events."""
    document = read_json_document(path)
    if not isinstance(document, list):
        raise ImportSourceError(f"{path} is not an OpenHands event list: expected a JSON array")
    problems: list[ImportProblem] = []
    events: list[dict[str, Any]] = []
    for index, event in enumerate(document):
        if isinstance(event, dict):
            events.append(event)
        else:
            problems.append(ImportProblem(str(path), None, f"event {index} is not an object; skipped"))
    if not events:
        return []

    task_id = f"oh-{path.stem}-{path_key(path)}"
    fallback_time = file_mtime(path)
    running = is_recently_modified(path, now)

    def time_of(event: dict[str, Any]) -> datetime:
        return aware(event.get("timestamp")) or fallback_time

    def row_id(event: dict[str, Any], index: int) -> str:
        return f"{task_id}-e{event.get('id', f'i{index}')}"

    # OpenHands ids are numbers or strings. A cause of another type links no action to an observation.
    observations = {
        event["cause"]: event for event in events
        if event.get("observation") == "run" and isinstance(event.get("cause"), (int, str))
    }
    messages: list[MessageData] = []
    commands: list[CommandData] = []
    edits: list[EditData] = []
    for index, event in enumerate(events):
        action = event.get("action")
        args = event.get("args") if isinstance(event.get("args"), dict) else {}
        extras = event.get("extras") if isinstance(event.get("extras"), dict) else {}
        if action == "message" and event.get("source") in ("user", "agent"):
            text = args.get("content") if isinstance(args.get("content"), str) else event.get("message")
            if isinstance(text, str) and text.strip():
                sender = Sender.USER.value if event["source"] == "user" else Sender.AGENT.value
                messages.append(MessageData(row_id(event, index), sender, text, time_of(event), len(messages)))
        elif action == "run":
            action_id = event.get("id")
            observation = observations.get(action_id) if isinstance(action_id, (int, str)) else None
            if observation is None and running:
                continue
            commands.append(_command(row_id(event, index), args, observation, time_of(event)))
        elif event.get("observation") == "edit":
            file_path = extras.get("path")
            diff = event.get("content")
            if isinstance(file_path, str) and isinstance(diff, str):
                edits.append(EditData(row_id(event, index), file_path, diff, time_of(event)))

    started_at, ended_at = time_bounds(aware(event.get("timestamp")) for event in events)
    status, error_message = _status(events, running)
    input_tokens, output_tokens, cost = _metrics(events)
    first_user = next((m.content for m in messages if m.sender == Sender.USER.value), None)
    task = TaskData(
        task_id=task_id,
        user=local_user(),
        created_at=started_at or fallback_time,
        status=status,
        repo_url=_working_dir(events),
        started_at=started_at,
        completed_at=None if running else ended_at,
        error_message=error_message,
        title=shorten_title(first_user),
        source=FORMAT,
        source_ref=str(path),
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cost_usd=cost,
    )
    return [ParsedSession(SessionData(task, messages, commands, edits), problems)]


def _command(command_id: str, args: dict[str, Any], observation: dict[str, Any] | None, created_at: datetime) -> CommandData:
    output = ""
    exit_code: int | None = None
    if observation is not None:
        output = observation.get("content") if isinstance(observation.get("content"), str) else ""
        extras = observation.get("extras") if isinstance(observation.get("extras"), dict) else {}
        metadata = extras.get("metadata") if isinstance(extras.get("metadata"), dict) else {}
        code = metadata.get("exit_code", extras.get("exit_code"))
        if isinstance(code, int) and not isinstance(code, bool) and code != NOT_EXITED:
            exit_code = code
    return CommandData(command_id, str(args.get("command") or ""), output, created_at, exit_code=exit_code)


def _status(events: list[dict[str, Any]], running: bool) -> tuple[str, str | None]:
    if running:
        return TaskStatus.RUNNING.value, None
    last_state = None
    last_error = None
    for event in events:
        extras = event.get("extras") if isinstance(event.get("extras"), dict) else {}
        if event.get("observation") == "agent_state_changed":
            last_state = extras.get("agent_state")
        elif event.get("observation") == "error":
            last_error = event.get("content") or event.get("message")
    if last_state == "error":
        return TaskStatus.ERROR.value, str(last_error or "the agent stopped in the error state")
    return TaskStatus.COMPLETED.value, None


def _metrics(events: list[dict[str, Any]]) -> tuple[int | None, int | None, float | None]:
    metrics: dict[str, Any] = {}
    for event in events:
        if isinstance(event.get("llm_metrics"), dict):
            metrics = event["llm_metrics"]
    usage = metrics.get("accumulated_token_usage") if isinstance(metrics.get("accumulated_token_usage"), dict) else {}
    prompt = usage.get("prompt_tokens")
    completion = usage.get("completion_tokens")
    cost = metrics.get("accumulated_cost")
    return (
        prompt if isinstance(prompt, int) else None,
        completion if isinstance(completion, int) else None,
        json_float(cost),
    )


def _working_dir(events: list[dict[str, Any]]) -> str | None:
    for event in events:
        extras = event.get("extras") if isinstance(event.get("extras"), dict) else {}
        metadata = extras.get("metadata") if isinstance(extras.get("metadata"), dict) else {}
        folder = metadata.get("working_dir")
        if isinstance(folder, str) and folder:
            return folder
    return None
