"""The global search screen: results as you type, and Enter opening the hit in its tab."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot

from factories import NOW, make_session, write_sessions
from shadow_tui.config import Config
from shadow_tui.queries import sqlite_searcher
from shadow_tui.queries.search_records import SearchHit
from shadow_tui.tui.app import ShadowTuiApp, create_app
from shadow_tui.tui.screens import search as search_screen
from shadow_tui.tui.screens.main import MainScreen
from shadow_tui.tui.screens.search import SearchInput, SearchScreen, hit_text, snippet_text
from shadow_tui.tui.widgets.hit_list import HitList


@pytest.fixture
def search_db(tmp_path: Path) -> str:
    path = str(tmp_path / "search.db")
    sessions = [
        make_session(1, message="please fix the zebra parser at 10:06:02: [/Users/x/proj]"),
        make_session(2, output="FAILED test_walrus - AssertionError", status="error"),
        make_session(3, diff="@@ -1 +1 @@\n-old\n+new narwhal code\n"),
        make_session(4, message="another zebra sighting [/"),
    ]
    asyncio.run(write_sessions(path, sessions))
    return path


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.05)


def run(db: str, body: Callable[[ShadowTuiApp, Pilot[None]], Awaitable[None]], query: str | None = None) -> None:
    app = create_app(db, config=Config(refresh_interval=0), now=NOW, query=query)

    async def main() -> None:
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_for(pilot, lambda: app.main_screen is not None and app.main_screen.task_list.loaded)
            await body(app, pilot)

    asyncio.run(main())


async def open_search(app: ShadowTuiApp, pilot: Pilot[None], text: str) -> SearchScreen:
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    await pilot.press(*text)
    await wait_for(pilot, lambda: screen.searched == text)
    return screen


def hit(snippet: str, offsets: list[tuple[int, int]], title: str | None = None) -> SearchHit:
    return SearchHit(
        kind="message", task_id="abcdef123456", item_id="m1", created_at=NOW,
        snippet=snippet, offsets=offsets, task_title=title,
    )


def test_snippet_marks_offsets() -> None:
    text = snippet_text(hit("fix the zebra now", [(8, 13)]))
    marked = [text.plain[span.start : span.end] for span in text.spans]
    assert text.plain == "fix the zebra now"
    assert marked == ["zebra"]


def test_snippet_with_escape_sequence_plain() -> None:
    text = snippet_text(hit("red \x1b[31mzebra\x1b[0m", [(9, 14)]))
    assert "\x1b" not in text.plain
    assert "zebra" in text.plain


@pytest.mark.parametrize("title", ["10:06:02: [/Users/x/proj]", "[type=x, v={'a[0]'}]", "[/"])
def test_hit_text_hostile_title(title: str) -> None:
    console = Console(width=200, record=True)
    console.print(hit_text(hit(f"zebra {title}", [(0, 5)], title=title), NOW))
    output = console.export_text()
    assert output.count(title) == 2
    assert "abcdef12" in output


def test_results_as_you_type(search_db: str) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        screen = await open_search(app, pilot, "zebra")
        assert {found.task_id for found in screen.hits} == {"task0001", "task0004"}
        assert all(found.kind == "message" for found in screen.hits)

    run(search_db, body)


def test_no_match_message(search_db: str) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        screen = await open_search(app, pilot, "okapi")
        assert screen.hits == []
        assert "No match for 'okapi'" in str(screen.query_one("#search-status").render())

    run(search_db, body)


@pytest.mark.parametrize(
    ("text", "tab", "item"),
    [("zebra parser", "chat", "task0001-m1"), ("walrus", "commands", "task0002-c1"), ("narwhal", "diffs", "task0003-e1")],
)
def test_enter_reveals_in_tab(search_db: str, text: str, tab: str, item: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        main = app.main_screen
        assert main is not None
        pane_class = type(main.detail.pane(tab))
        revealed: list[tuple[str, int, str]] = []
        monkeypatch.setattr(pane_class, "reveal", lambda self, item_id, line=0, terms="": revealed.append((item_id, line, terms)))
        screen = await open_search(app, pilot, text)
        first = screen.hits[0]
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(revealed))
        assert isinstance(app.screen, MainScreen)
        assert main.detail.active_tab == tab
        assert main.detail.task_row is not None
        assert main.detail.task_row.task_id == item.split("-")[0]
        assert first.item_id == item
        assert revealed == [(item, first.line, text)]

    run(search_db, body)


@pytest.mark.parametrize(("text", "tab"), [("narwhal new", "diffs"), ("walr* failed", "commands")])
def test_line_view_marks_matched_text(search_db: str, text: str, tab: str) -> None:
    """Words apart and prefixes match the hit, though the output and diff views find one string as typed."""

    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        main = app.main_screen
        assert main is not None
        await open_search(app, pilot, text)
        await pilot.press("enter")
        pane = main.detail.pane(tab)
        view = pane.diff_view if tab == "diffs" else pane.output_view  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: view.marked_line is not None and bool(view.search_term))
        await pilot.pause(0.3)
        assert view.search_term.casefold() in {"narwhal", "new", "walrus", "failed"}
        assert view.search_term.casefold() in view.source.plain(view.marked_line).casefold()

    run(search_db, body)


def test_down_moves_highlight(search_db: str) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        screen = await open_search(app, pilot, "zebra")
        results = screen.query_one("#search-results")
        await pilot.press("down")
        assert results.highlighted == 1  # type: ignore[attr-defined]
        await pilot.press("down")
        assert results.highlighted == 1  # type: ignore[attr-defined]

    run(search_db, body)


def test_stale_results_dropped(search_db: str) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        screen = await open_search(app, pilot, "zebra")
        current = list(screen.hits)
        worker = screen._run_search(screen._generation - 1, "walrus", ("output",), None)
        await worker.wait()
        assert screen.hits == current
        assert screen.searched == "zebra"

    run(search_db, body)


def test_escape_closes_search(search_db: str) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        await open_search(app, pilot, "zebra")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.main_screen is not None
        assert app.main_screen.focused is app.main_screen.task_list
        assert not app.main_screen.has_class("-detail-open")

    run(search_db, body)


def test_kind_key_limits_kinds(search_db: str) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        screen = await open_search(app, pilot, "pytest")
        assert {found.kind for found in screen.hits} == {"command"}
        await pilot.press("ctrl+o")
        assert screen.kind == "message"
        await wait_for(pilot, lambda: screen.hits == [])
        assert "Search messages in all tasks" in str(screen.query_one("#search-title").render())

    run(search_db, body)


def test_empty_status_names_kind(search_db: str) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        status = app.screen.query_one("#search-status")
        assert "Type to search messages, commands, outputs and diffs." in str(status.render())
        await pilot.press("ctrl+o", "ctrl+o", "ctrl+o")
        await wait_for(pilot, lambda: "Type to search outputs." in str(status.render()))

    run(search_db, body)


def test_scope_key_uses_list_filter(search_db: str) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        screen = await open_search(app, pilot, "pytest")
        assert len({found.task_id for found in screen.hits}) == 4
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: len({found.task_id for found in screen.hits}) == 1)
        assert screen.hits[0].task_id == "task0002"

    run(search_db, body, query="status:error")


def test_file_search_skips_engine(search_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine_queries: list[str] = []

    async def engine_search(_engine: object, query: str, **_options: object) -> list[SearchHit]:
        engine_queries.append(query)
        return []

    monkeypatch.setattr(search_screen, "search", engine_search)

    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        screen = await open_search(app, pilot, "zebra")
        assert {found.task_id for found in screen.hits} == {"task0001", "task0004"}
        assert engine_queries == []
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: engine_queries == ["zebra"])
        await wait_for(pilot, lambda: screen.hits == [])

    run(search_db, body, query="status:error")


def test_sqlite3_error_falls_back_to_engine(search_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_search(*_args: object, **_options: object) -> list[SearchHit]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(sqlite_searcher, "search_sqlite", failing_search)

    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        screen = await open_search(app, pilot, "zebra")
        assert {found.task_id for found in screen.hits} == {"task0001", "task0004"}

    run(search_db, body)


def test_status_counts_one_result(search_db: str) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        screen = await open_search(app, pilot, "narwhal")
        assert len(screen.hits) == 1
        assert str(screen.query_one("#search-status").render()).startswith("1 result. ")

    run(search_db, body)


def test_page_keys_move_from_input(tmp_path: Path) -> None:
    path = str(tmp_path / "many.db")
    asyncio.run(write_sessions(path, [make_session(index, message=f"zebra number {index}") for index in range(1, 41)]))

    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        screen = await open_search(app, pilot, "zebra")
        results = screen.query_one(HitList)
        assert len(screen.hits) == 40
        await pilot.press("pagedown")
        page = results.highlighted
        assert page is not None and page > 1
        await pilot.press("pagedown")
        assert results.highlighted == 2 * page
        await pilot.press("pageup")
        assert results.highlighted == page
        assert screen.query_one(SearchInput).has_focus

    run(path, body)


def test_search_reopens_where_it_closed(search_db: str) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        screen = await open_search(app, pilot, "zebra")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: screen.kind == "message" and screen.searched == "zebra")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen) and app.screen is not screen)
        reopened = app.screen
        assert isinstance(reopened, SearchScreen)
        assert reopened.query_one(SearchInput).value == "zebra"
        assert reopened.kind == "message"
        await wait_for(pilot, lambda: reopened.searched == "zebra")
        assert {found.task_id for found in reopened.hits} == {"task0001", "task0004"}
        # The text is selected, so typing replaces it.
        await pilot.press(*"narwhal")
        assert reopened.query_one(SearchInput).value == "narwhal"

    run(search_db, body)


def test_slow_search_shows_notice(search_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    file_search = sqlite_searcher.SqliteSearcher.search

    def blocked_search(*args: object, **options: object) -> list[SearchHit] | None:
        release.wait(30)
        return file_search(*args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_searcher.SqliteSearcher, "search", blocked_search)
    monkeypatch.setattr(search_screen, "SEARCHING_NOTICE_DELAY_SECONDS", 0.01)

    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"zebra")
        status = screen.query_one("#search-status")
        try:
            await wait_for(pilot, lambda: "Searching…" in str(status.render()))
        finally:
            release.set()
        await wait_for(pilot, lambda: screen.searched == "zebra")
        assert "2 results" in str(status.render())

    run(search_db, body)


def test_enter_before_results_opens_first_hit(search_db: str) -> None:
    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        main = app.main_screen
        assert main is not None
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchScreen))
        # Enter comes well within the typing delay, before any search ran.
        await pilot.press(*"narwhal", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        # The wide layout's detail shows the list's top task first, so wait for the hit's.
        await wait_for(pilot, lambda: main.detail.task_row is not None and main.detail.task_row.task_id == "task0003")
        assert main.detail.active_tab == "diffs"

    run(search_db, body)


def test_enter_during_search_waits_for_current_text(search_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    file_search = sqlite_searcher.SqliteSearcher.search

    def search_walrus_blocked(self: sqlite_searcher.SqliteSearcher, query: str, **options: object) -> list[SearchHit] | None:
        if query == "walrus":
            release.wait(30)
        return file_search(self, query, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite_searcher.SqliteSearcher, "search", search_walrus_blocked)

    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        main = app.main_screen
        assert main is not None
        screen = await open_search(app, pilot, "zebra")
        search_input = screen.query_one(SearchInput)
        search_input.value = "walrus"
        await wait_for(pilot, lambda: screen._running is not None and screen._timer is None)
        # The zebra results are still on screen; Enter must not open one of them.
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.screen is screen
        release.set()
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        # The wide layout's detail shows the list's top task first, so wait for the hit's.
        await wait_for(pilot, lambda: main.detail.task_row is not None and main.detail.task_row.task_id == "task0002")

    try:
        run(search_db, body)
    finally:
        release.set()


def _screen_lines(db: str, text: str) -> tuple[list[SearchHit], list[str]]:
    """Search `text` in the app on `db`, and return the hits and the lines of the result list on screen."""
    found: dict[str, object] = {}

    async def body(app: ShadowTuiApp, pilot: Pilot[None]) -> None:
        screen = await open_search(app, pilot, text)
        results = screen.query_one(HitList)
        await pilot.pause()
        found["hits"] = list(screen.hits)
        height = results.scrollable_content_region.height
        found["lines"] = ["".join(segment.text for segment in results.render_line(y)).rstrip() for y in range(height)]

    run(db, body)
    return found["hits"], found["lines"]  # type: ignore[return-value]


def _expected_lines(hits: list[SearchHit], count: int) -> list[str]:
    lines = [line.rstrip() for hit in hits for line in hit_text(hit, NOW).plain.split("\n")]
    return (lines + [""] * count)[:count]


def test_results_same_on_both_backends(search_db: str, pg_database: str) -> None:
    sessions = [
        make_session(1, message="please fix the zebra parser at 10:06:02: [/Users/x/proj]"),
        make_session(2, output="FAILED test_walrus - AssertionError", status="error"),
        make_session(3, diff="@@ -1 +1 @@\n-old\n+new narwhal code\n"),
        make_session(4, message="another zebra sighting [/"),
    ]
    asyncio.run(write_sessions(pg_database, sessions))
    for text in ("zebra", "walrus", "narwhal", "pytest", "done", "clean"):
        sqlite_hits, sqlite_lines = _screen_lines(search_db, text)
        pg_hits, pg_lines = _screen_lines(pg_database, text)
        assert sqlite_hits, text
        # SQLite ranks by bm25 and PostgreSQL by ts_rank, so the hits are compared as sets.
        assert sorted((hit.kind, hit.item_id, hit.snippet, hit.offsets, hit.line) for hit in pg_hits) == sorted(
            (hit.kind, hit.item_id, hit.snippet, hit.offsets, hit.line) for hit in sqlite_hits
        ), text
        assert sqlite_lines == _expected_lines(sqlite_hits, len(sqlite_lines)), text
        assert pg_lines == _expected_lines(pg_hits, len(pg_lines)), text
