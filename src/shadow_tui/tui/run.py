"""`run_browser`: the browser as the `shadow-tui` command runs it, on the terminal until the user quits."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from shadow_tui.logging_setup import open_log_file, setup_logging
from shadow_tui.tui.app import create_app


def run_browser(db: str | None, query: str | None = None, task_id: str | None = None, demo: bool = False) -> None:
    """Open the browser on a database (or the demo database) until the user quits."""
    if not logging.getLogger().handlers:
        # Without a handler, warnings would reach stderr and corrupt the screen.
        setup_logging()
    # A log file that cannot be opened is reported now, while stderr is still the plain terminal,
    # and again in the app, whose screen hides the terminal's earlier lines.
    log_problem = open_log_file()
    if demo:
        from shadow_tui.tui.demo_database import ensure_demo_database

        db = str(ensure_demo_database())
    app = create_app(db, query=query, task_id=task_id)
    app.log_problem = log_problem
    # With its own loop, `App.run` returns without joining the loop's executor
    # threads, where thread workers (Markdown bodies, diff parses, finds) run
    # and cannot be interrupted. os._exit then skips the join at interpreter
    # exit too. Those threads only read (tests/test_hardening_app.py checks
    # that the browser never writes), so ending them loses no data.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    app.run(loop=loop)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(app.return_code or 0)
