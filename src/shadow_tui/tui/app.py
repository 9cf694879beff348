"""The browser app and its factory; `tui.run.run_browser` runs it for the command line.

The database location is passed in (`create_app(db)`); nothing reads it
at import time. The engine lives as long as the app and is `app.engine`,
which the panes read.

On a SQLite file without --query and --task, the list's first page is read
through `sqlite3` in a thread while Textual composes the screen
(`MainScreen.show_first_page`), and SQLAlchemy is imported after that page
is on screen: the import took longer than the rest of the start-up.
`app.engine` creates the engine on first use.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.theme import Theme

from shadow_tui.config import Config, ConfigError, load_config_or_defaults, save_setting
from shadow_tui.db.locations import plain_sqlite_path
from shadow_tui.db.retry import is_connection_loss
from shadow_tui.db.shutdown import close_engine
from shadow_tui.errors import ShadowTuiError
from shadow_tui.heap import limit_heap_retention
from shadow_tui.logging_setup import default_log_path
from shadow_tui.queries.first_page_sqlite import FirstPage, read_first_page_file
from shadow_tui.tui.app_settings import apply_keymap, apply_theme
from shadow_tui.tui.messages import ConnectionLost, ErrorReported
from shadow_tui.tui.paths import stylesheet_path
from shadow_tui.tui.reconnect import lost_message, probe, reconnect_delays, reconnected_message
from shadow_tui.tui.repaint_hold import RepaintHold
from shadow_tui.tui.screens.main import MainScreen
from shadow_tui.tui.widgets.task_pages import PAGE_SIZE
from shadow_tui.tui.workers import report_error

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.ext.asyncio import AsyncEngine
    from textual.command import Provider

    from shadow_tui.db.engine import DatabaseTarget
    from shadow_tui.queries.task_reader import TaskReader

logger = logging.getLogger(__name__)


def _shadow_commands() -> type[Provider]:
    # The command palette's provider imports rapidfuzz, which the first frame does not need.
    from shadow_tui.tui.commands import ShadowCommands

    return ShadowCommands


class ShadowTuiApp(App[None]):
    """Browse and search coding-agent sessions."""

    TITLE = "shadow-tui"
    CSS_PATH = str(stylesheet_path())
    COMMANDS = App.COMMANDS | {_shadow_commands}

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("f", "toggle_follow", "Follow", id="app.follow"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True, id="app.palette"),
    ]

    follow: reactive[bool] = reactive(False, init=False)
    """Follow mode: panes keep the newest row in view when a running task refreshes."""

    def __init__(
        self,
        database: str | None,
        *,
        query: str | None = None,
        task_id: str | None = None,
        config: Config | None = None,
        config_error: str | None = None,
        now: datetime | None = None,
        log_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.config = config or Config()
        self.config_error = config_error
        self.log_problem: str | None = None
        """The reason the log file could not be opened, shown once the app starts. `run_browser` sets it."""
        self.database = database or self.config.database
        self.initial_query = query or ""
        self.initial_task_id = task_id
        self.frozen_now = now
        self.log_path = log_path or default_log_path()
        self.refresh_interval = self.config.refresh_interval
        self._engine: AsyncEngine | None = None
        self._target: DatabaseTarget | None = None
        self._engine_created = False
        self._engine_error: str | None = None
        self._thread_engine: Engine | None = None
        """The synchronous engine on the SQLite file of `_engine`, or None (see `queries.task_reader`)."""
        self._task_reader: TaskReader | None = None
        self.repaint_hold = RepaintHold(self)
        """The hold on repaints while a filter is applied, so the query bar and the new rows come in one frame."""
        self.connection_lost = False
        self._database_error = ""
        """The message of the last database error that the error screen showed."""
        """True from a read that lost the server's connection until a reconnect attempt succeeds."""
        self._saved_theme = self.config.theme
        self._first_page_through_sqlite = (
            not self.initial_query.strip() and not task_id and plain_sqlite_path(self.database) is not None
        )
        """Whether the app first tries to show the list through `sqlite3`."""
        self._first_page_read: asyncio.Future[FirstPage | None] | None = None
        if not self._first_page_through_sqlite:
            self._create_engine()

    # Database ---------------------------------------------------------------------

    @property
    def engine(self) -> AsyncEngine | None:
        """The read-only engine, or None when the database argument is invalid. Created on first use."""
        if not self._engine_created:
            self._create_engine()
        return self._engine

    @engine.setter
    def engine(self, engine: AsyncEngine | None) -> None:
        self._engine = engine
        self._engine_created = True
        # The file behind an engine set from outside is not known, so its reads go through that engine.
        self._thread_engine = None
        self._task_reader = None

    @property
    def task_reader(self) -> TaskReader | None:
        """The reader of the task list's pages and counts on `engine`, or None when `engine` is None."""
        engine = self.engine
        if engine is None:
            return None
        if self._task_reader is None:
            # Imported here: queries.task_reader imports the models, which the first frame does without.
            from shadow_tui.queries.task_reader import TaskReader

            self._task_reader = TaskReader(engine, self._thread_engine)
        return self._task_reader

    @property
    def target(self) -> DatabaseTarget | None:
        """The database that `engine` reads, or None when the database argument is invalid."""
        if not self._engine_created:
            self._create_engine()
        return self._target

    def _create_engine(self) -> None:
        """Create the engine without connecting. `engine` and `target` call this on first use."""
        # Imported here: db.engine imports SQLAlchemy, which the first page of a SQLite file does without.
        from shadow_tui.db.engine import create_engine_for, create_sqlite_thread_reader, resolve_database

        self._engine_created = True
        self._engine = None
        self._thread_engine = None
        self._task_reader = None
        try:
            self._target = resolve_database(self.database)
            self._engine = create_engine_for(self._target, write=False)
            if self._target.path is not None:
                self._thread_engine = create_sqlite_thread_reader(self._target.path)
            self._engine_error = None
        except ShadowTuiError as error:
            self._engine_error = str(error)

    @work(exclusive=True, group="database", exit_on_error=False, description="open_database")
    async def open_database(self) -> None:
        """Check that the database is reachable and current, then start or reload the browser."""
        if self._first_page_read is not None:
            first_page_read, self._first_page_read = self._first_page_read, None
            page = await first_page_read
            main = self.main_screen
            if page is not None and main is not None:
                logger.info("Read the first page of tasks from %s through sqlite3", self.database)
                # The main screen opens the database again through here once that page is on screen.
                main.show_first_page(page)
                return

        from sqlalchemy.exc import OperationalError

        from shadow_tui.db.access import describe_connection_error
        from shadow_tui.db.schema import check_schema

        if self.engine is None:
            self._create_engine()
        if self.engine is None or self.target is None:
            self._database_failed(self._engine_error or "the database could not be opened")
            return
        try:
            await check_schema(self.engine, self.target.display)
        except (OperationalError, OSError, TimeoutError) as error:
            self._database_failed(describe_connection_error(self.target, error))
            return
        except ShadowTuiError as error:
            self._database_failed(str(error))
            return
        logger.info("Opened database %s", self.target.display)
        from shadow_tui.tui.screens.error import ErrorScreen

        if isinstance(self.screen, ErrorScreen):
            self.pop_screen()
        main = self.main_screen
        if main is None:
            return
        if main.started:
            main.reload_all()
        else:
            main.start()

    def _database_failed(self, message: str) -> None:
        logger.warning("Database unavailable: %s", message)
        self.post_message(ErrorReported(message, database=True))

    @property
    def main_screen(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def clock(self) -> datetime:
        """Return the current time, or the frozen time given to the app (tests, screenshots)."""
        return self.frozen_now or datetime.now(timezone.utc)

    # Lifecycle ------------------------------------------------------------------------

    def on_load(self) -> None:
        if self._first_page_through_sqlite:
            # In a thread, so the read overlaps the composing and styling of the screen.
            # Two pages, because the terminal's height is not known yet and the unfiltered list reads fast.
            self._first_page_read = asyncio.ensure_future(
                asyncio.to_thread(read_first_page_file, self.database, 2 * PAGE_SIZE)
            )

    def get_default_screen(self) -> MainScreen:
        return MainScreen(query=self.initial_query, task_id=self.initial_task_id, first_page_read=self._first_page_read)

    def on_mount(self) -> None:
        apply_theme(self, self.config.theme)
        apply_keymap(self, self.config.keys)
        if self.config_error:
            self.notify(f"{self.config_error}. Using the default settings.", severity="error", timeout=15, markup=False)
        if self.log_problem:
            self.notify(self.log_problem[0].upper() + self.log_problem[1:] + ".", severity="warning", timeout=15,
                        markup=False)
        for warning in self.config.warnings:
            self.notify(warning, severity="warning", timeout=10, markup=False)
        self.theme_changed_signal.subscribe(self, self._save_theme)
        self.open_database()

    async def on_unmount(self) -> None:
        self.workers.cancel_all()
        # `_engine`, not `engine`, which would create an engine only to close it.
        if self._engine is not None:
            await close_engine(self._engine, self._target.display if self._target else "the database")
        if self._thread_engine is not None:
            self._thread_engine.dispose()

    def _save_theme(self, theme: Theme) -> None:
        if theme.name == self._saved_theme:
            return
        self._saved_theme = theme.name
        try:
            path = save_setting("theme", theme.name)
        except ConfigError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        logger.info("Theme %s saved to %s", theme.name, path)

    # Errors ------------------------------------------------------------------------------

    def on_error_reported(self, message: ErrorReported) -> None:
        if not message.database:
            self.notify(message.message, severity=message.severity, timeout=8, markup=False)  # type: ignore[arg-type]
            return
        # Imported here, like the other screens that appear only on demand, to keep start-up short.
        from shadow_tui.tui.screens.error import ErrorScreen

        self._database_error = message.message
        if isinstance(self.screen, ErrorScreen):
            self.screen.update_message(message.message)
            return
        where = self.target.display if self.target is not None else None
        self.push_screen(ErrorScreen(message.message, where=where), self._after_error_screen)

    def on_connection_lost(self, message: ConnectionLost) -> None:
        if self.connection_lost:
            # The reconnect worker is running already, and it reloads everything after it reconnects.
            return
        self.connection_lost = True
        if self.target is not None:
            # Imported here: db.access imports SQLAlchemy, which the first frame does without.
            from shadow_tui.db.access import error_detail

            logger.warning(
                "%s lost the connection to %s (%s); reconnecting",
                message.action, self.target.display, error_detail(self.target, message.error),
            )
        self._reconnect(message.error)

    @work(exclusive=True, group="reconnect", exit_on_error=False, description="_reconnect")
    async def _reconnect(self, error: BaseException) -> None:
        """Show the lost connection, retry until the server accepts a connection, then reload the browser."""
        if self.engine is None or self.target is None:
            self.connection_lost = False
            return
        from shadow_tui.db.access import error_detail

        attempt = 0

        for delay in reconnect_delays():
            message = lost_message(self.target, error, attempt, delay)
            self._show_connection(message, lost=True)
            if attempt == 0:
                self.notify(message, severity="error", timeout=10, markup=False)
            await asyncio.sleep(delay)
            attempt += 1
            try:
                await probe(self.engine)
            except Exception as failure:  # noqa: BLE001 - a lost connection is retried, others are reported
                if not is_connection_loss(failure):
                    self.connection_lost = False
                    self._show_connection(None, lost=False)
                    report_error(self, failure, "Reconnecting to the database")
                    return
                error = failure
                logger.info(
                    "Reconnect attempt %d to %s failed: %s", attempt, self.target.display,
                    error_detail(self.target, failure),
                )
                continue
            break

        self.connection_lost = False
        logger.info("Reconnected to %s after %d attempts", self.target.display, attempt)
        message = reconnected_message(self.target)
        # The toast about the lost connection would otherwise stay up beside this one.
        self.clear_notifications()
        self.notify(message, timeout=5, markup=False)
        self._show_connection(message, lost=False)
        main = self.main_screen
        if main is not None and main.started:
            main.reload_all()

    def _show_connection(self, message: str | None, *, lost: bool) -> None:
        main = self.main_screen
        if main is None or not main.is_mounted:
            return
        status = main.connection_status
        if message is None:
            status.hide()
        elif lost:
            status.show_lost(message)
        else:
            status.show_reconnected(message)

    def _after_error_screen(self, choice: str | None) -> None:
        if choice == "quit":
            from rich.text import Text

            from shadow_tui.cli_common import EXIT_ERROR

            # The exit status reports the failure to the shell, and the message
            # stays on the terminal after the app's screen is gone.
            self.exit(return_code=EXIT_ERROR, message=Text(f"error: {self._database_error}"))
        else:
            self.open_database()

    def on_worker_state_changed(self, event: Any) -> None:
        # Workers on the app itself; widget workers report through `reports_errors`.
        worker = event.worker
        if worker.error is not None and event.state.name == "ERROR":
            report_error(self, worker.error, "Opening the database")

    # Actions ---------------------------------------------------------------------------------

    def action_help(self) -> None:
        from shadow_tui.tui.help_sections import help_sections
        from shadow_tui.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_sections()))

    def action_toggle_follow(self) -> None:
        self.follow = not self.follow

    def watch_follow(self, follow: bool) -> None:
        main = self.main_screen
        if main is not None and main.is_mounted:
            main.summary.set_follow(follow)
        self.notify("Follow on: running tasks stay scrolled to the newest row." if follow else "Follow off.", timeout=2, markup=False)


def create_app(
    db: str | None,
    *,
    query: str | None = None,
    task_id: str | None = None,
    config: Config | None = None,
    now: datetime | None = None,
) -> ShadowTuiApp:
    """Build the browser app; the CLI, tests and the screenshot script share this.

    Without `config`, the user's config file is read; an invalid one gives the
    defaults and a notification when the app starts.
    """
    # The browser reads large values and frees them while it runs, so freed memory should go back.
    limit_heap_retention()
    config_error = None
    if config is None:
        config, config_error = load_config_or_defaults()
    return ShadowTuiApp(db, query=query, task_id=task_id, config=config, config_error=config_error, now=now)
