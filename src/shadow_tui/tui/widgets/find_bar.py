"""The find bar under the detail pane: / opens it, Enter goes to the match and closes it, Escape closes it.

It only posts messages. The detail view calls `find` on the active pane
(a `Findable`) and shows the result with `set_found`, after `set_searching`
while a pane searches in a worker.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Input, Static

from shadow_tui.tui.messages import FindClosed, FindRequested
from shadow_tui.tui.widgets.ordered_input import OrderedInput

# Typing pauses this long before the pane searches, so a large output is
# scanned once per word rather than once per key.
FIND_DELAY_SECONDS = 0.2


class FindInput(OrderedInput):
    BINDINGS = [Binding("escape", "close", "Close find", show=False, id="find.close")]

    def action_close(self) -> None:
        self.post_message(FindClosed())


class FindBar(Horizontal):
    """A one-line find prompt with a match indicator."""

    DEFAULT_CSS = """
    FindBar { height: 1; display: none; background: $panel; }
    FindBar.-open { display: block; }
    FindBar .find-label { width: auto; padding: 0 1; color: $text-accent; text-style: bold; }
    FindBar FindInput, FindBar FindInput:focus { border: none; height: 1; padding: 0; width: 1fr; background: $panel; }
    FindBar .find-status { width: auto; padding: 0 1; color: $text-muted; }
    FindBar.-missing .find-status { color: $text-error; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None
        self.text = ""
        """The last text searched for, kept for n and N after the bar closes."""

    def compose(self) -> ComposeResult:
        yield Static("find", classes="find-label")
        yield FindInput(placeholder="text in this pane  (Enter goes to it and closes, then n/N next/previous)", id="find-input")
        yield Static("", classes="find-status", id="find-status")

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self) -> None:
        """Show the bar with the last text selected, and focus it."""
        self.add_class("-open")
        find_input = self.query_one(FindInput)
        find_input.value = self.text
        find_input.focus()
        find_input.select_all()

    def close(self) -> None:
        self.remove_class("-open")

    def set_searching(self) -> None:
        """Show that a search is running; `set_found` replaces it with the result."""
        self.query_one("#find-status", Static).update(Text("searching…"))
        self.remove_class("-missing")

    def set_found(self, found: bool | None) -> None:
        """Show whether the last find matched; None clears the indicator."""
        status = self.query_one("#find-status", Static)
        if found is None:
            status.update("")
        else:
            status.update(Text("match" if found else "no match"))
        self.set_class(found is False, "-missing")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.text = event.value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(FIND_DELAY_SECONDS, self._request_first)

    def _request_first(self) -> None:
        self._timer = None
        self.post_message(FindRequested(self.text, "first"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            # Search now rather than after the delay, then close.
            self._timer.stop()
            self._request_first()
        self.post_message(FindClosed())
