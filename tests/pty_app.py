"""Run the browser in a pseudo-terminal with Textual's real Linux driver, and record every byte it writes.

A reader thread copies the pty's output into a buffer and into a pyte
terminal emulator. The test writes keys to the pty and waits for text to
appear on the emulated screen instead of sleeping. Only a lone ESC is
followed by a fixed pause.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pyte
from textual.constants import ESCAPE_DELAY

# Textual reads ESC followed by a key within ESCAPE_DELAY (ESCDELAY, 100 ms
# by default) as alt+key, so a lone ESC needs this pause before the next key.
ESCAPE_PAUSE_SECONDS = ESCAPE_DELAY * 3
# CSI sequences and the two-byte ESC sequences that Textual writes between pieces of text.
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_OTHER_ESCAPE = re.compile(r"\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def screen_text(stream: str) -> str:
    """Return the text of a stream without its CSI sequences, so words drawn in one piece can be found."""
    return _OTHER_ESCAPE.sub("", _CSI.sub("", stream))


class PtyApp:
    """A child process whose standard input, output and error are one pty of a given size."""

    def __init__(self, argv: Sequence[str], *, columns: int, rows: int, env: dict[str, str], cwd: Path) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
            start_new_session=True, close_fds=True,
        )
        os.close(slave)
        self._output = bytearray()
        self._screen = pyte.Screen(columns, rows)
        self._stream = pyte.ByteStream(self._screen)
        self.emulator_error: Exception | None = None
        """The error that stopped the emulator, if any."""
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                if self.process.poll() is not None and not select.select([self.master], [], [], 0)[0]:
                    return
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                # EIO: the child closed its side of the pty.
                return
            if not data:
                return
            with self._lock:
                self._output.extend(data)
                if self.emulator_error is None:
                    try:
                        self._stream.feed(data)
                    except (IndexError, KeyError, ValueError) as error:
                        # pyte 0.8 can fail on a wide character in the last column.
                        # The waits then match the text of the byte stream instead.
                        self.emulator_error = error

    @property
    def output(self) -> bytes:
        """Every byte the app has written so far."""
        with self._lock:
            return bytes(self._output)

    @property
    def screen(self) -> str:
        """The text on the emulated screen now, one line per row."""
        with self._lock:
            # pyte's own `display` raises IndexError on a cell with no text, which
            # a wide character at the end of a row leaves. Joining the cells does not.
            buffer = self._screen.buffer
            columns = self._screen.columns
            return "\n".join(
                "".join(buffer[row][column].data for column in range(columns)) for row in range(self._screen.lines)
            )

    def mark(self) -> int:
        """Return the current length of the output, to wait for text written after this point."""
        return len(self.output)

    def send(self, keys: str) -> None:
        """Write keys to the terminal as a person would type them."""
        os.write(self.master, keys.encode("utf-8"))
        if keys.endswith("\x1b"):
            time.sleep(ESCAPE_PAUSE_SECONDS)

    def wait_for(self, text: str, *, since: int = 0, timeout: float = 30.0, row: int | None = None) -> None:
        """Wait until `text` is on the screen (on `row` only, when given) and the app has written since `since`.

        Fails after `timeout` seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            output = self.output
            if self.emulator_error is None:
                shown = self.screen
                if row is not None:
                    shown = shown.split("\n")[row]
            else:
                shown = screen_text(output[since:].decode("utf-8", "replace"))
            if text in shown and len(output) > since:
                return
            if self.process.poll() is not None:
                raise AssertionError(f"the app exited with status {self.process.returncode} before showing {text!r}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not shown within {timeout} s; the screen is:\n{shown}")
            time.sleep(0.05)

    def press(self, keys: str, text: str, *, timeout: float = 30.0, row: int | None = None) -> None:
        """Send keys and wait until `text` is drawn after them (on `row` only, when given)."""
        since = self.mark()
        self.send(keys)
        self.wait_for(text, since=since, timeout=timeout, row=row)

    def wait_exit(self, timeout: float) -> bool:
        """Wait for the process to exit; kill its process group and return False if it outlives `timeout`."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            return False
        finally:
            self._reader.join(timeout=5)
        return True

    def close(self) -> None:
        """Kill the process if it still runs and close the pty."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        os.close(self.master)


def browser_command(database: Path) -> list[str]:
    """Return the command that opens the browser on `database` with this Python."""
    return [sys.executable, "-m", "shadow_tui", "browse", str(database)]
