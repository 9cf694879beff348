"""Loaders for one task's rows: messages, commands, edits, artifacts."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, LargeBinary, Result, Row, case, cast, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shadow_tui.errors import NotFoundError
from shadow_tui.queries.conditions import COMMANDS, EDITS, MESSAGES
from shadow_tui.queries.records import ArtifactRecord, CommandSummary, EditRecord, MessageRecord
from shadow_tui.queries.tasks import ARTIFACTS


def text_length(column: Any, dialect: str) -> Any:
    """Return a SQL expression for the length of a text column in characters.

    SQLite's length() stops at the first NUL, so for a value that contains
    NUL (binary command output) this gives its length in UTF-8 bytes
    instead, which is at least the number of characters.
    """
    if dialect != "sqlite":
        return func.length(column)
    as_bytes = cast(column, LargeBinary)
    has_nul = func.instr(as_bytes, literal(b"\x00", LargeBinary)) > 0
    return case((has_nul, func.length(as_bytes)), else_=func.length(column))


# The order of each kind of row within a task. Keyset reads (`after=`) and
# `count_through` compare rows by the same columns.
MESSAGE_ORDER = (MESSAGES.c.sequence, MESSAGES.c.created_at, MESSAGES.c.message_id)
COMMAND_ORDER = (COMMANDS.c.created_at, COMMANDS.c.command_id)
EDIT_ORDER = (EDITS.c.created_at, EDITS.c.edit_id)
ORDER_BY_KIND = {"message": MESSAGE_ORDER, "command": COMMAND_ORDER, "edit": EDIT_ORDER}


IN_LIST_BATCH = 500
"""Keys per `IN (...)` list of `select_in_order`, below SQLite's old limit of 999 parameters."""


async def select_in_order(
    connection: AsyncConnection,
    columns: Sequence[Any],
    key: Any,
    order: Sequence[Any],
    conditions: Sequence[ColumnElement[bool]],
) -> list[Row[Any]]:
    """Select rows in `order` without sorting their large columns: the keys first, then the rows by key.

    The index on (task_id, created_at) leaves SQLite 3.40 a temporary
    B-tree for the rest of the order, which contains a copy of every
    selected value. For the benchmark's 6.7 MB diff, the query raised the
    peak resident memory by 28.5 MB with the diff in the sort and by 11 MB
    this way (sqlite3 alone, one run each, 2-core VM). `columns` must
    include `key`. A row deleted between the two reads is left out.
    """
    keys = (await connection.execute(select(key).where(*conditions).order_by(*order))).scalars().all()
    rows: dict[Any, Row[Any]] = {}
    for start in range(0, len(keys), IN_LIST_BATCH):
        batch = keys[start : start + IN_LIST_BATCH]
        result = await connection.execute(select(*columns).where(key.in_(batch)))
        rows.update((row._mapping[key], row) for row in result)
    return [rows[value] for value in keys if value in rows]


def message_key(message: MessageRecord) -> tuple[Any, ...]:
    """Return a message's position in MESSAGE_ORDER."""
    return (message.sequence, message.created_at, message.message_id)


def command_key(command: CommandSummary) -> tuple[Any, ...]:
    """Return a command's position in COMMAND_ORDER."""
    return (command.created_at, command.command_id)


def edit_key(edit: EditRecord) -> tuple[Any, ...]:
    """Return an edit's position in EDIT_ORDER."""
    return (edit.created_at, edit.edit_id)


def _beyond(order: tuple[Any, ...], key: tuple[Any, ...], *, after: bool) -> ColumnElement[bool]:
    """Compare a row's order columns with a key, as a row value: after it, or up to and including it."""
    values = tuple_(*(literal(value, type_=column.type) for column, value in zip(order, key, strict=True)))
    columns = tuple_(*order)
    return columns > values if after else columns <= values


