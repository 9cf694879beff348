"""`shadow-tui serve`: the browser app in a web page, through textual-serve.

Each web session starts its own `python -m shadow_tui browse DB` process.
Anyone who can reach the port can read the whole history, so the server
binds to 127.0.0.1 by default and prints a warning when --host names any
other address.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import shlex
import sys
from pathlib import Path

import click

from shadow_tui.cli_common import db_option, run_async
from shadow_tui.db.access import open_reader

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# textual-serve's page (checked in 1.1.3) loads a web font from Google, so a
# browser on the page would contact Google although the server is local.
FONT_LINK = re.compile(r'\s*<link\s+rel="stylesheet"\s+href="https://fonts\.googleapis\.com/[^"]*"\s*/>')


def is_loopback(host: str) -> bool:
    """Return True when `host` names only this machine: localhost or a loopback address."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def browse_command_line(database: str | None) -> str:
    """Return the shell command that runs the app on `database` (the default one when None)."""
    parts = [sys.executable, "-m", "shadow_tui", "browse"]
    if database:
        parts.append(database)
    return " ".join(shlex.quote(part) for part in parts)


def local_templates(folder: Path) -> Path:
    """Write textual-serve's page template without its web-font link into `folder`, and return the folder."""
    import textual_serve

    page = (Path(textual_serve.__file__).parent / "templates" / "app_index.html").read_text(encoding="utf-8")
    cleaned = FONT_LINK.sub("", page)
    if cleaned == page:
        logger.warning("textual-serve's page has no web-font link to remove; serving it unchanged")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "app_index.html").write_text(cleaned, encoding="utf-8")
    return folder


async def _check_database(database: str | None) -> str:
    """Open the database once, so a wrong path fails here instead of in every web session."""
    async with open_reader(database) as (target, _engine):
        return target.display


@click.command("serve")
@click.argument("database", required=False, metavar="[DB]")
@db_option
@click.option("--host", default=DEFAULT_HOST, show_default=True,
              help="Address to listen on. Anything but a loopback address exposes the history to the network.")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True,
              help="TCP port to listen on.")
@click.option("--public-url", default=None,
              help="URL that browsers use to reach the server, when it differs from http://HOST:PORT "
              "(behind a proxy, or when listening on 0.0.0.0).")
def serve_command(database: str | None, db: str | None, host: str, port: int, public_url: str | None) -> None:
    """Serve the browser app as a web page (open http://127.0.0.1:8000 by default)."""
    from textual_serve.server import Server

    chosen = database or db
    display = run_async(_check_database)(chosen)
    if not is_loopback(host):
        click.echo(
            f"warning: listening on {host}, not on a loopback address: anyone who can reach port {port} "
            "can read the whole task history, with no password. Use --host 127.0.0.1 unless that is intended.",
            err=True,
        )
        logger.warning("Serving on non-loopback address %s:%d", host, port)
    command = browse_command_line(chosen)
    logger.info("Serving %s on %s:%d", display, host, port)
    click.echo(f"serving {display} on http://{host}:{port}", err=True)
    import platformdirs

    templates = local_templates(platformdirs.user_cache_path("shadow-tui") / "serve-templates")
    server = Server(
        command, host=host, port=port, title="shadow-tui", public_url=public_url, templates_path=templates,
    )
    server.serve()
