"""A one-line prompt at the bottom of the screen, for "go to line", "find" and "export to"."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from shadow_tui.tui.widgets.ordered_input import OrderedInput


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; dismiss with it on Enter, or with None on Escape."""

    DEFAULT_CSS = """
    PromptScreen {
        align: left bottom;
        background: transparent;
    }
    PromptScreen > Horizontal {
        height: 1;
        width: 100%;
        background: $panel;
    }
    PromptScreen Label {
        width: auto;
        padding: 0 1;
        color: $text-accent;
    }
    PromptScreen Input, PromptScreen Input:focus {
        border: none;
        height: 1;
        padding: 0;
        width: 1fr;
        background: $panel;
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(self, label: str, *, value: str = "", placeholder: str = "", restrict: str | None = None) -> None:
        super().__init__()
        self._label = label
        self._value = value
        self._placeholder = placeholder
        self._restrict = restrict

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(Content(self._label))
            yield OrderedInput(value=self._value, placeholder=self._placeholder, restrict=self._restrict)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
