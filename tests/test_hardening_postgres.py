"""PostgreSQL faults: wrong password, closed and silent ports, a server restart, and read retries.

The restart and password tests start a PostgreSQL server of their own
(tests/pg_server.py, password authentication), so they never touch a
shared server. Every address used is 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from pg_server import PASSWORD, PrivateServer, free_port, private_server
from shadow_tui.cli import main
from shadow_tui.cli_common import EXIT_ERROR
from shadow_tui.db.access import open_reader, open_writer
from shadow_tui.db.engine import PG_CONNECT_TIMEOUT_S, create_engine_for, resolve_database
from shadow_tui.db.retry import RETRY_DELAYS_S, is_connection_loss, retry_read
from shadow_tui.errors import DatabaseError
from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.tasks import count_tasks

WRONG_PASSWORD = "wr0ng-Pa55word"
# A bound on how long a failing command may run; the connect timeout is PG_CONNECT_TIMEOUT_S.
COMMAND_TIMEOUT_S = PG_CONNECT_TIMEOUT_S + 20


def run_command(*args: str, state: Path) -> subprocess.CompletedProcess[str]:
    """Run `shadow-tui ARGS` as a separate process with its log file under `state`."""
    environment = {**os.environ, "XDG_STATE_HOME": str(state)}
    return subprocess.run(
        [sys.executable, "-m", "shadow_tui", "--log-level", "debug", *args],
        capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, env=environment,
    )


def log_text(state: Path) -> str:
    path = state / "shadow-tui" / "shadow-tui.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


# --- A private PostgreSQL server ------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[PrivateServer]:
    with private_server() as instance:
        yield instance


# --- Connection failures from the command line ---------------------------------------------


def test_wrong_password(server: PrivateServer, tmp_path: Path) -> None:
    done = run_command("tasks", "--db", server.url(WRONG_PASSWORD), state=tmp_path)
    assert done.returncode == EXIT_ERROR
    assert "password authentication failed" in done.stderr
    assert f"postgresql://postgres:***@127.0.0.1:{server.port}/postgres" in done.stderr
    assert "Traceback" not in done.stderr
    assert WRONG_PASSWORD not in done.stdout + done.stderr
    assert WRONG_PASSWORD not in log_text(tmp_path)


def test_right_password_not_logged(server: PrivateServer, tmp_path: Path) -> None:
    done = run_command("tasks", "--db", server.url(), "--format", "json", state=tmp_path)
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert PASSWORD not in log_text(tmp_path)


def test_closed_port(tmp_path: Path) -> None:
    port = free_port()
    done = run_command("tasks", "--db", f"postgresql://postgres:{PASSWORD}@127.0.0.1:{port}/test", state=tmp_path)
    assert done.returncode == EXIT_ERROR
    assert f"cannot connect to postgresql://postgres:***@127.0.0.1:{port}/test" in done.stderr
    assert "Check the host and port" in done.stderr
    assert PASSWORD not in done.stderr + log_text(tmp_path)


def test_silent_server_times_out(tmp_path: Path) -> None:
    # The kernel completes the TCP handshake for a listening socket, and nothing ever replies.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        done = run_command("tasks", "--db", f"postgresql://postgres:{PASSWORD}@127.0.0.1:{port}/test", state=tmp_path)
    assert done.returncode == EXIT_ERROR
    assert f"no answer within {PG_CONNECT_TIMEOUT_S} s" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("url", [
    f"postgresql://postgres:{PASSWORD}@127.0.0.1:/test",
    f"postgresql://postgres:{PASSWORD}@127.0.0.1:99999/test",
    f"postgresql://postgres:{PASSWORD}@127.0.0.1:port/test",
])
def test_invalid_port_message(url: str) -> None:
    result = CliRunner().invoke(main, ["tasks", "--db", url])
    assert result.exit_code == EXIT_ERROR
    assert "the port must be a number from 1 to 65535" in result.stderr
    assert PASSWORD not in result.output


# --- Server restart -------------------------------------------------------------------------


async def test_engine_survives_restart(server: PrivateServer) -> None:
    engine = create_engine_for(resolve_database(server.url()), write=False)
    try:
        before = await count_tasks(engine, TaskFilter())
        await asyncio.to_thread(server.restart)
        after = await count_tasks(engine, TaskFilter())
    finally:
        await engine.dispose()
    assert before == 5
    assert after == 5


async def test_reader_survives_restart(server: PrivateServer) -> None:
    async with open_reader(server.url()) as (_target, engine):
        before = await count_tasks(engine, TaskFilter())
        await asyncio.to_thread(server.restart)
        after = await retry_read(lambda: count_tasks(engine, TaskFilter()), description="the task count")
    assert (before, after) == (5, 5)


async def test_retry_waits_for_server(server: PrivateServer, caplog: pytest.LogCaptureFixture) -> None:
    engine = create_engine_for(resolve_database(server.url()), write=False)
    await count_tasks(engine, TaskFilter())
    await asyncio.to_thread(server.stop)
    restarter = threading.Timer(1.0, server.start)
    restarter.start()
    try:
        with caplog.at_level(logging.WARNING, logger="shadow_tui.db.retry"):
            count = await retry_read(lambda: count_tasks(engine, TaskFilter()), description="the task count",
                                     delays=(0.5, 1.0, 2.0, 4.0, 8.0))
    finally:
        restarter.join()
        await engine.dispose()
    assert count == 5
    assert "Reading the task count lost the database connection" in caplog.text


async def test_retry_gives_up_clearly(server: PrivateServer) -> None:
    engine = create_engine_for(resolve_database(server.url()), write=False)
    await count_tasks(engine, TaskFilter())
    await asyncio.to_thread(server.stop)
    try:
        with pytest.raises(DatabaseError) as caught:
            await retry_read(lambda: count_tasks(engine, TaskFilter()), description="the task count",
                             delays=(0.1, 0.1))
    finally:
        await asyncio.to_thread(server.start)
        await engine.dispose()
    assert "lost the connection to the database while reading the task count" in str(caught.value)
    assert "3 attempts failed" in str(caught.value)


async def test_query_cut_by_shutdown(server: PrivateServer) -> None:
    engine = create_engine_for(resolve_database(server.url()), write=False)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            await asyncio.to_thread(server.stop, "immediate")
            with pytest.raises(DBAPIError) as caught:
                await connection.execute(text("SELECT count(*) FROM tasks"))
        await asyncio.to_thread(server.start)
        count = await retry_read(lambda: count_tasks(engine, TaskFilter()), description="the task count")
    finally:
        await engine.dispose()
    assert is_connection_loss(caught.value)
    assert count == 5


async def test_writer_after_restart(server: PrivateServer) -> None:
    await asyncio.to_thread(server.restart)
    async with open_writer(server.url()) as (_target, engine):
        async with engine.connect() as connection:
            assert await connection.scalar(text("SELECT count(*) FROM tasks")) == 5


# --- The retry helper without a server ------------------------------------------------------


class FakeRead:
    """A read that fails with the given errors, in order, then returns 42."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> int:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return 42


class FakeDriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"server error {sqlstate}")
        self.sqlstate = sqlstate


def driver_error(sqlstate: str, *, invalidated: bool = False) -> DBAPIError:
    return DBAPIError("SELECT 1", None, FakeDriverError(sqlstate), connection_invalidated=invalidated)


class SleepLog:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.mark.parametrize("error", [
    ConnectionRefusedError(errno.ECONNREFUSED, "refused"),
    ConnectionResetError(errno.ECONNRESET, "reset"),
    TimeoutError(),
    OSError(errno.EHOSTUNREACH, "no route to host"),
    driver_error("57P01"),
    driver_error("57P03"),
    driver_error("08006"),
    driver_error("XX000", invalidated=True),
], ids=repr)
def test_connection_loss_detected(error: BaseException) -> None:
    assert is_connection_loss(error)


@pytest.mark.parametrize("error", [
    driver_error("42P01"),
    driver_error("23505"),
    OSError(errno.ENOENT, "no such file"),
    ValueError("bad value"),
], ids=repr)
def test_other_errors_not_retried(error: BaseException) -> None:
    assert not is_connection_loss(error)


async def test_retry_returns_after_losses() -> None:
    read = FakeRead(ConnectionResetError(errno.ECONNRESET, "reset"), driver_error("57P03"))
    sleep = SleepLog()
    assert await retry_read(read, description="rows", sleep=sleep) == 42
    assert read.calls == 3
    assert sleep.delays == list(RETRY_DELAYS_S[:2])


async def test_retry_raises_other_error_at_once() -> None:
    read = FakeRead(driver_error("42P01"))
    with pytest.raises(DBAPIError):
        await retry_read(read, description="rows", sleep=SleepLog())
    assert read.calls == 1


async def test_retry_bounded() -> None:
    read = FakeRead(*(ConnectionRefusedError(errno.ECONNREFUSED, "refused") for _ in range(10)))
    sleep = SleepLog()
    with pytest.raises(DatabaseError, match="while reading rows"):
        await retry_read(read, description="rows", sleep=sleep)
    assert read.calls == len(RETRY_DELAYS_S) + 1
    assert sleep.delays == list(RETRY_DELAYS_S)


async def test_retry_logs_each_retry(caplog: pytest.LogCaptureFixture) -> None:
    read = FakeRead(TimeoutError(), TimeoutError())
    with caplog.at_level(logging.WARNING, logger="shadow_tui.db.retry"):
        await retry_read(read, description="rows", sleep=SleepLog())
    assert [record.getMessage().split(";")[1].strip() for record in caplog.records] == [
        f"retry 1 of {len(RETRY_DELAYS_S)} in {RETRY_DELAYS_S[0]:.1f} s",
        f"retry 2 of {len(RETRY_DELAYS_S)} in {RETRY_DELAYS_S[1]:.1f} s",
    ]
