"""Inputs keep the order of keys that arrive together: bound keys act before the characters after them."""

from __future__ import annotations

import asyncio

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.pilot import Pilot

from shadow_tui.tui.widgets.ordered_input import OrderedInput
from shadow_tui.tui.widgets.query_bar import QueryBar

# Key name and character of each key in a burst; None marks a key without a character.
CHARACTERS = {"space": " ", "ctrl+u": "\x15", "ctrl+w": "\x17", "backspace": "\x7f", "home": None, "left": None}


class BurstApp(App[None]):
    """An input two containers deep, so a bound key has ancestors to travel through."""

    def __init__(self, field: OrderedInput | QueryBar) -> None:
        super().__init__()
        self.field = field

    def compose(self) -> ComposeResult:
        with Vertical():
            with Vertical():
                yield self.field


def post_burst(app: App[None], keys: list[str]) -> None:
    """Post every key at once, as the driver does for one read from the terminal."""
    for key in keys:
        character = CHARACTERS[key] if key in CHARACTERS else key
        app.post_message(events.Key(key, character))


async def typed(field: OrderedInput | QueryBar, keys: list[str]) -> str:
    app = BurstApp(field)
    async with app.run_test() as pilot:
        target = field.input if isinstance(field, QueryBar) else field
        target.focus()
        await pilot.pause()
        post_burst(app, keys)
        await settle(pilot)
        return target.value


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(5):
        await pilot.pause(0.02)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["p", "q", "ctrl+u", "r", "s"], "rs"),
        (["a", "b", "backspace", "c"], "ac"),
        (["o", "n", "e", "space", "t", "w", "o", "ctrl+w", "t"], "one t"),
        (["b", "c", "home", "a"], "abc"),
        (["a", "c", "left", "b"], "abc"),
    ],
)
def test_burst_keeps_order(keys: list[str], expected: str) -> None:
    assert asyncio.run(typed(OrderedInput(), keys)) == expected


def test_query_bar_burst_after_clear() -> None:
    keys = ["x", "y", "ctrl+u", *"repo:web"]
    assert asyncio.run(typed(QueryBar(), keys)) == "repo:web"
