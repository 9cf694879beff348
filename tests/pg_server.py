"""A private PostgreSQL server for tests: initdb into a temporary folder, its own port on 127.0.0.1.

Tests that stop, restart or misconfigure a server use this one, so they
never touch a shared server. As root, the server runs as the `postgres`
system user through runuser, because PostgreSQL refuses to run as root.
`private_server()` skips the test with the reason when initdb is not
installed or the server cannot start.
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from factories import make_session, write_sessions

PASSWORD = "s3cret-Pa55word"
SEEDED_TASKS = 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PrivateServer:
    """A PostgreSQL server in a temporary folder, listening on 127.0.0.1:port."""

    bin_folder: Path
    folder: Path
    port: int
    prefix: list[str]
    """The command prefix that runs a program as the server's user."""

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, password: str = PASSWORD) -> str:
        return f"postgresql://postgres:{password}@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, str(self.bin_folder / program), *args],
            capture_output=True, text=True, timeout=120, check=False,
        )

    def pg_ctl(self, action: str, *args: str) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                   f"-c unix_socket_directories={self.folder} -c fsync=off")
        done = self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"),
                        "-w", *args, action)
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl {action} failed: {done.stderr or done.stdout}")

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("stop", "-m", mode)

    def restart(self) -> None:
        self.pg_ctl("restart", "-m", "fast")


def _server_prefix() -> list[str] | str:
    """Return the prefix that runs the server as a non-root user, or the reason why none can."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "running as root and there is no `postgres` user to run the server as"
    if shutil.which("runuser") is None:
        return "running as root and runuser is not installed"
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def private_server() -> Iterator[PrivateServer]:
    """Start a private server that contains SEEDED_TASKS tasks (`make_session(0..4)`).

    The server is stopped and its folder deleted when the block ends.
    """
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not candidates:
        pytest.skip("initdb is not installed (looked in /usr/lib/postgresql/*/bin)")
    prefix = _server_prefix()
    if isinstance(prefix, str):
        pytest.skip(prefix)
    folder = Path(tempfile.mkdtemp(prefix="shadow-tui-pg-"))
    try:
        if prefix:
            account = pwd.getpwnam("postgres")
            os.chown(folder, account.pw_uid, account.pw_gid)
        password_file = folder / "password"
        password_file.write_text(PASSWORD + "\n", encoding="utf-8")
        if prefix:
            os.chown(password_file, account.pw_uid, account.pw_gid)
        instance = PrivateServer(Path(candidates[-1]).parent, folder, free_port(), prefix)
        created = instance.run("initdb", "-D", str(instance.data), "-U", "postgres", "--auth=scram-sha-256",
                               f"--pwfile={password_file}", "-E", "UTF8", "--no-sync")
        if created.returncode != 0:
            pytest.skip(f"initdb failed, so no private server can run: {created.stderr.strip()[:300]}")
        instance.start()
        try:
            asyncio.run(write_sessions(instance.url(), [make_session(index) for index in range(SEEDED_TASKS)]))
            yield instance
        finally:
            instance.run("pg_ctl", "-D", str(instance.data), "-w", "-m", "immediate", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
