"""Timing what the screen shows: a hook on the frames that Textual's compositor produces.

Textual redraws by having the screen's compositor render the dirty regions
into an update and handing it to `App._display`, which writes it to the
terminal (headless apps skip the write, but the compositor still renders).
`FrameWatcher` wraps `App._display`, so every compositor update is a
frame, and evaluates a condition on the app's state at that frame. The
first frame at which the condition is true is the moment the screen shows
the expected content. A measure is therefore "from the key press to that
frame", without the fixed sleeps of `Pilot.pause()`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App

Condition = Callable[[], bool]


class FrameTimeout(RuntimeError):
    """The expected content did not appear on screen in time."""


class FrameWatcher:
    """Records frames of one app and reports the first frame that satisfies a condition."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.frames = 0
        self._condition: Condition | None = None
        self._seen: asyncio.Event | None = None
        self._frame_time = 0.0
        self._frame_wall = 0.0
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or app._batch_count:
                return
            self.frames += 1
            if self._condition is not None and self._seen is not None and not self._seen.is_set():
                if self._condition():
                    self._frame_time = time.perf_counter()
                    self._frame_wall = time.time()
                    self._seen.set()

        app._display = display  # type: ignore[method-assign]

    def arm(self, condition: Condition) -> None:
        """Watch for the first frame, from now on, at which `condition()` is true."""
        self._condition = condition
        self._seen = asyncio.Event()

    async def wait(self, description: str, timeout: float = 120.0) -> tuple[float, float]:
        """Wait for the armed condition's frame; return its perf_counter and wall-clock times."""
        if self._seen is None:
            raise RuntimeError("FrameWatcher.wait() called before arm(): arm a condition first")
        try:
            await asyncio.wait_for(self._seen.wait(), timeout)
        except TimeoutError:
            raise FrameTimeout(f"{description} did not appear on screen within {timeout:.0f} s") from None
        finally:
            self._condition = None
        return self._frame_time, self._frame_wall

    async def measure(self, condition: Condition, action: Callable[[], None], description: str,
                      timeout: float = 120.0) -> float:
        """Run `action`, then return the milliseconds until the first frame where `condition` is true."""
        self.arm(condition)
        started = time.perf_counter()
        action()
        frame_time, _wall = await self.wait(description, timeout)
        return (frame_time - started) * 1000


def press(app: App[Any], key: str, character: str | None = None) -> None:
    """Send a key event through the driver, as a terminal key press arrives."""
    driver = app._driver
    if driver is None:
        raise RuntimeError("the app has no driver: press keys only while it runs")
    if character is None and len(key) == 1:
        character = key
    event = events.Key(key, character)
    event.set_sender(app)
    driver.send_message(event)


async def settle(app: App[Any], pilot: Any, seconds: float = 0.2) -> None:
    """Wait until the app's workers are done and the screen is idle."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await asyncio.sleep(seconds)
    await app.workers.wait_for_complete()
    await pilot.pause()
