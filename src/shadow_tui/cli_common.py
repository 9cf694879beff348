"""Helpers shared by the command-line commands (no Textual import)."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar

import click

from shadow_tui.errors import ShadowTuiError

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Exit status for errors; 1 is kept for "nothing matched", as grep does.
EXIT_ERROR = 2

db_option = click.option(
    "--db",
    "db",
    metavar="DB",
    envvar=None,
    help="Database: a SQLite file path, sqlite:///PATH or postgresql://USER@HOST/NAME. "
    "Default: $SHADOW_TUI_DB, else history.db in the user data folder.",
)


# Characters that json.dumps(ensure_ascii=False) writes raw although a
# terminal may act on them: DEL, the C1 controls (U+009B is a one-byte CSI)
# and the line and paragraph separators. C0 controls are always escaped.
_JSON_RAW_CONTROLS = re.compile("[\x7f-\x9f\u2028\u2029]")


def escape_json_controls(text: str) -> str:
    """Replace the control characters that JSON text may hold raw with \\u escapes, which decode to the same data."""
    return _JSON_RAW_CONTROLS.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def fail(message: str) -> None:
    """Print `error: message` to standard error and exit with EXIT_ERROR."""
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def run_async(function: Callable[..., Awaitable[T]]) -> Callable[..., T]:
    """Run an async command body; plain-words errors become `error: ...` lines."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        # Imported here, so commands that run no coroutine (search on a SQLite file) skip importing asyncio.
        import asyncio

        try:
            return asyncio.run(function(*args, **kwargs))
        except ShadowTuiError as error:
            logger.info("Command failed: %s", error)
            fail(str(error))
        except Exception as error:
            # open_reader and open_writer turn driver errors into DatabaseError.
            # This catches a SQLAlchemy error raised outside them, without printing a traceback.
            # SQLAlchemy is looked up, not imported, because commands that never load it
            # (search on a SQLite file) cannot raise its errors.
            sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
            if sqlalchemy_exc is None or not isinstance(error, sqlalchemy_exc.SQLAlchemyError):
                raise
            logger.exception("Command failed with a database error")
            original = getattr(error, "orig", None) or error
            detail = str(original).splitlines()[0] if str(original) else type(original).__name__
            fail(f"database error: {detail}. The log file has the details")
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        raise AssertionError("unreachable")

    return wrapper
