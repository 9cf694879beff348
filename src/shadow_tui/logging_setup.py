"""Logging to a rotating file in the user state folder, never to the terminal.

The browser owns the terminal, so a log line written to stderr would
corrupt the screen. Everything goes to the log file instead.

The file is opened at the first record, not at start-up. Most runs of
`shadow-tui search` or `show` log nothing, so they skip the imports of
`logging.handlers` and platformdirs and leave the file alone. Those imports
took 13 ms of a 100 ms search on a loaded 2-core VM (`python -X importtime`).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from shadow_tui.errors import ShadowTuiError

APP_NAME = "shadow-tui"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# One log file is cut at this size and up to LOG_BACKUPS old ones are kept.
LOG_MAX_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 3
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_HANDLER_NAME = "shadow-tui-file"


def default_log_path() -> Path:
    """Return the log file: `shadow-tui.log` in the user state folder."""
    import platformdirs

    return platformdirs.user_state_path(APP_NAME) / "shadow-tui.log"


def parse_level(level: str | int) -> int:
    """Return the logging level for a name such as "info"; an unknown name raises ShadowTuiError."""
    if isinstance(level, int):
        return level
    name = level.strip().upper()
    if name not in LOG_LEVELS:
        raise ShadowTuiError(f"invalid log level {level!r}: use one of {', '.join(LOG_LEVELS).lower()}")
    return int(logging.getLevelName(name))


class LogFileHandler(logging.Handler):
    """A handler that opens the rotating log file at its first record.

    When the file cannot be opened, it writes one warning to stderr and
    drops the records of the rest of the run, because the commands work
    without a log file.
    """

    def __init__(self, path: Path | None) -> None:
        super().__init__()
        self._path = path
        self._file: logging.Handler | None = None
        self.problem: str | None = None
        """Why the file could not be opened, once an attempt has failed."""

    @property
    def path(self) -> Path:
        """The log file; the default path is looked up on first use."""
        if self._path is None:
            self._path = default_log_path()
        return self._path

    def open(self, first: logging.LogRecord | None = None) -> bool:
        """Open the file unless it is open; return False, after warning on stderr, when it cannot be opened.

        `first` is the record that opens the file, whose time the file's first line takes.
        """
        if self._file is not None:
            return True
        if self.problem is not None:
            return False
        import logging.handlers

        path = self.path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            file_handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
            )
        except OSError as error:
            self.problem = (
                f"cannot open log file {path}: {error.strerror}. Logging is off; check that the folder "
                "can be created and written, or set XDG_STATE_HOME to a writable folder"
            )
            sys.stderr.write(f"warning: {self.problem}\n")
            return False
        file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
        self._file = file_handler
        level = logging.getLevelName(logging.getLogger().level)
        header = logging.makeLogRecord({
            "name": __name__, "levelno": logging.INFO, "levelname": "INFO",
            "msg": "Logging at %s to %s", "args": (level, path),
        })
        if first is not None:
            # Dated like the record that opened the file, so the times in the file never run backwards.
            header.created, header.msecs = first.created, first.msecs
        file_handler.emit(header)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        if self.open(record):
            assert self._file is not None
            self._file.emit(record)

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def setup_logging(level: str | int = "WARNING", path: Path | None = None) -> LogFileHandler:
    """Send log records at `level` and above to a rotating file, opened at the first record.

    `path` defaults to `default_log_path()`. Calling it again replaces the
    handler it added before, so the level or file can change without
    duplicate lines. Returns the new handler; its `open()` opens the file at once.
    """
    numeric_level = parse_level(level)
    handler = LogFileHandler(path)
    handler.set_name(_HANDLER_NAME)

    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME:
            root.removeHandler(existing)
            existing.close()
    root.addHandler(handler)
    root.setLevel(numeric_level)
    # Python warnings (deprecations from libraries) go to the log file too.
    logging.captureWarnings(True)
    return handler


def open_log_file() -> str | None:
    """Open the installed log file now, so a problem is reported before the screen is taken.

    Returns why the file cannot be opened, or None when it is open or no
    handler of this module is installed.
    """
    for handler in logging.getLogger().handlers:
        if isinstance(handler, LogFileHandler):
            handler.acquire()
            try:
                handler.open()
            finally:
                handler.release()
            return handler.problem
    return None
