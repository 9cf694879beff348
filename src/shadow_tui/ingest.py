"""Recording from any language: JSON Lines events on standard input.

One object a line, with `event` one of task, message, command, edit,
artifact, status (fields listed in EVENT_FIELDS). Each event is written in
its own transaction as it arrives, so a live agent's rows show up at once.
A bad line is reported with its number and skipped; the rest is written.

The input may instead be one JSON document written by
`shadow-tui show --format json`, which recreates that task.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from shadow_tui.db.models import ArtifactType, Sender, TaskStatus
from shadow_tui.db.types import parse_timestamp
from shadow_tui.db.writer import UserData, clean_text
from shadow_tui.errors import NotFoundError
from shadow_tui.recorder import TASKS, Recorder, local_user, new_id

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "shadow-tui/task"
EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "task": ("task_id", "user", "repo_url", "branch", "model_name", "status", "created_at", "started_at", "title",
             "source", "source_ref", "input_tokens", "output_tokens", "cost_usd"),
    "message": ("task_id", "message_id", "sender", "content", "created_at", "sequence"),
    "command": ("task_id", "command_id", "command_text", "exit_code", "output", "created_at", "duration_seconds"),
    "edit": ("task_id", "edit_id", "file_path", "diff", "created_at"),
    "artifact": ("task_id", "artifact_id", "type", "s3_url", "created_at"),
    "status": ("task_id", "status", "completed_at", "error_message"),
}


class EventError(ValueError):
    """An event line that cannot be written; the message names the field and the fix."""


@dataclass
class IngestReport:
    written: Counter[str] = field(default_factory=Counter)
    skipped_duplicates: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    """(line number, reason) of each rejected line."""
    created_task_ids: list[str] = field(default_factory=list)


def _require(event: dict[str, Any], name: str) -> Any:
    value = event.get(name)
    if value is None or value == "":
        raise EventError(f"missing field {name!r} in {event.get('event')!r} event")
    return value


def _text(event: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = _require(event, name) if required else event.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise EventError(f"field {name!r} must be a string, got {type(value).__name__}")
    return value


def _time(event: dict[str, Any], name: str) -> datetime | None:
    value = event.get(name)
    if value is None:
        return None
    parsed = parse_timestamp(value)
    if parsed is None:
        raise EventError(f"invalid timestamp in {name!r}: {value!r}; use ISO 8601 such as 2026-11-30T12:00:00Z")
    return parsed


def _choice(event: dict[str, Any], name: str, allowed: type, default: str | None = None) -> str:
    value = event.get(name, default)
    values = [item.value for item in allowed]  # type: ignore[attr-defined]
    if value not in values:
        raise EventError(f"invalid {name} {value!r}: use one of {', '.join(values)}")
    return str(value)


def _int(event: dict[str, Any], name: str) -> int | None:
    value = event.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EventError(f"field {name!r} must be an integer or null, got {value!r}")
    return value


def _user(event: dict[str, Any]) -> UserData:
    raw = event.get("user")
    if raw is None:
        return local_user()
    if not isinstance(raw, dict) or not raw.get("user_id"):
        raise EventError("field 'user' must be an object with at least 'user_id'")
    return UserData(
        user_id=str(raw["user_id"]), email=raw.get("email"), username=raw.get("username"),
        display_name=raw.get("display_name"),
    )


async def apply_event(recorder: Recorder, engine: AsyncEngine, event: dict[str, Any], report: IngestReport) -> None:
    """Write one event; raise EventError for an invalid one."""
    kind = event.get("event")
    if kind not in EVENT_FIELDS:
        raise EventError(f"invalid event {kind!r}: use one of {', '.join(EVENT_FIELDS)}")
    if kind == "task":
        await _apply_task(recorder, engine, event, report)
        return
    task_id = _text(event, "task_id", required=True)
    assert task_id is not None
    if kind == "message":
        await recorder.add_message(
            task_id, _choice(event, "sender", Sender), _text(event, "content") or "",
            created_at=_time(event, "created_at"), message_id=_text(event, "message_id"),
            sequence=_int(event, "sequence"),
        )
    elif kind == "command":
        duration = event.get("duration_seconds")
        if duration is not None and (isinstance(duration, bool) or not isinstance(duration, (int, float))):
            raise EventError(f"field 'duration_seconds' must be a number or null, got {duration!r}")
        await recorder.record_command(
            task_id, _text(event, "command_text", required=True) or "", exit_code=_int(event, "exit_code"),
            output=_text(event, "output") or "", created_at=_time(event, "created_at"),
            duration_seconds=duration, command_id=_text(event, "command_id"),
        )
    elif kind == "edit":
        await recorder.record_edit(
            task_id, _text(event, "file_path", required=True) or "", _text(event, "diff") or "",
            created_at=_time(event, "created_at"), edit_id=_text(event, "edit_id"),
        )
    elif kind == "artifact":
        await recorder.add_artifact(
            task_id, _choice(event, "type", ArtifactType), _text(event, "s3_url", required=True) or "",
            created_at=_time(event, "created_at"), artifact_id=_text(event, "artifact_id"),
        )
    else:
        await recorder.set_status(
            task_id, _choice(event, "status", TaskStatus), error_message=_text(event, "error_message"),
            completed_at=_time(event, "completed_at"),
        )
    report.written[kind] += 1


async def _apply_task(recorder: Recorder, engine: AsyncEngine, event: dict[str, Any], report: IngestReport) -> None:
    task_id = _text(event, "task_id") or new_id()
    status = _choice(event, "status", TaskStatus, default="running")
    cost = event.get("cost_usd")
    if cost is not None and (isinstance(cost, bool) or not isinstance(cost, (int, float))):
        raise EventError(f"field 'cost_usd' must be a number or null, got {cost!r}")
    fields = {
        "repo_url": _text(event, "repo_url"), "branch": _text(event, "branch"),
        "model_name": _text(event, "model_name"), "title": _text(event, "title"),
        "source_ref": _text(event, "source_ref"), "input_tokens": _int(event, "input_tokens"),
        "output_tokens": _int(event, "output_tokens"), "cost_usd": cost,
    }
    async with engine.connect() as connection:
        exists = await connection.scalar(select(TASKS.c.task_id).where(TASKS.c.task_id == task_id))
    if exists is not None:
        changes = {name: value for name, value in fields.items() if value is not None}
        changes["status"] = status
        dialect = engine.dialect.name
        changes = {k: clean_text(v, dialect=dialect) if isinstance(v, str) else v for k, v in changes.items()}
        async with engine.begin() as connection:
            await connection.execute(update(TASKS).where(TASKS.c.task_id == task_id).values(**changes))
        report.written["task"] += 1
        return
    await recorder.start_task(
        task_id=task_id, user=_user(event), status=status, created_at=_time(event, "created_at"),
        started_at=_time(event, "started_at"), source=_text(event, "source") or "ingest", **fields,
    )
    if not event.get("task_id"):
        report.created_task_ids.append(task_id)
    report.written["task"] += 1


def events_from_export(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Turn a `show --format json` document into ingest events."""
    task = dict(document.get("task") or {})
    if not task.get("task_id"):
        raise EventError("the JSON document has no task.task_id; is it from `shadow-tui show --format json`?")
    task_id = task["task_id"]
    events: list[dict[str, Any]] = [{"event": "task", **task}]
    for key, kind in (("messages", "message"), ("commands", "command"), ("edits", "edit"), ("artifacts", "artifact")):
        events += [{"event": kind, "task_id": task_id, **item} for item in document.get(key) or []]
    final = task.get("status")
    if final in ("completed", "error"):
        events.append({"event": "status", "task_id": task_id, "status": final,
                       "completed_at": task.get("completed_at"), "error_message": task.get("error_message")})
    return events


