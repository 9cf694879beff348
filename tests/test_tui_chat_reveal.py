"""A search hit opened in Chat scrolls to the row that matches, also for several words and prefixes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
import pytest
from textual.pilot import Pilot

from factories import NOW, make_session, write_sessions
from shadow_tui.config import Config
from shadow_tui.db.writer import MessageData, SessionData
from shadow_tui.tui.app import create_app
from shadow_tui.tui.screens.main import MainScreen
from shadow_tui.tui.screens.search import SearchScreen
from shadow_tui.tui.widgets.message_list import MessageList

LONG_INDEX = 20
"""The message whose last paragraph has the searched words, after about 60 rows of text."""


def _chat_session() -> SessionData:
    session = make_session(1)
    created = session.task.created_at
    messages = []
    for index in range(30):
        text = f"Message {index}. " + " ".join(f"word{number}" for number in range(60))
        if index == LONG_INDEX:
            paragraphs = [f"Paragraph {number}: " + " ".join(f"lorem{word}" for word in range(40)) for number in range(12)]
            text = "\n\n".join([*paragraphs, "At last the okapi shows up near the river bank."])
        sender = "user" if index % 2 == 0 else "agent"
        messages.append(MessageData(f"task0001-m{index}", sender, text, created + timedelta(seconds=index), index))
    return replace(session, messages=messages)


@pytest.fixture(scope="module")
def chat_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("chat") / "chat.db")
    asyncio.run(write_sessions(path, [_chat_session(), make_session(2)]))
    return path


async def _wait(pilot: Pilot[None], condition: Callable[[], bool], description: str) -> None:
    for _ in range(400):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {description}")


def _open_hit_rows(database: str, text: str, size: tuple[int, int]) -> tuple[int | None, list[str]]:
    """Search `text`, open the first hit with Enter, and return the selected message and the Chat rows on screen."""
    app = create_app(database, config=Config(refresh_interval=0), now=NOW)
    found: dict[str, object] = {}

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await _wait(pilot, lambda: app.main_screen is not None and app.main_screen.task_list.loaded, "the list")
            await pilot.press("s")
            await _wait(pilot, lambda: isinstance(app.screen, SearchScreen), "the search screen")
            await pilot.press(*text)
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            await _wait(pilot, lambda: bool(screen.hits), "hits")
            await pilot.press("enter")
            await _wait(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
            view = app.main_screen.detail.pane("chat").query_one(MessageList)  # type: ignore[union-attr]
            await _wait(pilot, lambda: view.selected == LONG_INDEX and LONG_INDEX in view._bodies, "the hit's body")
            await pilot.pause(0.2)
            found["selected"] = view.selected
            found["rows"] = [view.render_line(y).text for y in range(view.size.height)]

    asyncio.run(main())
    return found["selected"], found["rows"]  # type: ignore[return-value]


@pytest.mark.parametrize("text", ["okapi", "OKAPI", "okapi river", "oka*", "okapi bank"])
@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
def test_search_hit_scrolls_chat(chat_db: str, text: str, size: tuple[int, int]) -> None:
    selected, rows = _open_hit_rows(chat_db, text, size)

    assert selected == LONG_INDEX
    assert any("okapi" in row for row in rows), rows

