"""The browser app driven by keys through Textual's pilot, on real SQLite files."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Static

from factories import NOW, make_session, write_sessions
from shadow_tui.config import Config, load_config
from shadow_tui.db.writer import SessionData
from shadow_tui.queries.records import TaskRow
from shadow_tui.tui.app import ShadowTuiApp, create_app
from shadow_tui.tui.demo_database import ensure_demo_database
from shadow_tui.tui.clipboard import osc52_sequence, tmux_passthrough
from shadow_tui.tui.commands import task_prompt, task_score
from shadow_tui.tui.help_sections import known_binding_ids
from shadow_tui.tui.paths import stylesheet_path
from shadow_tui.tui.screens.error import ErrorScreen
from shadow_tui.tui.screens.main import MainScreen
from shadow_tui.tui.screens.help import HelpScreen, help_table
from shadow_tui.tui.screens.search import SearchScreen
from shadow_tui.tui.widgets.detail import task_header
from shadow_tui.tui.widgets.query_bar import QuerySuggester, clear_statuses, complete_query, toggle_status
from shadow_tui.tui.widgets.task_columns import (
    format_duration,
    format_relative,
    layout_columns,
    short_repo,
)
from shadow_tui.tui.widgets.task_pages import PageCache, page_runs

# Titles that Textual 8.2 fails to parse as markup even after escape().
HOSTILE_TITLES = ("10:06:02: [/Users/x/proj]", "[type=x, v={'a[0]'}]", "[/")
STATUSES = ("completed", "error", "running", "pending")


def titled(index: int, title: str, **options: object) -> SessionData:
    session = make_session(index, **options)  # type: ignore[arg-type]
    session.task = replace(session.task, title=title)
    return session


@pytest.fixture
def small_db(tmp_path: Path) -> str:
    """Twelve tasks: three per status, then three with hostile titles (newest first)."""
    path = str(tmp_path / "small.db")
    sessions = [
        titled(index + 3, f"Task number {index + 3}", status=STATUSES[index % 4]) for index in range(12)
    ]
    sessions += [titled(index, title, status="error") for index, title in enumerate(HOSTILE_TITLES)]
    asyncio.run(write_sessions(path, sessions))
    return path


@pytest.fixture
def big_db(tmp_path: Path) -> str:
    """1,234 tasks, one minute apart, without child rows."""
    path = str(tmp_path / "big.db")
    sessions = []
    for index in range(1234):
        session = make_session(index, days_ago=index / 1440)
        sessions.append(SessionData(task=session.task))
    asyncio.run(write_sessions(path, sessions))
    return path


def app_for(db: str, **options: object) -> ShadowTuiApp:
    config = options.pop("config", None) or Config(refresh_interval=0)
    return create_app(db, config=config, now=NOW, **options)  # type: ignore[arg-type]


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.05)


async def loaded(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, ShadowTuiApp)
    try:
        await wait_for(pilot, lambda: app.main_screen is not None and app.main_screen.task_list.loaded)
    except AssertionError:
        notes = [note.message for note in app._notifications]
        raise AssertionError(f"list not loaded; screen {app.screen}, notifications {notes}") from None
    await app.workers.wait_for_complete()
    await pilot.pause()


def list_lines(app: ShadowTuiApp) -> list[str]:
    task_list = app.main_screen.task_list  # type: ignore[union-attr]
    return [task_list.render_line(y).text for y in range(task_list.size.height)]


def run(db: str, body: Callable[[Pilot[None]], Awaitable[None]], size: tuple[int, int] = (80, 24), **options: object) -> ShadowTuiApp:
    app = app_for(db, **options)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await loaded(pilot)
            await body(pilot)

    asyncio.run(main())
    return app


# Plain functions --------------------------------------------------------------


def test_format_relative_units() -> None:
    assert format_relative(NOW - timedelta(seconds=45), NOW) == "45s ago"
    assert format_relative(NOW - timedelta(hours=3, minutes=5), NOW) == "3h ago"
    assert format_relative(NOW - timedelta(days=12), NOW) == "12d ago"
    assert format_relative(NOW - timedelta(days=400), NOW) == "13mo ago"
    assert format_relative(None, NOW) == "-"


def test_format_duration_units() -> None:
    assert format_duration(45) == "45s"
    assert format_duration(723) == "12m03s"
    assert format_duration(7500) == "2h05m"
    assert format_duration(None) == "-"


def test_short_repo_forms() -> None:
    assert short_repo("https://github.com/acme/api.git") == "acme/api"
    assert short_repo("git@github.com:acme/api.git") == "acme/api"
    assert short_repo("/home/me/work/proj") == "work/proj"
    assert short_repo(None) == ""


def test_short_repo_hides_link_target() -> None:
    url = "https://github.com/acme/api \x1b]8;;https://evil.example/x\x1b\\link\x1b]8;;\x1b\\"
    shown = short_repo(url)
    assert "evil.example" not in shown
    assert "\x1b" not in shown


def test_suggester_values_sanitized() -> None:
    suggester = QuerySuggester()
    suggester.set_values("model", ["claude \x1b]52;c;ZXZpbA==\x07 \u202e"])
    assert suggester.known["model"] == ["claude ␛]52… <U+202E>"]


def test_layout_columns_fit_width() -> None:
    for width in (40, 60, 80, 120, 200):
        columns = layout_columns(width)
        used = sum(column.width for column in columns) + len(columns) - 1
        assert used <= width, width
        assert "title" in [column.key for column in columns]


def test_layout_columns_wide_has_counts() -> None:
    keys = [column.key for column in layout_columns(200)]
    assert "failed" in keys
    assert "model" in keys


def test_toggle_status_adds_and_removes() -> None:
    assert toggle_status("repo:api fix", "error") == "status:error repo:api fix"
    assert toggle_status("status:error repo:api", "running") == "status:error,running repo:api"
    assert toggle_status("status:error,running repo:api", "error") == "status:running repo:api"
    assert toggle_status("status:error", "error") == ""


def test_toggle_status_on_invalid_query() -> None:
    assert toggle_status('status:error "open', "running") == 'status:error,running "open'


def test_clear_statuses_keeps_rest() -> None:
    assert clear_statuses("status:error since:7d fix") == "since:7d fix"


def test_complete_query_field_and_value() -> None:
    known = {"repo": ["acme/api", "acme/web"], "status": list(STATUSES)}
    assert complete_query("sta", known) == "status:"
    assert complete_query("fix re", known) == "fix repo:"
    assert complete_query("repo:acme/w", known) == "repo:acme/web"
    assert complete_query("status:error,ru", known) == "status:error,running"
    assert complete_query("repo:zzz", known) is None
    assert complete_query("fix ", known) is None


def test_complete_query_quotes_spaces() -> None:
    assert complete_query("branch:my", {"branch": ["my branch"]}) == 'branch:"my branch"'


def test_page_cache_evicts_oldest() -> None:
    cache = PageCache(page_size=2, max_pages=2)
    rows = [make_row(f"t{index}") for index in range(6)]
    cache.put(0, rows[0:2])
    cache.put(1, rows[2:4])
    cache.put(2, rows[4:6])
    assert not cache.has_page(0)
    assert cache.row(5) == rows[5]
    assert cache.missing(0, 5, 6) == [0]


def test_page_runs_groups_consecutive() -> None:
    assert page_runs([499, 500]) == [(499, 500)]
    assert page_runs([7, 3, 4, 9, 4]) == [(3, 4), (7, 7), (9, 9)]
    assert page_runs([]) == []


def test_clipboard_tmux_wrapping() -> None:
    sequence = osc52_sequence("abc")
    assert sequence == "\x1b]52;c;YWJj\a"
    assert tmux_passthrough(sequence) == "\x1bPtmux;\x1b\x1b]52;c;YWJj\a\x1b\\"


def make_row(task_id: str, title: str | None = "t", status: str = "completed") -> TaskRow:
    return TaskRow(
        task_id=task_id, user_id="u", user=None, repo_url="https://github.com/acme/api", branch="main",
        model_name="m", status=status, created_at=NOW, started_at=NOW, completed_at=NOW, error_message=None,
        title=title, source=None, source_ref=None, input_tokens=None, output_tokens=None, cost_usd=None,
        message_count=1, command_count=2, failed_command_count=1, edit_count=0, artifact_count=0,
    )


def test_task_score_prefers_id_prefix() -> None:
    row = make_row("abc12345", title="Fix the parser")
    assert task_score("abc1", row) == 1.0
    assert task_score("parser", row) > 0.6
    assert task_score("qqqqqq", row) == 0.0


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_title_renders_plain(title: str) -> None:
    console = Console(width=200, record=True)
    row = make_row("abc12345", title=title)
    console.print(task_prompt(row, NOW))
    assert title in console.export_text()
    assert title in task_header(row).plain


# The app ------------------------------------------------------------------------


def test_list_shows_every_task(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert app.main_screen.task_list.total == 15  # type: ignore[attr-defined]

    run(small_db, body)


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_shown(small_db: str, title: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        text = "\n".join(list_lines(pilot.app))  # type: ignore[arg-type]
        assert title[:10] in text

    run(small_db, body, size=(160, 30))


def test_hostile_title_in_detail_header(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("enter")
        await pilot.pause()
        header = app.main_screen.detail.query_one("#detail-header", Static)  # type: ignore[attr-defined]
        assert HOSTILE_TITLES[0] in str(header.render())

    run(small_db, body, size=(160, 30))


def test_cursor_keys_move(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        task_list = pilot.app.main_screen.task_list  # type: ignore[attr-defined]
        await pilot.press("j", "j")
        assert task_list.cursor == 2
        await pilot.press("k")
        assert task_list.cursor == 1
        await pilot.press("G")
        assert task_list.cursor == 14
        await pilot.press("g")
        assert task_list.cursor == 0

    run(small_db, body)


def test_end_of_big_list_pages(big_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        task_list = pilot.app.main_screen.task_list  # type: ignore[attr-defined]
        await pilot.press("G")
        await wait_for(pilot, lambda: task_list.selected_task is not None)
        assert task_list.cursor == 1233
        assert task_list.selected_task.task_id == "task1233"
        assert len(task_list.cache) <= 3
        await pilot.press("ctrl+u")
        assert task_list.cursor == 1233 - (task_list.size.height - 2) // 2

    run(big_db, body)


def test_scroll_down_by_pages_keyset(big_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        task_list = pilot.app.main_screen.task_list  # type: ignore[attr-defined]
        for _ in range(12):
            await pilot.press("pagedown")
        await wait_for(pilot, lambda: task_list.selected_task is not None)
        assert task_list.selected_task.task_id == f"task{task_list.cursor:04d}"

    run(big_db, body)


def test_invalid_query_keeps_list(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        app = pilot.app
        main = app.main_screen  # type: ignore[attr-defined]
        await pilot.press("slash")
        await pilot.press(*"colour:red")
        await pilot.press("enter")
        await pilot.pause()
        error = main.query_one("#query-error", Static)
        assert "unknown filter field 'colour'" in str(error.render())
        assert main.query_bar.has_class("-invalid")
        assert main.task_list.total == 15

    run(small_db, body)


def test_columns_follow_scrollbar(big_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        task_list = main.task_list
        await pilot.press("slash", *"id:task0001", "enter")
        await wait_for(pilot, lambda: task_list.loaded and task_list.total < 20)
        await pilot.pause()
        assert list_lines(pilot.app)[0].rstrip().endswith("fail")  # type: ignore[arg-type]
        # An invalid filter keeps the short list. Without this step the columns were laid out again for the new width.
        await pilot.press("slash", "ctrl+u", *"since:zz", "enter")
        await pilot.pause()

        # Back to every task: the scrollbar takes a column, and the columns must fit the narrower content.
        await pilot.press("slash", "ctrl+u", "enter")
        await wait_for(pilot, lambda: task_list.loaded and task_list.total == 1234)
        await pilot.pause()
        assert task_list.scrollable_content_region.width == task_list.size.width - 1
        assert list_lines(pilot.app)[0].rstrip().endswith("fail")  # type: ignore[arg-type]

    run(big_db, body)


def test_status_key_keeps_query_error(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        await pilot.press("slash", *"colour:red", "enter")
        await pilot.pause()
        main.task_list.focus()
        await pilot.press("x")
        await pilot.pause()
        await pilot.pause()
        assert main.query_bar.value == "status:error colour:red"
        assert main.query_bar.has_class("-invalid")
        assert "unknown filter field 'colour'" in str(main.query_one("#query-error", Static).render())

    run(small_db, body)


async def apply_running_filter(pilot: Pilot[None]) -> MainScreen:
    """Apply status:running through the filter bar; return the main screen once the list shows the 3 running tasks."""
    main = pilot.app.main_screen  # type: ignore[attr-defined]
    assert isinstance(main, MainScreen)
    await pilot.press("slash", *"status:running", "enter")
    await wait_for(pilot, lambda: main.task_list.total == 3)
    return main


def test_valid_query_filters(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = await apply_running_filter(pilot)
        assert main.task_list.selected_task.status == "running"
        assert main.focused is main.task_list

    run(small_db, body)


def test_ctrl_w_deletes_filter_term(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        await pilot.press("slash", *"status:error repo:billing  ", "ctrl+w")
        assert main.query_bar.value == "status:error "
        await pilot.press("ctrl+w")
        assert main.query_bar.value == ""

    run(small_db, body)


def test_tab_keeps_focus_on_edited_filter(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        await pilot.press("slash", *"zzzq", "tab")
        assert main.focused is main.query_bar.input
        await pilot.press(*" x")
        assert main.query_bar.value == "zzzq x"
        await pilot.press("enter")
        await wait_for(pilot, lambda: main.focused is main.task_list)
        await pilot.press("slash", "tab")
        assert main.focused is not main.query_bar.input

    run(small_db, body)


def test_escape_puts_back_applied_filter(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = await apply_running_filter(pilot)
        await pilot.press("slash", "ctrl+u", *"status:completed", "escape")
        assert main.query_bar.value == "status:running"
        assert main.focused is main.task_list
        await pilot.press("x")
        await wait_for(pilot, lambda: main.query_bar.value == "status:running,error")

    run(small_db, body)


def test_status_key_toggles_query(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        await pilot.press("x")
        await wait_for(pilot, lambda: main.task_list.total == 6)
        assert main.query_bar.value == "status:error"
        await pilot.press("R")
        await wait_for(pilot, lambda: main.task_list.total == 9)
        assert main.query_bar.value == "status:error,running"
        await pilot.press("A")
        await wait_for(pilot, lambda: main.task_list.total == 15)

    run(small_db, body)


def test_summary_counts_statuses(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        summary = pilot.app.main_screen.summary  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: summary.facets is not None)
        text = str(summary.render())
        assert "15 tasks" in text
        assert "error 6" in text

    run(small_db, body)


def test_initial_query_applied(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        await wait_for(pilot, lambda: pilot.app.main_screen.task_list.total == 3)  # type: ignore[attr-defined]

    run(small_db, body, query="status:pending")


def test_enter_opens_detail_full_screen(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        list_area = main.query_one("#list-area")
        await pilot.press("enter")
        await pilot.pause()
        assert main.has_class("-detail-open")
        assert not list_area.display
        assert main.detail.display
        assert main.detail.task_row.task_id == main.task_list.selected_task.task_id
        await pilot.press("escape")
        await pilot.pause()
        assert list_area.display
        assert main.focused is main.task_list

    run(small_db, body, size=(80, 24))


def test_wide_shows_side_by_side(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        await pilot.press("j")
        selected = main.task_list.selected_task.task_id
        await wait_for(pilot, lambda: main.detail.task_row is not None and main.detail.task_row.task_id == selected)
        assert main.has_class("-wide")
        assert main.query_one("#list-area").display
        assert main.detail.display
        assert main.focused is main.task_list

    run(small_db, body, size=(160, 40))


def test_number_keys_switch_tabs(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        await pilot.press("3")
        await pilot.pause()
        assert main.detail.active_tab == "commands"
        assert main.has_class("-detail-open")
        await pilot.press("6")
        await pilot.pause()
        assert main.detail.active_tab == "info"

    run(small_db, body)


def test_premount_stops_when_tabs_removed(small_db: str) -> None:
    """Closing the app removes the tabs first; a pane mount scheduled before that must not fail."""

    async def body(pilot: Pilot[None]) -> None:
        detail = pilot.app.main_screen.detail  # type: ignore[attr-defined]
        for pane in detail.query("TaskPane"):
            await pane.remove()
        await detail.query_one("#detail-tabs").remove()
        detail._premount_next_pane()
        detail._mount_initial_pane()

    run(small_db, body)


def test_task_option_opens_task(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: main.detail.task_row is not None)
        assert main.detail.task_row.task_id == "task0007"

    run(small_db, body, task_id="task0007")


def test_unknown_task_option_notifies(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        app = pilot.app
        await wait_for(pilot, lambda: any("zzz" in note.message for note in app._notifications))

    run(small_db, body, task_id="zzz")


def test_copy_task_id(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("j", "y")
        assert app.clipboard == app.main_screen.task_list.selected_task.task_id  # type: ignore[attr-defined]

    run(small_db, body)


def test_follow_key_toggles(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("f")
        assert app.follow is True  # type: ignore[attr-defined]
        assert "following" in str(app.main_screen.summary.render())  # type: ignore[attr-defined]
        await pilot.press("f")
        assert app.follow is False  # type: ignore[attr-defined]

    run(small_db, body)


def test_help_lists_every_binding(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=160, record=True)
        console.print(help_table(app, app.screen.sections))
        text = console.export_text()
        for binding_id in known_binding_ids():
            assert binding_id in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)

    run(small_db, body)


def test_help_keys_scroll(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.resize_terminal(80, 24)
        await pilot.press("question_mark")
        await pilot.pause()
        scroll = app.screen.query_one(VerticalScroll)
        assert scroll.max_scroll_y > 0
        await pilot.press("G")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("b")
        await pilot.pause()
        assert 0 < scroll.scroll_y < scroll.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert scroll.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        assert scroll.scroll_y > 0

    run(small_db, body)


def test_keymap_from_config(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        app = pilot.app
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)

    run(small_db, body, config=Config(refresh_interval=0, keys={"main.search": "ctrl+o"}))


def test_unknown_keymap_id_notifies(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        messages = [note.message for note in pilot.app._notifications]
        assert any("no.such.binding" in message for message in messages)

    run(small_db, body, config=Config(refresh_interval=0, keys={"no.such.binding": "ctrl+o"}))


def test_config_error_notifies(small_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("refresh_interval = [\n", encoding="utf-8")
    monkeypatch.setenv("SHADOW_TUI_CONFIG", str(bad))
    app = create_app(small_db, now=NOW)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await loaded(pilot)
            assert any(str(bad) in note.message for note in app._notifications)

    asyncio.run(main())
    assert app.config == Config()


def test_theme_change_saved(small_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    monkeypatch.setenv("SHADOW_TUI_CONFIG", str(path))

    async def body(pilot: Pilot[None]) -> None:
        pilot.app.theme = "nord"
        await pilot.pause()

    run(small_db, body)
    assert load_config(path).theme == "nord"


def test_config_theme_applied(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        assert pilot.app.theme == "gruvbox"

    run(small_db, body, config=Config(refresh_interval=0, theme="gruvbox"))


def test_palette_jumps_to_task(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"task0009")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: main.detail.task_row is not None)
        assert main.detail.task_row.task_id == "task0009"

    run(small_db, body)


def test_no_color_honoured(small_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert app_for(small_db).no_color is True


# Errors and live refresh ---------------------------------------------------------------


def test_missing_database_error_screen(tmp_path: Path) -> None:
    missing = tmp_path / "absent.db"
    app = app_for(str(missing))

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen))
            message = app.screen.message  # type: ignore[attr-defined]
            assert "database not found" in message
            assert str(missing) in message
            await write_sessions(str(missing), [make_session(1)])
            await pilot.press("r")
            await wait_for(pilot, lambda: not isinstance(app.screen, ErrorScreen))
            await wait_for(pilot, lambda: app.main_screen.task_list.total == 1)  # type: ignore[union-attr]

    asyncio.run(main())


def test_quit_on_error_screen_fails(tmp_path: Path) -> None:
    missing = tmp_path / "absent.db"
    app = app_for(str(missing))

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen))
            await pilot.press("q")
            await pilot.pause()

    asyncio.run(main())
    assert app.return_code == 2
    assert not missing.exists()


def test_old_schema_names_upgrade_command(small_db: str) -> None:
    with sqlite3.connect(small_db) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0'")
    app = app_for(small_db)

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, ErrorScreen))
            assert f"shadow-tui db upgrade --db {small_db}" in app.screen.message  # type: ignore[attr-defined]

    asyncio.run(main())


def test_lost_connection_status_line(small_db: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    async def body(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, ShadowTuiApp)
        status = app.main_screen.connection_status  # type: ignore[union-attr]
        # Port 9 on this machine refuses connections, like a PostgreSQL server that went away.
        app.engine = create_async_engine(
            "postgresql+asyncpg://nobody@127.0.0.1:9/none", connect_args={"timeout": 2}
        )
        await pilot.press("r")
        await wait_for(pilot, lambda: "attempt 1 failed" in status.message)
        assert app.connection_lost
        assert status.message.startswith(f"Lost the connection to {small_db}")
        assert "Connect call failed" in status.message or "refused" in status.message
        assert not isinstance(app.screen, ErrorScreen)
        assert app.is_running

    run(small_db, body)


def test_live_refresh_keeps_selection(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        await pilot.press("j", "j")
        selected = main.task_list.selected_task.task_id
        newer = make_session(90, days_ago=-0.01)
        await write_sessions(small_db, [newer])
        await wait_for(pilot, lambda: main.task_list.total == 16)
        await wait_for(pilot, lambda: main.task_list.selected_task is not None)
        assert main.task_list.selected_task.task_id == selected
        assert main.task_list.cursor == 3

    run(small_db, body, config=Config(refresh_interval=0.2))


def test_find_bar_in_pane(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        bar = main.query_one("#find-bar")
        status = main.query_one("#find-status", Static)
        await pilot.press("2")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("slash")
        assert bar.is_open
        await pilot.press(*"hello")
        await wait_for(pilot, lambda: str(status.render()) != "")
        assert str(status.render()) == "match"
        await pilot.press("enter")
        await pilot.pause()
        assert not bar.is_open
        await pilot.press("slash", "ctrl+u", *"okapi")
        await wait_for(pilot, lambda: str(status.render()) == "no match")
        await pilot.press("escape")
        await pilot.pause()
        assert not bar.is_open
        await pilot.press("n")
        await pilot.pause()
        messages = [note.message for note in pilot.app._notifications]
        assert "No match for 'okapi' in this tab." in messages

    run(small_db, body)


def test_find_bar_in_command_output(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        status = main.query_one("#find-status", Static)
        await pilot.press("3")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        output = main.detail.pane("commands").output_view
        assert output.line_count > 0
        await pilot.press("slash", *"OK")
        await wait_for(pilot, lambda: str(status.render()) == "match")
        assert output.marked_line == 0
        await pilot.press("ctrl+u", *"okapi")
        await wait_for(pilot, lambda: str(status.render()) == "no match")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        await wait_for(pilot, lambda: "No match for 'okapi' in this tab." in [
            note.message for note in pilot.app._notifications
        ])

    run(small_db, body)


def test_demo_database_created_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shadow_tui.tui.demo_database.DEMO_TASKS", 3)
    path = tmp_path / "cache" / "demo.db"
    assert ensure_demo_database(path) == path
    first = path.stat().st_mtime_ns
    assert ensure_demo_database(path) == path
    assert path.stat().st_mtime_ns == first
    assert not (tmp_path / "cache" / "demo.db.partial").exists()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM tasks").fetchone()[0] == 3


def test_stylesheet_found() -> None:
    assert stylesheet_path().name == "app.tcss"
    assert "MainScreen" in stylesheet_path().read_text(encoding="utf-8")


def test_tab_completes_field(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        await pilot.press("slash", *"sta")
        await pilot.pause(0.2)
        await pilot.press("tab")
        assert main.query_bar.value == "status:"
        await pilot.press(*"ru")
        await pilot.pause(0.2)
        await pilot.press("tab")
        assert main.query_bar.value == "status:running"

    run(small_db, body)


def test_hover_tooltip_absolute_time(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        task_list = pilot.app.main_screen.task_list  # type: ignore[attr-defined]
        await pilot.hover(task_list, offset=(20, 2))
        assert "created 2026-11-29 12:00 UTC" in str(task_list.tooltip)

    run(small_db, body)


def test_log_problem_notified(small_db: str) -> None:
    app = app_for(small_db)
    app.log_problem = "cannot open log file /x/shadow-tui.log: Permission denied. Logging is off"

    async def main() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await loaded(pilot)
            messages = [note.message for note in app._notifications]
            assert "Cannot open log file /x/shadow-tui.log: Permission denied. Logging is off." in messages

    asyncio.run(main())


def test_unknown_status_warned(small_db: str) -> None:
    async def body(pilot: Pilot[None]) -> None:
        main = pilot.app.main_screen  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: main.query_bar.statuses_present is not None)
        await pilot.press("slash", *"status:eror", "enter")
        await wait_for(pilot, lambda: main.task_list.loaded and main.task_list.total == 0)
        assert main.query_bar.has_class("-warning")
        assert not main.query_bar.has_class("-invalid")
        warning = str(main.query_bar.query_one("#query-error").render())
        assert warning == (
            "no task has status 'eror'; the statuses in this database are: completed, error, pending, running"
        )
        await pilot.press("slash", "ctrl+u", *"status:error", "enter")
        await wait_for(pilot, lambda: main.task_list.total == 6)
        assert not main.query_bar.has_class("-warning")

    run(small_db, body)
