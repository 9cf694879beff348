"""The one-line prompt: what is typed shows on its line, Enter returns it and Escape returns None."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import Label

from shadow_tui.tui.widgets.prompt import PromptScreen


class PromptApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield Label("behind the prompt")

    def ask(self) -> None:
        self.push_screen(PromptScreen("Export to:", value=""), self.answers.append)


def test_prompt_shows_typed_text() -> None:
    app = PromptApp()

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            app.ask()
            await pilot.pause()
            await pilot.press(*"abc.md")
            await pilot.pause()
            prompt_input = app.screen.query_one("Input")
            assert prompt_input.has_focus
            assert prompt_input.content_region.height == 1
            assert "abc.md" in app.export_screenshot()
            await pilot.press("enter")
            await pilot.pause()
            assert app.answers == ["abc.md"]

    asyncio.run(main())


def test_prompt_escape_returns_none() -> None:
    app = PromptApp()

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            app.ask()
            await pilot.pause()
            await pilot.press(*"abc", "escape")
            await pilot.pause()
            assert app.answers == [None]

    asyncio.run(main())
