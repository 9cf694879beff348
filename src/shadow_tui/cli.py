"""The `shadow-tui` command.

`shadow-tui [DB]` with no command opens the browser. The other commands
run without importing Textual, so they start fast.
"""

from __future__ import annotations

import importlib
import os
import sys
import logging

import click

from shadow_tui import __version__
from shadow_tui.cli_common import db_option
from shadow_tui.logging_setup import LOG_LEVELS, setup_logging

logger = logging.getLogger(__name__)

# Command name -> "module:attribute", imported only when the command runs.
LAZY_COMMANDS = {
    "tasks": "shadow_tui.cli_tasks:tasks_command",
    "schema": "shadow_tui.cli_db:schema_command",
    "db": "shadow_tui.cli_db:db_group",
    "ingest": "shadow_tui.cli_db:ingest_command",
    "demo": "shadow_tui.cli_demo:demo_command",
    "import": "shadow_tui.cli_import:import_command",
    "show": "shadow_tui.cli_show:show_command",
    "search": "shadow_tui.cli_search:search_command",
    "stats": "shadow_tui.cli_stats:stats_command",
    "serve": "shadow_tui.cli_serve:serve_command",
}


class DefaultGroup(click.Group):
    """A group that runs `browse` when the first argument is not a command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        commands = set(self.list_commands(ctx))
        index = 0
        while index < len(args):
            if args[index] == "--log-level":
                index += 2
            elif args[index].startswith("--log-level="):
                index += 1
            else:
                break
        rest = args[index:]
        if not rest or (rest[0] not in commands and rest[0] not in ("-h", "--help", "--version")):
            if rest:
                _reject_unknown_command(rest[0], commands)
            args = [*args[:index], "browse", *rest]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module_name, attribute = LAZY_COMMANDS[name].split(":")
            return getattr(importlib.import_module(module_name), attribute)  # type: ignore[no-any-return]
        return super().get_command(ctx, name)


# Words for what a command does, mapped to the command line that does it.
COMMAND_SYNONYMS = {
    "export": "show TASK --output FILE",
    "list": "tasks",
    "ls": "tasks",
    "find": "search QUERY",
    "grep": "search QUERY",
    "open": "browse DB",
    "upgrade": "db upgrade",
    "migrate": "db upgrade",
}


def _reject_unknown_command(word: str, commands: set[str]) -> None:
    """Raise a usage error that names `word` as an unknown command, unless `word` can name a database.

    Without a command the first argument is the database to browse, so
    `shadow-tui export` would look for a database file named "export". A
    word is still taken as a database when it names an existing path, or
    has a path separator, a file suffix or a URL scheme.
    """
    path_characters = {"/", ".", ":", os.sep, os.altsep or os.sep}
    if word.startswith("-") or os.path.exists(word) or any(character in word for character in path_characters):
        return
    # Imported only for a word that may be a mistyped command, because difflib costs 5 ms of start-up.
    import difflib
    import shlex

    names = sorted(commands)
    close_matches = difflib.get_close_matches(word, names, n=3, cutoff=0.7)
    if close_matches:
        problem = f"no such command {word!r}; did you mean {' or '.join(repr(name) for name in close_matches)}?"
    elif word.lower() in COMMAND_SYNONYMS:
        problem = f"no such command {word!r}; did you mean `shadow-tui {COMMAND_SYNONYMS[word.lower()]}`?"
    else:
        problem = f"no such command {word!r}. The commands are: {', '.join(names)}."
    raise click.UsageError(
        f"{problem} To open a database file named {word!r}, pass {shlex.quote('./' + word)} or --db {shlex.quote(word)}",
        ctx=click.get_current_context(silent=True),
    )


@click.group(cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="shadow-tui")
@click.option("--log-level", type=click.Choice(LOG_LEVELS, case_sensitive=False), default="info",
              show_default=True, help="Level of the log file in the user state folder.")
def main(log_level: str) -> None:
    """Browse and search coding-agent sessions (Shadow, Claude Code, Codex, SWE-agent, OpenHands).

    With no command, opens the browser on DB. A DB without `/`, `.` or `:`
    must name an existing file, else it is reported as an unknown command.
    """
    setup_logging(log_level)


def terminal_problem() -> str | None:
    """Return why the browser cannot draw on this process's streams, or None when it can.

    Textual's Linux driver (checked in 8.2.8) reads keys from stdin and draws
    on stderr, so both must be terminals. A process that textual-serve starts
    has neither, and sets TEXTUAL_DRIVER to its web driver, which needs no
    terminal.
    """
    if os.environ.get("TEXTUAL_DRIVER"):
        return None
    for name, stream in (("standard input", sys.stdin), ("standard error", sys.stderr)):
        if stream is None or not stream.isatty():
            return f"{name} is not a terminal (it is redirected to a file or a pipe)"
    return None


@main.command("browse")
@click.argument("database", required=False, metavar="[DB]")
@db_option
@click.option("--query", "-q", default=None, help="Start with this filter, e.g. 'status:error since:7d'.")
@click.option("--task", "task_id", default=None, help="Open this task (an id or a unique prefix).")
@click.option("--demo", is_flag=True, help="Open a demo database, created in the user cache folder on first use.")
def browse_command(database: str | None, db: str | None, query: str | None, task_id: str | None, demo: bool) -> None:
    """Open the browser (the default command)."""
    if database and db and database != db:
        raise click.UsageError(f"two databases given, {database!r} and --db {db!r}: pass only one")
    problem = terminal_problem()
    if problem:
        raise click.UsageError(
            f"the browser needs a terminal, but {problem}. Run it in a terminal; for output that a "
            "script can read use `shadow-tui tasks`, `show` or `search`, and for a web page `shadow-tui serve`."
        )
    from shadow_tui.tui.run import run_browser

    run_browser(database or db, query=query, task_id=task_id, demo=demo)
