"""One place that turns worker errors into a visible message and a logged traceback.

Wrap every async worker body with `reports_errors("what it does")`, under
`@work(...)`. An error then reaches the person as one plain line (and, for
database failures, the error screen with retry), and its traceback goes
to the log file, never the screen.

Every `@work(...)` passes `description=`. Without it Textual 8 names the
worker with the `repr()` of every argument, on the UI thread, and for a
parsed 1,000,000-line diff that froze the app for 2.5 s.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from textual.dom import DOMNode
from textual.worker import NoActiveWorker, get_current_worker

from shadow_tui.db.retry import is_connection_loss
from shadow_tui.errors import DatabaseError, NotFoundError, QuerySyntaxError, ShadowTuiError
from shadow_tui.tui.messages import ConnectionLost, ErrorReported

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# Errors that mean the database itself failed: missing, unreadable, wrong
# schema, or a server connection that went away. SQLAlchemy's DBAPIError
# (and its subclass OperationalError) is checked in `describe_error`.
DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    DatabaseError,
    OSError,
    TimeoutError,
)


def describe_error(error: BaseException, action: str, log_path: str | None = None) -> tuple[str, bool]:
    """Return the plain-words message for an error, and whether the database failed."""
    # Imported here: the browser's first frame comes before SQLAlchemy is imported.
    from sqlalchemy.exc import DBAPIError

    if isinstance(error, ShadowTuiError):
        return f"{action} failed: {error}", isinstance(error, DatabaseError)
    if isinstance(error, DBAPIError):
        original = error.orig if error.orig is not None else error
        detail = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
        return (
            f"{action} failed: the database connection failed ({detail}). "
            "Check that the database is reachable, then press r to retry",
            True,
        )
    if isinstance(error, DATABASE_ERRORS):
        detail = str(error) or type(error).__name__
        return f"{action} failed: {detail}. Press r to retry", True
    where = f" in {log_path}" if log_path else " in the log file"
    return (
        f"{action} failed with an unexpected {type(error).__name__}: {error}. "
        f"The traceback is{where}",
        False,
    )


def report_error(node: DOMNode, error: BaseException, action: str) -> None:
    """Log an error with its traceback and ask the app to show it.

    A lost connection to the database server goes to the app as
    ConnectionLost, which shows a status line and reconnects, instead of
    the error screen.
    """
    if is_connection_loss(error):
        logger.warning("%s failed: the database connection is lost (%s)", action, type(error).__name__)
        logger.debug("%s failed on a lost connection", action, exc_info=error)
        node.app.post_message(ConnectionLost(error, action))
        return
    log_path = getattr(node.app, "log_path", None)
    message, database = describe_error(error, action, str(log_path) if log_path else None)
    if isinstance(error, NotFoundError | QuerySyntaxError):
        logger.info("%s: %s", action, error)
        severity = "warning"
    elif isinstance(error, ShadowTuiError):
        logger.warning("%s: %s", action, error)
        severity = "error"
    else:
        logger.error("%s failed", action, exc_info=error)
        severity = "error"
    node.app.post_message(ErrorReported(message, database=database, severity=severity))


def _worker_cancelled() -> bool:
    try:
        return get_current_worker().is_cancelled
    except NoActiveWorker:
        return False


def reports_errors(action: str) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R | None]]]:
    """Decorate an async worker method so an error is reported, not raised.

    `action` names the work in the message, such as "Loading tasks". The
    method returns None when it failed. Cancellation still propagates, so
    exclusive workers stop as Textual expects.
    """

    def decorate(function: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R | None]]:
        @wraps(function)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
            node: Any = args[0]
            try:
                return await function(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - every error is logged and shown
                if _worker_cancelled():
                    # A newer request replaced this one; its result is stale anyway.
                    logger.debug("%s was cancelled and raised %r", action, error)
                    return None
                if not node.is_attached or not node.app.is_running:
                    # The app is closing or the widget was removed, so there is
                    # nowhere to show the error and its result has no use.
                    logger.info("%s failed after its view closed: %r", action, error)
                    return None
                report_error(node, error, action)
                return None

        return wrapper

    return decorate
