"""The error screen: the database is missing, has an old schema, or went away.

It shows the message in plain words and waits: r retries, q quits. The
app keeps running behind it, so a database that comes back is picked up
by a retry.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class ErrorScreen(ModalScreen[str]):
    """A database error with retry; dismisses with "retry" or "quit"."""

    BINDINGS = [
        Binding("r", "retry", "Retry", id="error.retry"),
        Binding("q", "quit", "Quit", id="error.quit"),
        Binding("y", "copy_message", "Copy message", id="error.copy"),
    ]

    DEFAULT_CSS = """
    ErrorScreen { align: center middle; background: $background 80%; }
    ErrorScreen > Vertical {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        border: thick $error;
        background: $surface;
        padding: 1 2;
    }
    ErrorScreen .error-title { text-style: bold; color: $text-error; height: auto; }
    ErrorScreen .error-message { height: auto; margin: 1 0; }
    ErrorScreen .error-where { height: auto; color: $text-muted; }
    ErrorScreen .error-keys { height: auto; color: $text-muted; margin-top: 1; }
    """

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__()
        self.message = message
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("The database cannot be read"), classes="error-title")
            yield Static(Text(self.message), classes="error-message", id="error-message")
            if self.where:
                yield Static(Text(f"Database: {self.where}"), classes="error-where")
            yield Static(Text("Press r to retry, q to quit, y to copy this message."), classes="error-keys")
        yield Footer()

    def update_message(self, message: str) -> None:
        """Show a newer error, such as the result of a failed retry."""
        self.message = message
        if self.is_mounted:
            # Before the screen has composed, compose() shows `self.message`.
            self.query_one("#error-message", Static).update(Text(message))

    def action_retry(self) -> None:
        self.dismiss("retry")

    def action_quit(self) -> None:
        self.dismiss("quit")

    def action_copy_message(self) -> None:
        from shadow_tui.tui.clipboard import copy_text

        copy_text(self.app, self.message)
        self.notify("Copied the error message.", markup=False)