async def count_through(engine: AsyncEngine, kind: str, task_id: str, key: tuple[Any, ...] | None) -> int:
    """Count a task's rows of one kind ("message", "command" or "edit") up to and including `key`.

    A live refresh that appends the rows after `key` compares this count
    with the number of rows it shows. A row inserted before `key`, or a
    deleted row, makes them differ, and then the pane reads the whole list
    again. Rows appended after `key` meanwhile do not change the count.
    NOTE: a deletion and an insertion before `key` between two refreshes
    leave the count equal, so the pane keeps its old rows until it is
    opened again.
    """
    if key is None:
        return 0
    order = ORDER_BY_KIND[kind]
    table = order[0].table
    query = (
        select(func.count())
        .select_from(table)
        .where(table.c.task_id == task_id, _beyond(order, key, after=False))
    )
    async with engine.connect() as connection:
        return int(await connection.scalar(query) or 0)


def _message_records(result: Result[Any]) -> list[MessageRecord]:
    return [
        MessageRecord(
            message_id=row.message_id,
            task_id=row.task_id,
            sender=row.sender,
            content=row.content or "",
            created_at=row.created_at,
            sequence=row.sequence or 0,
        )
        for row in result
    ]


async def load_messages(
    engine: AsyncEngine, task_id: str, *, after: tuple[Any, ...] | None = None, offset: int = 0,
    limit: int | None = None,
) -> list[MessageRecord]:
    """Load a task's messages in chat order: all, or `limit` of them from position `offset`.

    With `after` (a `message_key`), only the messages after that one, and
    `offset` counts from there. Converting the rows (timestamps above all)
    took about 60 ms for the 10,000 messages of the heaviest benchmark task
    on a 2-core VM, so it runs in a thread and the event loop stays free.
    """
    if offset < 0:
        raise ValueError(f"offset must be 0 or more, got {offset}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, got {limit}")
    query = select(MESSAGES).where(MESSAGES.c.task_id == task_id)
    if after is not None:
        query = query.where(_beyond(MESSAGE_ORDER, after, after=True))
    query = query.order_by(*MESSAGE_ORDER).offset(offset or None).limit(limit)
    async with engine.connect() as connection:
        result = await connection.execute(query)
        return await asyncio.to_thread(_message_records, result)


async def load_commands(
    engine: AsyncEngine, task_id: str, *, after: tuple[Any, ...] | None = None, with_sizes: bool = True,
) -> list[CommandSummary]:
    """Load a task's commands in time order, without their outputs.

    With `after` (a `command_key`), only the commands after that one. Each
    summary has the output's size unless `with_sizes` is False. Then
    `output_size` is None and the query reads no output. SQLite reads the
    whole value to count its characters, which took about 90 ms for a 20 MB
    output on a 2-core VM.
    """
    columns = [
        COMMANDS.c.command_id,
        COMMANDS.c.task_id,
        COMMANDS.c.command_text,
        COMMANDS.c.exit_code,
        COMMANDS.c.created_at,
        COMMANDS.c.duration_seconds,
    ]
    if with_sizes:
        columns.append(text_length(COMMANDS.c.output, engine.dialect.name).label("output_size"))
    query = select(*columns).where(COMMANDS.c.task_id == task_id).order_by(*COMMAND_ORDER)
    if after is not None:
        query = query.where(_beyond(COMMAND_ORDER, after, after=True))
    async with engine.connect() as connection:
        result = await connection.execute(query)
        return [
            CommandSummary(
                command_id=row.command_id,
                task_id=row.task_id,
                command_text=row.command_text or "",
                exit_code=row.exit_code,
                created_at=row.created_at,
                duration_seconds=row.duration_seconds,
                output_size=int(row.output_size or 0) if with_sizes else None,
            )
            for row in result
        ]


def text_size(text: str) -> int:
    """Return the size of a loaded text as `text_length` counts it: characters, or UTF-8 bytes with a NUL in it."""
    if "\x00" in text:
        return len(text.encode("utf-8", errors="surrogatepass"))
    return len(text)


async def load_output_sizes(engine: AsyncEngine, task_id: str, *, skip: Collection[str] = ()) -> dict[str, int]:
    """Return the output size of each of a task's commands, by command id, as `load_commands` counts it.

    The commands in `skip` are left out, so that the database does not read
    an output that the caller has loaded already: SQLite reads a whole value
    to count its characters. Their sizes come from `text_size` instead.
    """
    query = select(
        COMMANDS.c.command_id, text_length(COMMANDS.c.output, engine.dialect.name).label("output_size")
    ).where(COMMANDS.c.task_id == task_id)
    if skip:
        query = query.where(COMMANDS.c.command_id.not_in(list(skip)))
    async with engine.connect() as connection:
        result = await connection.execute(query)
        return {row.command_id: int(row.output_size or 0) for row in result}


