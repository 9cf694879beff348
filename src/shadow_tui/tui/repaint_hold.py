"""Holding the app's repaints briefly, so that a change and its result come in one frame.

Textual 8.2 paints on the ticks of a 60 Hz timer (`Screen._update_timer`).
A refresh requested after the screen has been idle for a while is painted
at once. After such a frame, the next one comes 17 to 33 ms later, because
`textual.timer.Timer._run` skips the missed ticks and then waits for the
tick after the next one. Applying a filter changes the query
bar at once and the list only when its page has been read, so painting the
query bar alone would make the new rows wait for a later tick. With the
repaints held until the rows are set, both are painted in one frame, as
soon as the rows are there.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from textual.app import App
from textual.timer import Timer

# The maximum time that a hold suspends repaints, in seconds. The change
# that started the hold waits up to this long to be painted. When the rows
# take longer, the change is painted first and the rows in a later frame.
MAX_HOLD_SECONDS = 0.1


class RepaintHold:
    """Suspends an app's repaints from `start` until `release`, or for MAX_HOLD_SECONDS at most."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._batch: ExitStack | None = None
        self._timer: Timer | None = None

    @property
    def active(self) -> bool:
        return self._batch is not None

    def start(self, seconds: float = MAX_HOLD_SECONDS) -> None:
        """Hold repaints for at most `seconds`. A hold that is already running keeps its own end."""
        if self._batch is not None:
            return
        batch = ExitStack()
        batch.enter_context(self.app.batch_update())
        self._batch = batch
        self._timer = self.app.set_timer(seconds, self.release, name="repaint-hold")

    def release(self) -> None:
        """End the hold, so that what changed during it is painted. Does nothing when no hold is running."""
        batch, self._batch = self._batch, None
        if batch is None:
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        batch.close()
        if self.app.screen_stack:
            # The screen skipped the repaints requested while they were held, and
            # runs them when it next goes idle.
            self.app.screen.check_idle()
