"""The contract between the browser shell and the detail panes."""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from textual.message import Message
from textual.widget import Widget

from shadow_tui.queries.records import TaskRow

ItemKind = Literal["message", "command", "edit"]


class TaskPane(Widget):
    """Base of the detail tabs. The app sets `engine` before mounting."""

    def show_task(self, task: TaskRow | None) -> None:
        """Load the task's rows in an exclusive worker; None clears the pane."""
        raise NotImplementedError(f"{type(self).__name__} must implement show_task()")

    def reveal(self, item_id: str, line: int = 0, terms: str = "") -> None:
        """Scroll to an item (message, command or edit id) and mark the match.

        Search jumps and Enter on a Timeline row call this. The app may call
        it right after `show_task`, before the rows have loaded, so the pane
        keeps the request and applies it once they arrive.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement reveal()")

    def refresh_task(self) -> None:
        """Reload the task, keeping selection and scroll (live refresh of running tasks)."""
        raise NotImplementedError(f"{type(self).__name__} must implement refresh_task()")


@runtime_checkable
class Findable(Protocol):
    """A pane that can search its own content for the find bar.

    Each method returns True or False when the result is known at once, or
    None when the search goes on in a worker. The pane then posts a
    `FindFinished` message with the result.
    """

    def find(self, text: str, forward: bool = True) -> bool | None:
        """Move to the first match of text from the current position; False when none."""
        ...

    def find_next(self) -> bool | None:
        """Move to the next match; False when none."""
        ...

    def find_previous(self) -> bool | None:
        """Move to the previous match; False when none."""
        ...


class OpenItem(Message):
    """Posted by a pane (the Timeline) to ask the detail area to switch tab and reveal an item."""

    def __init__(self, kind: ItemKind, item_id: str, line: int = 0) -> None:
        super().__init__()
        self.kind: ItemKind = kind
        self.item_id = item_id
        self.line = line