async def load_command_output(engine: AsyncEngine, command_id: str, *, limit: int | None = None) -> str:
    """Load one command's output: all of it, or its first `limit` characters.

    The database still reads the whole stored value for a prefix, but only
    the prefix is sent and decoded.
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1 character, got {limit}")
    column: Any = COMMANDS.c.output if limit is None else func.substr(COMMANDS.c.output, 1, limit)
    async with engine.connect() as connection:
        output = await connection.scalar(select(column).where(COMMANDS.c.command_id == command_id))
    if output is None:
        raise NotFoundError(f"command not found: {command_id}")
    return str(output)


async def load_first_output(engine: AsyncEngine, task_id: str, *, limit: int) -> tuple[str, str] | None:
    """Load the id and the first `limit` characters of the output of a task's first command.

    The first command is the first that `load_commands` lists. Returns None
    when the task has no command.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1 character, got {limit}")
    query = (
        select(COMMANDS.c.command_id, func.substr(COMMANDS.c.output, 1, limit).label("head"))
        .where(COMMANDS.c.task_id == task_id)
        .order_by(COMMANDS.c.created_at, COMMANDS.c.command_id)
        .limit(1)
    )
    async with engine.connect() as connection:
        row = (await connection.execute(query)).first()
    if row is None:
        return None
    return row.command_id, str(row.head or "")


async def load_edits(
    engine: AsyncEngine, task_id: str, *, with_diff: bool = False, after: tuple[Any, ...] | None = None,
) -> list[EditRecord]:
    """Load a task's file edits in time order; diffs only when asked for.

    With `after` (an `edit_key`), only the edits after that one. With the
    diffs, `diff_size` is counted from each loaded diff (`text_size`), so
    that SQLite does not read every diff a second time to count it.
    """
    columns = [EDITS.c.edit_id, EDITS.c.task_id, EDITS.c.file_path, EDITS.c.created_at]
    if with_diff:
        columns.append(EDITS.c.diff)
    else:
        columns.append(text_length(EDITS.c.diff, engine.dialect.name).label("diff_size"))
    conditions = [EDITS.c.task_id == task_id]
    if after is not None:
        conditions.append(_beyond(EDIT_ORDER, after, after=True))
    async with engine.connect() as connection:
        if with_diff:
            result: Iterable[Any] = await select_in_order(connection, columns, EDITS.c.edit_id, EDIT_ORDER, conditions)
        else:
            result = await connection.execute(select(*columns).where(*conditions).order_by(*EDIT_ORDER))
        return [
            EditRecord(
                edit_id=row.edit_id,
                task_id=row.task_id,
                file_path=row.file_path or "",
                created_at=row.created_at,
                diff_size=text_size(row.diff or "") if with_diff else int(row.diff_size or 0),
                diff=(row.diff or "") if with_diff else None,
            )
            for row in result
        ]


async def load_edit_diff(engine: AsyncEngine, edit_id: str) -> str:
    """Load one edit's unified diff."""
    async with engine.connect() as connection:
        diff = await connection.scalar(select(EDITS.c.diff).where(EDITS.c.edit_id == edit_id))
    if diff is None:
        raise NotFoundError(f"file edit not found: {edit_id}")
    return str(diff)


async def load_artifacts(engine: AsyncEngine, task_id: str) -> list[ArtifactRecord]:
    """Load a task's artifacts in time order."""
    query = (
        select(ARTIFACTS)
        .where(ARTIFACTS.c.task_id == task_id)
        .order_by(ARTIFACTS.c.created_at, ARTIFACTS.c.artifact_id)
    )
    async with engine.connect() as connection:
        result = await connection.execute(query)
        return [
            ArtifactRecord(
                artifact_id=row.artifact_id,
                task_id=row.task_id,
                type=row.type,
                s3_url=row.s3_url,
                created_at=row.created_at,
            )
            for row in result
        ]
