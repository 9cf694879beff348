"""`shadow-tui search QUERY`: full-text search from the shell, one line per hit, like grep.

Exit status: 0 when something matched, 1 when nothing did, 2 on errors.

Without `--query`, a SQLite file is searched through `sqlite3`
(`queries.search_sqlite`), which spares the import of SQLAlchemy. Rich is
imported only to print the table format.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from typing import TYPE_CHECKING, Any

import click

from shadow_tui.cli_common import db_option, fail, run_async
from shadow_tui.db.sqlite_reader import open_current_sqlite
from shadow_tui.errors import ShadowTuiError
from shadow_tui.queries.search_records import SEARCH_KINDS, SearchHit, SearchKind
from shadow_tui.queries.search_sqlite import search_sqlite

if TYPE_CHECKING:
    from rich.text import Text

    from shadow_tui.queries.filter import TaskFilter

logger = logging.getLogger(__name__)

# Exit status when nothing matched, as grep uses.
EXIT_NO_MATCH = 1
MATCH_STYLE = "bold reverse"
KIND_STYLES = {"message": "cyan", "command": "green", "output": "yellow", "diff": "magenta"}
SHORT_ID_LENGTH = 12


def parse_kinds(value: str | None) -> tuple[SearchKind, ...]:
    """Parse `--kind message,output` into kinds; an unknown kind or an empty list raises click.BadParameter."""
    if value is None:
        return SEARCH_KINDS
    if not value.strip(" ,"):
        raise click.BadParameter(f"missing kind: use one or more of {', '.join(SEARCH_KINDS)}, separated by commas",
                                 param_hint="--kind")
    kinds: list[SearchKind] = []
    for item in value.split(","):
        name = item.strip().lower()
        if not name:
            continue
        if name not in SEARCH_KINDS:
            raise click.BadParameter(f"invalid kind {name!r}: use one or more of {', '.join(SEARCH_KINDS)}, "
                                     "separated by commas", param_hint="--kind")
        if name not in kinds:
            kinds.append(name)  # type: ignore[arg-type]
    return tuple(kinds) or SEARCH_KINDS


def snippet_text(hit: SearchHit, *, highlight: bool) -> Text:
    """Return the hit's snippet as a Rich Text, its matches styled when `highlight` is on.

    The snippet is sanitized piece by piece between match offsets, so the
    offsets stay right even where sanitizing changes the text's length.
    """
    from rich.text import Text

    from shadow_tui.render.terminal import sanitize_inline

    text = Text()
    position = 0
    for start, end in sorted(hit.offsets):
        if start < position or end <= start:
            continue
        text.append(sanitize_inline(hit.snippet[position:start]))
        text.append(sanitize_inline(hit.snippet[start:end]), style=MATCH_STYLE if highlight else None)
        position = end
    text.append(sanitize_inline(hit.snippet[position:]))
    return text


def hit_line(hit: SearchHit, *, highlight: bool) -> Text:
    """Return one output line: short task id, kind, time in UTC, snippet."""
    from rich.text import Text

    when = hit.created_at.strftime("%Y-%m-%d %H:%M UTC") if hit.created_at else "-"
    line = Text()
    line.append(hit.task_id[:SHORT_ID_LENGTH], style="bold" if highlight else None)
    line.append("  ")
    line.append(f"{hit.kind:<7}", style=KIND_STYLES.get(hit.kind) if highlight else None)
    line.append("  ")
    line.append(when, style="dim" if highlight else None)
    line.append("  ")
    line.append_text(snippet_text(hit, highlight=highlight))
    return line


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """Return the JSON object of one hit; the snippet is raw text as stored, offsets index it."""
    return {
        "task_id": hit.task_id,
        "task_title": hit.task_title,
        "kind": hit.kind,
        "item_id": hit.item_id,
        "created_at": hit.created_at.isoformat() if hit.created_at else None,
        "line": hit.line,
        "snippet": hit.snippet,
        "offsets": [list(span) for span in hit.offsets],
    }


def _print_lines(hits: list[SearchHit], color: str) -> None:
    from rich.console import Console

    is_tty = sys.stdout.isatty()
    highlight = color == "always" or (color == "auto" and is_tty)
    # On a pipe, "--color always" cannot detect the terminal, so it uses the 16 standard colors.
    color_system = None
    if highlight:
        color_system = "auto" if is_tty else "standard"
    console = Console(
        force_terminal=highlight, color_system=color_system, highlight=False,
        markup=False, emoji=False, soft_wrap=True, width=None if is_tty else 400,
    )
    for hit in hits:
        line = hit_line(hit, highlight=highlight)
        line.no_wrap = True
        line.overflow = "ellipsis" if is_tty else "ignore"
        console.print(line, soft_wrap=not is_tty)


@click.command("search")
@click.argument("query")
@db_option
@click.option("--kind", "kinds", default=None, metavar="KINDS",
              help=f"Search only these kinds, comma-separated: {', '.join(SEARCH_KINDS)}. Default: all.")
@click.option("--query", "-q", "filter_query", default="",
              help="Only tasks matching this filter, e.g. 'status:error repo:api since:7d'.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table prints one line per hit; json prints a list of hit objects.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Maximum number of hits. A line on standard error reports when the limit leaves hits out.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Highlight matches: auto does it when standard output is a terminal.")
def search_command(
    query: str, db: str | None, kinds: str | None, filter_query: str, output_format: str, limit: int,
    color: str,
) -> None:
    """Search messages, commands, outputs and diffs of all tasks, best hits first.

    Words must all occur; "a phrase" in quotes matches the words in order,
    and a trailing * matches a prefix (build*). Exit status 1 means nothing
    matched, as with grep. A `no matches` line then goes to standard error.
    """
    if not query.strip():
        raise click.UsageError("the search text is empty: give one or more words, for example `shadow-tui search timeout`")
    selected_kinds = parse_kinds(kinds)
    # One hit more than the limit is requested, so the command detects whether the limit left hits out.
    hits = None
    if not filter_query.strip():
        hits = _search_sqlite_file(db, query, selected_kinds, limit + 1)
    if hits is None:
        # Imported here: a search without a filter never needs the filter parser.
        from shadow_tui.queries.filter import parse_filter

        try:
            task_filter = parse_filter(filter_query)
        except ShadowTuiError as error:
            logger.info("Command failed: %s", error)
            fail(str(error))
        hits = _search_with_engine(db, query, selected_kinds, task_filter, limit + 1)
    has_more = len(hits) > limit
    hits = hits[:limit]
    if output_format == "json":
        click.echo(json.dumps([hit_json(hit) for hit in hits], indent=2))
    else:
        _print_lines(hits, color)
    if not hits:
        # Unlike grep, this line is printed on a pipe too. It goes to standard error, so standard
        # output stays empty (or `[]` in JSON) and the terminal still shows that nothing matched.
        click.echo(f"no matches for {query!r}", err=True)
        sys.exit(EXIT_NO_MATCH)
    if has_more:
        click.echo(f"showing the best {limit:,} {'hit' if limit == 1 else 'hits'}; --limit N shows more", err=True)


def _search_sqlite_file(db: str | None, query: str, kinds: tuple[SearchKind, ...], limit: int) -> list[SearchHit] | None:
    """Search a current SQLite file through sqlite3; return None when the engine must do it."""
    connection = open_current_sqlite(db)
    if connection is None:
        return None
    try:
        return search_sqlite(connection, query, kinds=kinds, limit=limit)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except sqlite3.Error as error:
        # The engine's path checks the schema first and reports a damaged file in plain words.
        logger.warning("Searching through sqlite3 failed (%s); searching through the SQLAlchemy engine", error)
        return None
    finally:
        connection.close()


@run_async
async def _search_with_engine(
    db: str | None, query: str, kinds: tuple[SearchKind, ...], task_filter: TaskFilter, limit: int
) -> list[SearchHit]:
    from shadow_tui.db.access import open_reader
    from shadow_tui.queries.search import search

    async with open_reader(db) as (_target, engine):
        return await search(engine, query, kinds=kinds, task_filter=task_filter, limit=limit)
