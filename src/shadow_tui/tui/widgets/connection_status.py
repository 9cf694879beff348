"""The status line below the browser while the database connection is lost, and just after it is back."""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

# How long "Reconnected" stays on screen, in seconds.
RECONNECTED_SHOWN_S = 5.0


class ConnectionStatus(Static):
    """A line in plain words while the database connection is lost, hidden otherwise."""

    DEFAULT_CSS = """
    ConnectionStatus { display: none; height: auto; padding: 0 1; }
    ConnectionStatus.-lost { display: block; background: $error; color: $text; text-style: bold; }
    ConnectionStatus.-reconnected { display: block; background: $success; color: $text; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.message = ""
        """The text shown now, or "" when hidden."""
        self._hide_timer: Timer | None = None

    def show_lost(self, message: str) -> None:
        self._stop_timer()
        self.message = message
        self.remove_class("-reconnected")
        self.add_class("-lost")
        self.update(Text(message))

    def show_reconnected(self, message: str) -> None:
        """Show `message` for RECONNECTED_SHOWN_S seconds, then hide."""
        self._stop_timer()
        self.message = message
        self.remove_class("-lost")
        self.add_class("-reconnected")
        self.update(Text(message))
        self._hide_timer = self.set_timer(RECONNECTED_SHOWN_S, self.hide)

    def hide(self) -> None:
        self._stop_timer()
        self.message = ""
        self.remove_class("-lost", "-reconnected")
        self.update("")

    def _stop_timer(self) -> None:
        if self._hide_timer is not None:
            self._hide_timer.stop()
            self._hide_timer = None
