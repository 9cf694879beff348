"""`shadow-tui serve`: responds on 127.0.0.1, warns before exposing the history, quotes the database."""

from __future__ import annotations

import asyncio
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from factories import make_session, write_sessions
from shadow_tui.cli import main
from shadow_tui.cli_serve import browse_command_line, is_loopback

# Upper bound, in seconds, for the server to start responding (about a second on an idle machine).
START_TIMEOUT_S = 30


@pytest.fixture
def database(tmp_path: Path) -> str:
    path = str(tmp_path / "serve me; now.db")
    asyncio.run(write_sessions(path, [make_session(1)]))
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fetch(url: str) -> tuple[int, str] | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def test_serve_responds_on_loopback(database: str) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "shadow_tui", "serve", database, "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        answer = None
        deadline = time.monotonic() + START_TIMEOUT_S
        while answer is None and time.monotonic() < deadline and process.poll() is None:
            answer = _fetch(f"http://127.0.0.1:{port}/")
            if answer is None:
                time.sleep(0.2)
    finally:
        process.kill()
        _out, err = process.communicate(timeout=10)
    assert answer is not None, err.decode("utf-8", "replace")
    status, page = answer
    assert status == 200
    assert "<html" in page.lower()
    assert f"ws://127.0.0.1:{port}/ws" in page
    assert "fonts.googleapis.com" not in page
    assert b"warning" not in err


class _FakeServer:
    created: list[dict] = []

    def __init__(self, command: str, **options: object) -> None:
        _FakeServer.created.append({"command": command, **options})

    def serve(self) -> None:
        return None


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> type[_FakeServer]:
    import textual_serve.server

    _FakeServer.created = []
    monkeypatch.setattr(textual_serve.server, "Server", _FakeServer)
    return _FakeServer


def test_serve_warns_off_loopback(database: str, fake_server: type[_FakeServer]) -> None:
    result = CliRunner().invoke(main, ["serve", database, "--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "warning: listening on 0.0.0.0" in result.stderr
    assert fake_server.created[0]["host"] == "0.0.0.0"


def test_serve_quiet_on_loopback(database: str, fake_server: type[_FakeServer]) -> None:
    result = CliRunner().invoke(main, ["serve", database])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    assert fake_server.created[0]["host"] == "127.0.0.1"
    assert fake_server.created[0]["port"] == 8000


def test_serve_command_quotes_database(database: str, fake_server: type[_FakeServer]) -> None:
    CliRunner().invoke(main, ["serve", "--db", database])
    command = fake_server.created[0]["command"]
    assert shlex.split(command) == [sys.executable, "-m", "shadow_tui", "browse", database]


def test_serve_missing_database(tmp_path: Path, fake_server: type[_FakeServer]) -> None:
    result = CliRunner().invoke(main, ["serve", str(tmp_path / "missing.db")])
    assert result.exit_code == 2
    assert "missing.db" in result.stderr
    assert fake_server.created == []


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.com", False)],
)
def test_loopback_hosts(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_browse_command_default_database() -> None:
    assert shlex.split(browse_command_line(None)) == [sys.executable, "-m", "shadow_tui", "browse"]


def test_browse_without_terminal_rejected(database: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "shadow_tui", "browse", database],
        stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=False,
    )
    assert completed.returncode == 2
    message = completed.stderr.decode("utf-8", "replace")
    assert "the browser needs a terminal, but standard input is not a terminal" in message
    assert "shadow-tui serve" in message
    assert b"\x1b" not in completed.stdout + completed.stderr


def test_browse_web_driver_needs_no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from shadow_tui.cli import terminal_problem

    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    assert terminal_problem() is not None
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    assert terminal_problem() is None