async def ingest_lines(
    engine: AsyncEngine, lines: AsyncIterator[tuple[int, str]], *, on_error: Callable[[int, str], None] | None = None,
) -> IngestReport:
    """Write events from numbered lines; a bad line is reported and skipped."""
    recorder = Recorder(engine)
    report = IngestReport()
    pending_document: list[str] | None = None
    document_start = 0
    async for number, line in lines:
        if pending_document is not None:
            pending_document.append(line)
            continue
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as error:
            if line.strip() == "{" and report.written.total() == 0 and not report.errors:
                pending_document, document_start = [line], number
                continue
            _reject(report, number, f"invalid JSON: {error.msg} at column {error.colno}", on_error)
            continue
        await _apply_one(recorder, engine, event, number, report, on_error)
    if pending_document is not None:
        await _apply_document("\n".join(pending_document), document_start, recorder, engine, report, on_error)
    return report


async def _apply_document(
    text: str, number: int, recorder: Recorder, engine: AsyncEngine, report: IngestReport,
    on_error: Callable[[int, str], None] | None,
) -> None:
    try:
        document = json.loads(text)
        if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
            raise EventError(f"a multi-line JSON document must be a {EXPORT_FORMAT!r} export")
        events = events_from_export(document)
    except (json.JSONDecodeError, EventError) as error:
        _reject(report, number, f"invalid JSON document: {error}", on_error)
        return
    for event in events:
        await _apply_one(recorder, engine, event, number, report, on_error)


async def _apply_one(
    recorder: Recorder, engine: AsyncEngine, event: Any, number: int, report: IngestReport,
    on_error: Callable[[int, str], None] | None,
) -> None:
    if not isinstance(event, dict):
        _reject(report, number, f"expected a JSON object, got {type(event).__name__}", on_error)
        return
    try:
        await apply_event(recorder, engine, event, report)
    except (EventError, NotFoundError) as error:
        _reject(report, number, str(error), on_error)
    except IntegrityError:
        report.skipped_duplicates += 1
        logger.info("Line %d: an item with that id exists already; skipped", number)


def _reject(report: IngestReport, number: int, reason: str, on_error: Callable[[int, str], None] | None) -> None:
    report.errors.append((number, reason))
    logger.warning("Rejected line %d: %s", number, reason)
    if on_error is not None:
        on_error(number, reason)
