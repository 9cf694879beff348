"""Pygments lexing in a child process that can be killed when it runs too long.

Some Pygments lexers backtrack catastrophically. In Pygments 2.21 the Scala
lexer needs 0.01 s for a '"' followed by 24 backslashes, 0.12 s for 28
and more than 2 s for 40 (measured on a 2-core AMD EPYC VM). Python's `re` holds the GIL and
cannot be interrupted, so a thread with a timeout would freeze the whole
program too. This module runs the lexer in a separate Python process
(`python -m shadow_tui.render.lex_worker`) and kills it when a request
passes its time budget.

The protocol on the child's stdin and stdout is one frame per message: a
4-byte big-endian length, then that many bytes of UTF-8 JSON. The child
first sends {"ready": true}, then one response per request, in order:

* {"id": n, "op": "lex", "lexer": alias, "code": text}
  -> {"id": n, "ok": true, "lines": [[[token_type, text], ...], ...]}
* {"id": n, "op": "guess", "code": sample}
  -> {"id": n, "ok": true, "lexer": alias or null}
* any failure -> {"id": n, "ok": false, "error": message}
"""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

logger = logging.getLogger(__name__)

TokenLine = list[tuple[str, str]]

_LENGTH = struct.Struct(">I")
_STARTUP_TIMEOUT = 15.0


def _read_frame(stream: IO[bytes]) -> Any | None:
    """Read one frame, or return None at the end of the stream."""
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(header)
    payload = stream.read(length)
    if len(payload) < length:
        return None
    return json.loads(payload.decode("utf-8"))


def _write_frame(stream: IO[bytes], message: object) -> None:
    # ensure_ascii escapes lone surrogates, which UTF-8 cannot encode.
    payload = json.dumps(message, ensure_ascii=True).encode("ascii")
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


# --- child side ---------------------------------------------------------


def lex_to_lines(code: str, lexer_name: str) -> list[TokenLine]:
    """Lex `code` and return its tokens split at newlines.

    Each line is a list of (token type as a string, text) pairs, so the
    result pickles and serializes as JSON. The text of line i joins to
    line i of `code`, and one more empty line may follow the last one.
    """
    from pygments.lexers import get_lexer_by_name

    # stripnl=False keeps leading and trailing blank lines, so line numbers
    # of the result match the input.
    lexer = get_lexer_by_name(lexer_name, stripnl=False, stripall=False, ensurenl=True)
    # str() of a token type joins its parts on every call, so names are cached.
    names: dict[object, str] = {}
    lines: list[TokenLine] = [[]]
    current = lines[0]
    for token_type, value in lexer.get_tokens(code):
        name = names.get(token_type)
        if name is None:
            name = names[token_type] = str(token_type)

        if "\n" not in value:
            if value:
                current.append((name, value))
            continue

        parts = value.split("\n")
        if parts[0]:
            current.append((name, parts[0]))
        for part in parts[1:]:
            current = []
            lines.append(current)
            if part:
                current.append((name, part))
    return lines


def guess_lexer_alias(sample: str) -> str | None:
    """Guess a lexer alias from content, or return None for plain text."""
    from pygments.lexers import guess_lexer
    from pygments.lexers.special import TextLexer
    from pygments.util import ClassNotFound

    try:
        lexer = guess_lexer(sample)
    except ClassNotFound:
        return None
    if isinstance(lexer, TextLexer) or not lexer.aliases:
        return None
    return str(lexer.aliases[0])


def _respond(request: dict[str, Any]) -> dict[str, Any]:
    request_id = request.get("id")
    operation = request.get("op")
    try:
        if operation == "lex":
            lines = lex_to_lines(str(request["code"]), str(request["lexer"]))
            return {"id": request_id, "ok": True, "lines": lines}
        if operation == "guess":
            return {"id": request_id, "ok": True, "lexer": guess_lexer_alias(str(request["code"]))}
        return {"id": request_id, "ok": False, "error": f"unknown operation {operation!r}"}
    except Exception as error:  # noqa: BLE001 - the parent logs it and shows plain text
        return {"id": request_id, "ok": False, "error": f"{type(error).__name__}: {error}"}


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """Serve lexing requests until stdin closes (runs in the child)."""
    import pygments.lexers  # noqa: F401 - load before reporting ready

    _write_frame(stdout, {"ready": True})
    while True:
        request = _read_frame(stdin)
        if request is None:
            return
        _write_frame(stdout, _respond(request))


def main() -> None:
    """Entry point of the child process."""
    # The child runs in its own session on POSIX, but Ctrl-C in a terminal
    # must never print a traceback from it over the app.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(sys.stdin.buffer, sys.stdout.buffer)


# --- parent side --------------------------------------------------------


