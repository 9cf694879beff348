"""Logging to a rotating file in the user state folder, never to the terminal.

The browser owns the terminal, so a log line written to stderr would
corrupt the screen. Everything goes to the log file instead.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs

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
    return platformdirs.user_state_path(APP_NAME) / "shadow-tui.log"


def parse_level(level: str | int) -> int:
    """Return the logging level for a name such as "info"; an unknown name raises ShadowTuiError."""
    if isinstance(level, int):
        return level
    name = level.strip().upper()
    if name not in LOG_LEVELS:
        raise ShadowTuiError(f"invalid log level {level!r}: use one of {', '.join(LOG_LEVELS).lower()}")
    return int(logging.getLevelName(name))


def setup_logging(level: str | int = "WARNING", path: Path | None = None) -> Path:
    """Send log records at `level` and above to a rotating file; return the file's path.

    Calling it again replaces the handler it added before, so the level or
    file can change without duplicate lines.
    """
    numeric_level = parse_level(level)
    path = path or default_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    except OSError as error:
        raise ShadowTuiError(
            f"cannot open log file {path}: {error.strerror}. Check the folder's permissions"
        ) from None
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))

    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME:
            root.removeHandler(existing)
            existing.close()
    root.addHandler(handler)
    root.setLevel(numeric_level)
    # Python warnings (deprecations from libraries) go to the log file too.
    logging.captureWarnings(True)
    logging.getLogger(__name__).info("Logging at %s to %s", logging.getLevelName(numeric_level), path)
    return path
