"""Helpers shared by the command-line commands (no Textual import)."""

from __future__ import annotations

import asyncio
import logging
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


def fail(message: str) -> None:
    """Print `error: message` to standard error and exit with EXIT_ERROR."""
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def run_async(function: Callable[..., Awaitable[T]]) -> Callable[..., T]:
    """Run an async command body; plain-words errors become `error: ...` lines."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return asyncio.run(function(*args, **kwargs))
        except ShadowTuiError as error:
            logger.info("Command failed: %s", error)
            fail(str(error))
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        raise AssertionError("unreachable")

    return wrapper