class LexerProcess:
    """A lazily started child process that lexes code under a time budget.

    Calls are serialized by a lock and block the calling thread, so call
    them from a worker thread, never from a UI event loop. After a timeout
    the child is killed and the next request starts a new one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._responses: queue.Queue[Any] = queue.Queue()
        self._next_id = 0

    def lex(self, code: str, lexer_name: str, timeout: float) -> list[TokenLine] | None:
        """Return token lines for `code`, or None on failure or timeout."""
        response = self._request({"op": "lex", "lexer": lexer_name, "code": code}, timeout)
        if response is None:
            return None
        return [[(str(kind), str(text)) for kind, text in line] for line in response["lines"]]

    def guess(self, sample: str, timeout: float) -> str | None:
        """Return a lexer alias guessed from `sample`, or None."""
        response = self._request({"op": "guess", "code": sample}, timeout)
        if response is None:
            return None
        alias = response.get("lexer")
        return str(alias) if alias else None

    def close(self) -> None:
        """Stop the child process if it runs."""
        with self._lock:
            self._kill()

    def _request(self, payload: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        with self._lock:
            process = self._ensure_started()
            if process is None or process.stdin is None:
                return None

            self._next_id += 1
            request_id = self._next_id
            try:
                _write_frame(process.stdin, {"id": request_id, **payload})
            except OSError as error:
                logger.warning("Sending a request to the lexer process failed: %s", error)
                self._kill()
                return None

            try:
                response = self._responses.get(timeout=timeout)
            except queue.Empty:
                logger.warning(
                    "Syntax highlighting (%s, %d chars) timed out after %.1f s, so the "
                    "lexer process restarts and the text is shown without colour.",
                    payload.get("lexer", "guess"),
                    len(str(payload.get("code", ""))),
                    timeout,
                )
                self._kill()
                return None

            if response is None:
                logger.warning("The lexer process exited unexpectedly. It restarts on the next request.")
                self._kill()
                return None
            if response.get("id") != request_id:
                logger.warning("The lexer process sent a response out of order, so it restarts.")
                self._kill()
                return None
            if not response.get("ok"):
                logger.info("Syntax highlighting failed: %s", response.get("error"))
                return None
            return dict(response)

    def _ensure_started(self) -> subprocess.Popen[bytes] | None:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._kill()

        if not sys.executable:
            logger.warning("sys.executable is empty, so no lexer process can start and code is shown without colour.")
            return None

        # The child must import this package even when the parent found it
        # through sys.path changes rather than an installed distribution.
        package_root = str(Path(__file__).resolve().parents[2])
        environment = dict(os.environ)
        existing = environment.get("PYTHONPATH")
        environment["PYTHONPATH"] = package_root + (os.pathsep + existing if existing else "")

        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "shadow_tui.render.lex_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=environment,
                start_new_session=os.name == "posix",
            )
        except OSError as error:
            logger.warning("Starting the lexer process failed (%s), so code is shown without colour.", error)
            return None

        responses: queue.Queue[Any] = queue.Queue()
        reader = threading.Thread(
            target=_read_responses,
            args=(process, responses),
            name="lexer-process-reader",
            daemon=True,
        )
        reader.start()

        try:
            ready = responses.get(timeout=_STARTUP_TIMEOUT)
        except queue.Empty:
            ready = None
        if not isinstance(ready, dict) or not ready.get("ready"):
            logger.warning(
                "The lexer process did not start within %.0f s, so code is shown without colour.",
                _STARTUP_TIMEOUT,
            )
            _stop(process)
            return None

        logger.debug("Started lexer process %d", process.pid)
        self._process = process
        self._responses = responses
        return process

    def _kill(self) -> None:
        if self._process is not None:
            _stop(self._process)
            self._process = None


def _read_responses(process: subprocess.Popen[bytes], responses: queue.Queue[Any]) -> None:
    """Move frames from the child's stdout into a queue. None marks the end."""
    stream = process.stdout
    if stream is None:
        responses.put(None)
        return
    try:
        while True:
            message = _read_frame(stream)
            responses.put(message)
            if message is None:
                break
            # The reader waits for the next frame, often long, and a response
            # can contain megabytes of tokens that the requester has used by then.
            del message
    except (OSError, ValueError) as error:
        logger.debug("Reading from lexer process %d stopped: %s", process.pid, error)
        responses.put(None)
    finally:
        stream.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        logger.warning("Lexer process %d did not exit after SIGKILL.", process.pid)
    # The reader thread closes stdout when it reaches the end of the stream.
    if process.stdin is not None:
        try:
            process.stdin.close()
        except OSError as error:
            logger.debug("Closing the stdin of lexer process %d failed: %s", process.pid, error)
    logger.debug("Stopped lexer process %d", process.pid)


if __name__ == "__main__":
    main()
