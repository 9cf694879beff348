"""Pilot tests of the detail panes on a small database written with `write_session`."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncEngine
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from shadow_tui.db.access import open_writer
from shadow_tui.db.engine import create_engine_for, resolve_database
from shadow_tui.db.writer import (
    ArtifactData,
    CommandData,
    EditData,
    MessageData,
    SessionData,
    TaskData,
    UserData,
    write_session,
)
from shadow_tui.queries.tasks import fetch_task
from shadow_tui.render.highlight import shutdown_highlighter
from shadow_tui.tui.messages import FindFinished
from shadow_tui.tui.panes.artifacts import ArtifactsPane
from shadow_tui.tui.panes.base import OpenItem, TaskPane
from shadow_tui.tui.panes import chat as chat_module
from shadow_tui.tui.panes.chat import FIRST_PAGE_MESSAGES, ChatPane
from shadow_tui.tui.panes import commands as commands_module
from shadow_tui.tui.panes.commands import OUTPUT_HEAD_CHARS, CommandsPane
from shadow_tui.tui.panes.diffs import DiffsPane
from shadow_tui.tui.panes.info import InfoPane
from shadow_tui.tui.panes.timeline import TimelinePane
from shadow_tui.tui.widgets.line_source import LineSource, scan_lines
from shadow_tui.tui.widgets.line_view import WRAP_MAX_LINES, LineView
from shadow_tui.tui.widgets.message_list import MessageList

START = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
TASK_ID = "task-panes"
LONG_TASK_ID = "task-long-chat"
BIG_OUTPUT_TASK_ID = "task-big-output"
# More characters than OUTPUT_HEAD_CHARS, so the pane shows a head first.
BIG_OUTPUT_LINES = 30_000
BIG_OUTPUT = "".join(f"\x1b[32mline {number:05d} passed\x1b[0m\n" for number in range(BIG_OUTPUT_LINES)) + "last needle"
USER = UserData("u-alice", email="alice@example.com", username="alice", display_name="Alice")
MARKUP_TRAPS = "10:06:02: [/Users/x/proj] [type=x, v={'a[0]'}] [/"

FAILING_OUTPUT = (
    "\x1b[31mFAILED\x1b[0m tests/test_a.py::test_x\n"
    "\x1b]52;c;ZXZpbA==\x07clipboard after\n"
    "\x1b]0;evil title\x07title after\n"
    "progress 10%\rprogress 50%\rprogress 100%\n"
)
LONG_OUTPUT = "".join(f"line {number}\n" for number in range(500))

DIFF_MODIFIED = (
    "diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n"
    "@@ -1,3 +1,3 @@\n import os\n-def main():\n+def main(argv=None):\n     pass\n"
    "@@ -10,2 +10,2 @@\n x = 1\n-y = 2\n+y = 3\n"
)
DIFF_ADDED = "diff --git a/docs/new.md b/docs/new.md\nnew file mode 100644\n--- /dev/null\n+++ b/docs/new.md\n@@ -0,0 +1,2 @@\n+# New\n+text\n"
DIFF_DELETED = "diff --git a/old.txt b/old.txt\ndeleted file mode 100644\n--- a/old.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n"
DIFF_RENAMED = "diff --git a/a.txt b/b.txt\nsimilarity index 100%\nrename from a.txt\nrename to b.txt\n"
DIFF_BINARY = "diff --git a/logo.png b/logo.png\nBinary files a/logo.png and b/logo.png differ\n"
DIFF_MALFORMED = "@@ -1,2 +1,2 @@\n-only one line\n+x\n+y\n+z\ngarbage [/ here\n"


def _at(seconds: int) -> datetime:
    return START + timedelta(seconds=seconds)


def main_session() -> SessionData:
    task = TaskData(
        TASK_ID, USER, START, status="error", repo_url="https://github.com/acme/api", branch="main",
        model_name="claude-sonnet-4", started_at=START, completed_at=_at(420),
        error_message=f"Traceback (most recent call last):\n\x1b[31mValueError\x1b[0m: {MARKUP_TRAPS}",
        title="Fix the [/ parser", source="demo", source_ref="/tmp/session.jsonl",
        input_tokens=12345, output_tokens=678, cost_usd=0.1234,
    )
    senders = ["user", "agent", "agent", "user", "agent", "user"]
    messages = [
        MessageData(
            f"m{index}", sender,
            f"Message {index} from {sender}: **bold** and {MARKUP_TRAPS}\n\n```python\nx = {index}\n```\n",
            _at(index), index,
        )
        for index, sender in enumerate(senders)
    ]
    commands = [
        CommandData("c-fail", "pytest -q", FAILING_OUTPUT, _at(20), exit_code=1, duration_seconds=3.2),
        CommandData("c-ok", "git status", "On branch main\n", _at(30), exit_code=0, duration_seconds=0.05),
        CommandData("c-unknown", "make build", "?\n", _at(40), exit_code=None),
        CommandData("c-long", "seq 500", LONG_OUTPUT, _at(50), exit_code=0),
    ]
    edits = [
        EditData("e-modified", "src/app.py", DIFF_MODIFIED, _at(25)),
        EditData("e-added", "docs/new.md", DIFF_ADDED, _at(26)),
        EditData("e-deleted", "old.txt", DIFF_DELETED, _at(27)),
        EditData("e-renamed", "b.txt", DIFF_RENAMED, _at(28)),
        EditData("e-binary", "logo.png", DIFF_BINARY, _at(29)),
        EditData("e-malformed", "weird.py", DIFF_MALFORMED, _at(31)),
    ]
    artifacts = [
        ArtifactData("a-log", "log", "s3://bucket/run.log", _at(60)),
        ArtifactData("a-zip", "zip", "s3://bucket/out [/x].zip", _at(61)),
    ]
    return SessionData(task, messages, commands, edits, artifacts)


def long_chat_session(count: int = 10_000) -> SessionData:
    task = TaskData(LONG_TASK_ID, USER, START, title="A long chat")
    messages = [
        MessageData(
            f"long-{index:05d}", "user" if index % 5 == 0 else "agent",
            f"Message {index}\n\nSome *text* with `code`.", _at(index), index,
        )
        for index in range(count)
    ]
    return SessionData(task, messages)


def big_output_session() -> SessionData:
    task = TaskData(BIG_OUTPUT_TASK_ID, USER, START, title="A large output")
    commands = [
        CommandData("c-big", "pytest -q --color=yes", BIG_OUTPUT, _at(1), exit_code=0),
        CommandData("c-small", "git status", "clean\n", _at(2), exit_code=0),
    ]
    return SessionData(task, commands=commands)


async def write_database(path: Path) -> None:
    async with open_writer(str(path)) as (_target, engine):
        async with engine.begin() as connection:
            await write_session(connection, main_session())
            await write_session(connection, long_chat_session())
            await write_session(connection, big_output_session())


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("panes") / "panes.db"
    asyncio.run(write_database(path))
    yield path
    shutdown_highlighter()


class PaneApp(App[None]):
    """Shows one pane, with the `engine` and `follow` attributes that panes read from the app."""

    def __init__(self, database: Path, pane: TaskPane, task_id: str = TASK_ID) -> None:
        super().__init__()
        self.engine = create_engine_for(resolve_database(str(database)), write=False)
        self.follow = False
        self.pane = pane
        self.task_id = task_id
        self.opened: list[tuple[str, str]] = []
        self.finds: list[tuple[str, bool | None]] = []
        """(text, found) of every `FindFinished` that reached the app."""

    def compose(self) -> ComposeResult:
        yield self.pane

    async def on_mount(self) -> None:
        self.pane.show_task(await fetch_task(self.engine, self.task_id))

    async def on_unmount(self) -> None:
        await self.engine.dispose()

    def on_open_item(self, message: OpenItem) -> None:
        self.opened.append((message.kind, message.item_id))

    def on_find_finished(self, message: FindFinished) -> None:
        self.finds.append((message.text, message.found))


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], description: str) -> None:
    """Let the app run until `condition` holds; fail after about 20 seconds."""
    for _ in range(400):
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {description}")


def strip_texts(widget: Widget, rows: int) -> list[str]:
    return [widget.render_line(row).text for row in range(rows)]


def view_lines(view: LineView) -> list[str]:
    return [view.source.plain(index) for index in range(view.line_count)]


def static_text(static: Static, width: int = 100) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(static.content)
    return console.export_text()


# Chat


async def test_chat_shows_sender_and_markdown(database: Path) -> None:
    app = PaneApp(database, ChatPane())
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(MessageList)
        await wait_until(pilot, lambda: view.rendered_count >= 3, "rendered messages")
        rows = strip_texts(view, 12)
        assert "user  2026-01-05 10:00:00" in rows[0]
        assert any("Message 0 from user: bold and" in row for row in rows)
        assert any("[/Users/x/proj]" in row for row in rows)


async def test_chat_jumps_between_user_messages(database: Path) -> None:
    app = PaneApp(database, ChatPane())
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(MessageList)
        await wait_until(pilot, lambda: view.selected == 0, "the first message selected")
        view.focus()
        await pilot.press("right_square_bracket")
        assert view.selected == 3
        await pilot.press("right_square_bracket")
        assert view.selected == 5
        await pilot.press("left_square_bracket")
        assert view.selected == 3


async def test_chat_large_transcript_renders_window(database: Path) -> None:
    app = PaneApp(database, ChatPane(), task_id=LONG_TASK_ID)
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(MessageList)
        await wait_until(pilot, lambda: len(view.messages) == 10_000, "10,000 messages")
        await wait_until(pilot, lambda: view.rendered_count > 0, "the first rendered messages")
        await pilot.pause(0.5)
        assert view.rendered_total < 50
        assert view.virtual_size.height > 10_000 * 3


async def test_chat_last_message_key(database: Path) -> None:
    app = PaneApp(database, ChatPane(), task_id=LONG_TASK_ID)
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(MessageList)
        await wait_until(pilot, lambda: len(view.messages) == 10_000, "10,000 messages")
        view.focus()
        await pilot.press("G")
        await wait_until(pilot, lambda: view.rendered_count > 5, "messages at the end rendered")
        assert view.selected == 9_999
        assert view.scroll_y == view.max_scroll_y


async def test_chat_copies_selected_message(database: Path) -> None:
    app = PaneApp(database, ChatPane())
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(MessageList)
        await wait_until(pilot, lambda: view.selected == 0, "the first message selected")
        view.focus()
        await pilot.press("right_curly_bracket", "y")
        assert app.clipboard == view.messages[1].content


async def test_chat_follow_shows_newest(database: Path) -> None:
    pane = ChatPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(90, 20)) as pilot:
        view = app.query_one(MessageList)
        await wait_until(pilot, lambda: view.selected == 0, "the first message selected")
        app.follow = True
        pane.refresh_task()
        await wait_until(pilot, lambda: view.selected == 5, "the newest message selected")
        assert view.max_scroll_y > 0
        assert view.scroll_y == view.max_scroll_y


async def test_chat_find_selects_message(database: Path) -> None:
    pane = ChatPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(MessageList)
        await wait_until(pilot, lambda: view.selected == 0, "the first message selected")
        assert pane.find("message 4 from")
        assert view.selected == 4
        assert not pane.find("no such words anywhere")


async def test_chat_appends_rest_in_order(database: Path) -> None:
    pane = ChatPane()
    app = PaneApp(database, pane, task_id=LONG_TASK_ID)
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(MessageList)
        await wait_until(pilot, lambda: not pane.rest_pending and len(view.messages) > FIRST_PAGE_MESSAGES, "every message")
        assert [message.message_id for message in view.messages] == [f"long-{index:05d}" for index in range(10_000)]
        assert view.selected == 0
        assert view.scroll_y == 0


def hold_rest_of_chat(monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Make the Chat pane's load of the messages after the first page wait until the returned event is set."""
    release = asyncio.Event()
    original = chat_module.load_messages

    async def held(engine: AsyncEngine, task_id: str, *, offset: int = 0, limit: int | None = None) -> list:
        if offset:
            await release.wait()
        return await original(engine, task_id, offset=offset, limit=limit)

    monkeypatch.setattr(chat_module, "load_messages", held)
    return release


async def test_chat_first_page_then_rest(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = hold_rest_of_chat(monkeypatch)
    pane = ChatPane()
    app = PaneApp(database, pane, task_id=LONG_TASK_ID)
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(MessageList)
        await wait_until(pilot, lambda: view.rendered_count > 0, "the first page rendered")
        assert len(view.messages) == FIRST_PAGE_MESSAGES
        assert pane.rest_pending
        rendered = view.rendered_total
        release.set()
        await wait_until(pilot, lambda: not pane.rest_pending, "every message")
        assert len(view.messages) == 10_000
        # Appending keeps the bodies already rendered.
        assert view.rendered_total >= rendered
        assert all(index in view._bodies for index in range(3))


async def test_chat_reveal_waits_for_rest(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = hold_rest_of_chat(monkeypatch)
    pane = ChatPane()
    app = PaneApp(database, pane, task_id=LONG_TASK_ID)
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(MessageList)
        pane.reveal("long-09500", 0, "Message 9500")
        await wait_until(pilot, lambda: len(view.messages) == FIRST_PAGE_MESSAGES, "the first page")
        await pilot.pause(0.1)
        assert view.selected == 0
        release.set()
        await wait_until(pilot, lambda: view.selected == 9_500, "message 9500 selected")
        assert view.search_term == "Message 9500"
        top = view._message_at(round(view.scroll_y))
        assert top <= 9_500 <= top + 30


async def test_chat_refresh_runs_waiting_reveal(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = hold_rest_of_chat(monkeypatch)
    pane = ChatPane()
    app = PaneApp(database, pane, task_id=LONG_TASK_ID)
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(MessageList)
        await wait_until(pilot, lambda: view.selected == 0, "the first page")
        pane.reveal("long-09500", 0, "")
        # A live refresh loads every message at once, which also serves the waiting reveal.
        pane.refresh_task()
        await wait_until(pilot, lambda: view.selected == 9_500, "message 9500 selected")
        assert len(view.messages) == 10_000
        assert not pane.rest_pending
        # The held load of the rest ends without changing the refreshed list.
        release.set()
        await pilot.pause(0.2)
        assert len(view.messages) == 10_000


async def test_chat_find_waits_for_rest(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = hold_rest_of_chat(monkeypatch)
    pane = ChatPane()
    app = PaneApp(database, pane, task_id=LONG_TASK_ID)
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(MessageList)
        await wait_until(pilot, lambda: view.selected == 0, "the first message selected")
        assert pane.find("Message 9999") is None
        await pilot.pause(0.1)
        assert app.finds == []
        release.set()
        await wait_until(pilot, lambda: app.finds, "the find result")
        assert app.finds == [("Message 9999", True)]
        assert view.selected == 9_999


async def test_chat_next_user_while_loading(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = hold_rest_of_chat(monkeypatch)
    pane = ChatPane()
    app = PaneApp(database, pane, task_id=LONG_TASK_ID)
    async with app.run_test(size=(90, 30)) as pilot:
        view = app.query_one(MessageList)
        await wait_until(pilot, lambda: view.selected == 0, "the first message selected")
        view.select(FIRST_PAGE_MESSAGES - 1)
        pane.action_next_user()
        await pilot.pause()
        notes = [note.message for note in app._notifications]
        assert any("still loading" in note for note in notes)
        assert view.selected == FIRST_PAGE_MESSAGES - 1
        release.set()
        await wait_until(pilot, lambda: not pane.rest_pending, "every message")


# Commands


def hold_whole_outputs(monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Make the Commands pane's loads of whole outputs wait until the returned event is set."""
    release = asyncio.Event()
    original = commands_module.load_command_output

    async def held(engine: AsyncEngine, command_id: str, *, limit: int | None = None) -> str:
        if limit is None:
            await release.wait()
        return await original(engine, command_id, limit=limit)

    monkeypatch.setattr(commands_module, "load_command_output", held)
    return release


async def test_big_output_head_then_whole(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = hold_whole_outputs(monkeypatch)
    pane = CommandsPane()
    app = PaneApp(database, pane, task_id=BIG_OUTPUT_TASK_ID)
    async with app.run_test(size=(100, 30)) as pilot:
        output = pane.output_view
        await wait_until(pilot, lambda: output.line_count > 0, "the head of the output")
        assert len(BIG_OUTPUT) > OUTPUT_HEAD_CHARS
        assert 0 < output.line_count < BIG_OUTPUT_LINES
        assert output.source.plain(0) == "line 00000 passed"
        assert output.source.plain(output.line_count - 1).endswith(" passed")
        assert pane._output_text is None
        release.set()
        await wait_until(pilot, lambda: pane._output_text is not None, "the whole output")
        assert output.line_count == BIG_OUTPUT_LINES + 1
        assert output.source.plain(BIG_OUTPUT_LINES) == "last needle"
        assert pane._output_text == BIG_OUTPUT


async def test_big_output_head_keeps_position(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = hold_whole_outputs(monkeypatch)
    pane = CommandsPane()
    app = PaneApp(database, pane, task_id=BIG_OUTPUT_TASK_ID)
    async with app.run_test(size=(100, 30)) as pilot:
        output = pane.output_view
        await wait_until(pilot, lambda: output.line_count > 0, "the head of the output")
        output.goto_line(5_001)
        top = output.top_line
        release.set()
        await wait_until(pilot, lambda: pane._output_text is not None, "the whole output")
        assert output.top_line == top
        assert output.marked_line == 5_000


async def test_big_output_sizes_filled_in(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = hold_whole_outputs(monkeypatch)
    pane = CommandsPane()
    app = PaneApp(database, pane, task_id=BIG_OUTPUT_TASK_ID)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: pane.output_view.line_count > 0, "the head of the output")
        # The sizes load after the selected output, which is held.
        assert [command.output_size for command in pane.commands] == [None, None]
        release.set()
        await wait_until(pilot, lambda: pane.commands[0].output_size is not None, "the output sizes")
        assert [command.output_size for command in pane.commands] == [len(BIG_OUTPUT), len("clean\n")]
        assert f"{len(BIG_OUTPUT) / 1000:.1f}k ch" in view_lines(pane.list_view)[0]
        assert pane.list_view.cursor == 0


async def test_big_output_find_last_line(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = hold_whole_outputs(monkeypatch)
    pane = CommandsPane()
    app = PaneApp(database, pane, task_id=BIG_OUTPUT_TASK_ID)
    async with app.run_test(size=(100, 30)) as pilot:
        output = pane.output_view
        await wait_until(pilot, lambda: output.line_count > 0, "the head of the output")
        output.focus()
        await pilot.pause()
        # The last line is not in the head, so the find waits for the whole output.
        assert pane.find("LAST NEEDLE") is None
        await pilot.pause(0.2)
        assert app.finds == []
        release.set()
        await wait_until(pilot, lambda: app.finds, "the find result")
        assert app.finds == [("LAST NEEDLE", True)]
        assert output.marked_line == BIG_OUTPUT_LINES
        assert output.top_line <= BIG_OUTPUT_LINES < output.top_line + output.scrollable_content_region.height
        assert pane.find_previous() is None
        await wait_until(pilot, lambda: len(app.finds) == 2, "the previous result")
        assert app.finds[1] == ("LAST NEEDLE", True)
        assert output.marked_line == BIG_OUTPUT_LINES


async def test_big_output_find_reports_missing(database: Path) -> None:
    pane = CommandsPane()
    app = PaneApp(database, pane, task_id=BIG_OUTPUT_TASK_ID)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: pane._output_text is not None, "the whole output")
        pane.output_view.focus()
        await pilot.pause()
        assert pane.find("no such words anywhere") is None
        await wait_until(pilot, lambda: app.finds, "the find result")
        assert app.finds == [("no such words anywhere", False)]
        assert pane.output_view.marked_line is None


async def test_big_output_reveal_past_head(database: Path) -> None:
    pane = CommandsPane()
    app = PaneApp(database, pane, task_id=BIG_OUTPUT_TASK_ID)
    async with app.run_test(size=(100, 30)) as pilot:
        pane.reveal("c-big", 29_000, "line 29000")
        output = pane.output_view
        await wait_until(pilot, lambda: output.marked_line == 29_000, "line 29000 marked")
        assert output.line_count == BIG_OUTPUT_LINES + 1
        assert output.top_line <= 29_000 < output.top_line + output.scrollable_content_region.height


async def test_commands_failed_only_toggle(database: Path) -> None:
    pane = CommandsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(pane.listed) == 4, "four commands")
        pane.list_view.focus()
        await pilot.press("x")
        assert [command.command_id for command in pane.listed] == ["c-fail"]
        await pilot.press("x")
        assert len(pane.listed) == 4


async def test_commands_exit_codes_shown(database: Path) -> None:
    pane = CommandsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: pane.list_view.line_count == 4, "four rows")
        rows = view_lines(pane.list_view)
        assert rows[0].split()[1] == "1"
        assert rows[1].split()[1] == "0"
        assert rows[2].split()[1] == "?"


async def test_output_keeps_red_sgr(database: Path) -> None:
    pane = CommandsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        output = pane.output_view
        await wait_until(pilot, lambda: output.line_count > 0, "the first command's output")
        strip: Strip = output.render_line(0)
        failed = [segment for segment in strip if segment.text == "FAILED"]
        assert failed
        assert failed[0].style is not None
        assert failed[0].style.color is not None
        assert failed[0].style.color.name in ("red", "color(1)")


async def test_output_shows_osc_markers_not_sequences(database: Path) -> None:
    pane = CommandsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        output = pane.output_view
        await wait_until(pilot, lambda: output.line_count > 0, "the first command's output")
        shown = "\n".join(strip_texts(output, output.line_count))
        assert "␛]52" in shown
        assert "␛]0" in shown
        assert "\x1b" not in shown
        assert "\x07" not in shown
        assert "ZXZpbA" not in shown
        assert "evil title" not in shown


async def test_output_progress_bar_collapsed(database: Path) -> None:
    pane = CommandsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        output = pane.output_view
        await wait_until(pilot, lambda: output.line_count > 0, "the first command's output")
        assert view_lines(output)[3] == "progress 100%"


async def test_commands_reveal_scrolls_to_line(database: Path) -> None:
    pane = CommandsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(pane.listed) == 4, "four commands")
        pane.reveal("c-long", 400, "line 400")
        output = pane.output_view
        await wait_until(pilot, lambda: output.marked_line == 400, "line 400 marked")
        height = output.scrollable_content_region.height
        assert output.top_line <= 400 < output.top_line + height
        assert output.search_term == "line 400"


async def test_commands_copy_command(database: Path) -> None:
    pane = CommandsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(pane.listed) == 4, "four commands")
        pane.list_view.focus()
        await pilot.press("down", "y")
        assert app.clipboard == "git status"


async def test_commands_cleared_by_none(database: Path) -> None:
    pane = CommandsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: pane.output_view.line_count > 0, "the first command's output")
        pane.show_task(None)
        await pilot.pause()
        assert pane.list_view.line_count == 0
        assert pane.output_view.line_count == 0


# Diffs


async def test_diffs_lists_kinds(database: Path) -> None:
    pane = DiffsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(pane.entries) == 7, "seven file entries")
        kinds = {entry.label: entry.kind for entry in pane.entries}
        assert kinds["src/app.py"] == "modified"
        assert kinds["docs/new.md"] == "added"
        assert kinds["old.txt"] == "deleted"
        assert kinds["b.txt"] == "renamed"
        assert kinds["logo.png"] == "binary"
        rows = view_lines(pane.list_view)
        assert rows[0].split()[0] == "all"
        assert rows[3].split()[0] == "deleted"


async def test_diffs_malformed_shown_as_text(database: Path) -> None:
    pane = DiffsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: pane.rendering is not None, "the rendered diff")
        labels = [entry.label for entry in pane.entries]
        pane.list_view.move_cursor(labels.index("weird.py"))
        await wait_until(pilot, lambda: pane.rendering is not None and pane.diff_view.line_count > 0, "weird.py")
        lines = view_lines(pane.diff_view)
        assert any(line.startswith("⚠") for line in lines)
        assert "garbage [/ here" in lines


async def test_diffs_renderer_error_shows_text(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_renderer(*args: object, **kwargs: object) -> None:
        raise ValueError("renderer bug")

    monkeypatch.setattr("shadow_tui.tui.panes.diffs.DiffDocument", broken_renderer)
    pane = DiffsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: pane.rendering is not None, "the fallback rendering")
        lines = view_lines(pane.diff_view)
        assert "renderer bug" in lines[0]
        assert "-def main():" in lines


async def test_diffs_side_by_side_toggle(database: Path) -> None:
    pane = DiffsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(130, 40)) as pilot:
        await wait_until(pilot, lambda: pane.rendering is not None, "the rendered diff")
        pane.diff_view.focus()
        await pilot.press("v")
        await wait_until(pilot, lambda: not pane.rendering_pending, "the side-by-side rendering")
        assert pane.side_by_side
        assert any("│" in line for line in view_lines(pane.diff_view))


async def test_diffs_side_by_side_needs_width(database: Path) -> None:
    pane = DiffsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: pane.rendering is not None, "the rendered diff")
        pane.diff_view.focus()
        await pilot.press("v")
        assert not pane.side_by_side


async def test_diffs_next_hunk_key(database: Path) -> None:
    pane = DiffsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: pane.rendering is not None, "the rendered diff")
        pane.diff_view.focus()
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert pane.rendering is not None
        assert pane.diff_view.marked_line == pane.rendering.hunk_starts[1]


async def test_diffs_reveal_edit(database: Path) -> None:
    pane = DiffsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: pane.rendering is not None, "the rendered diff")
        pane.reveal("e-deleted")
        await wait_until(pilot, lambda: pane.selected_entry is not None and pane.selected_entry.label == "old.txt"
                         and pane.rendering is not None, "old.txt")
        assert pane.diff_view.marked_line == 0


# Timeline, artifacts, info


async def test_timeline_orders_items(database: Path) -> None:
    pane = TimelinePane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(pane.items) == 16, "sixteen items")
        kinds = [item.kind for item in pane.items]
        assert kinds[:6] == ["message"] * 6
        assert kinds[6] == "command"
        assert kinds[7] == "edit"
        assert "+2 -2" in pane.items[7].text.plain


async def test_timeline_enter_opens_item(database: Path) -> None:
    pane = TimelinePane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(pane.items) == 16, "sixteen items")
        pane.list_view.focus()
        await pilot.press(*["down"] * 6, "enter")
        await pilot.pause()
        assert app.opened == [("command", "c-fail")]


async def test_artifacts_copy_url(database: Path) -> None:
    pane = ArtifactsPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: len(pane.artifacts) == 2, "two artifacts")
        pane.list_view.focus()
        await pilot.press("down", "y")
        assert app.clipboard == "s3://bucket/out [/x].zip"


async def test_info_shows_every_field(database: Path) -> None:
    pane = InfoPane()
    app = PaneApp(database, pane)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: pane.task_row is not None, "the task")
        await pilot.pause(0.2)
        text = static_text(app.query_one("#task-info", Static))
        assert "Fix the [/ parser" in text
        assert "12,345 in / 678 out" in text
        assert "$0.1234" in text
        assert "/tmp/session.jsonl" in text
        assert MARKUP_TRAPS in text
        assert "\x1b" not in text


# Line view


class LineViewApp(App[None]):
    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        yield LineView(LineSource.from_strings(self.lines))


async def test_line_view_goto_line() -> None:
    app = LineViewApp([f"row {number}" for number in range(1000)])
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LineView)
        view.focus()
        await pilot.press("colon", "5", "0", "0", "enter")
        await pilot.pause()
        assert view.marked_line == 499
        assert view.top_line <= 499 < view.top_line + 20


async def test_line_view_find_keys() -> None:
    lines = [f"row {number}" + (" needle" if number % 100 == 7 else "") for number in range(1000)]
    app = LineViewApp(lines)
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LineView)
        view.focus()
        await pilot.press("slash", *"NEEDLE", "enter")
        await wait_until(pilot, lambda: view.marked_line == 7, "the first match")
        await pilot.press("n")
        await wait_until(pilot, lambda: view.marked_line == 107, "the second match")
        await pilot.press("N")
        await wait_until(pilot, lambda: view.marked_line == 7, "the first match again")


async def test_line_view_renders_visible_lines_only() -> None:
    app = LineViewApp([f"row {number}" for number in range(100_000)])
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LineView)
        view.focus()
        await pilot.press("G")
        await pilot.pause()
        assert view.top_line > 99_000
        assert len(view._strips) <= 60


async def test_line_view_wraps_long_lines() -> None:
    app = LineViewApp(["short", "x" * 200, "end"])
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LineView)
        view.focus()
        await pilot.press("w")
        assert view.wrap
        assert view.virtual_size.height > 3
        assert view.render_line(view.virtual_size.height - 1).text.split()[-1] == "end"


async def test_line_view_wrap_refused_when_long() -> None:
    app = LineViewApp(["row"] * (WRAP_MAX_LINES + 1))
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LineView)
        view.focus()
        await pilot.press("w")
        assert not view.wrap


def test_scan_lines_stops_when_cancelled() -> None:
    lines = [f"row {number}" for number in range(10_000)]
    lines[9_000] = "row with needle"
    source = LineSource.from_strings(lines)
    calls: list[int] = []

    def cancel_after_first_check() -> bool:
        calls.append(1)
        return len(calls) > 1

    assert scan_lines(source, "NEEDLE", 0, False, cancel_after_first_check) is None
    assert len(calls) == 2
    assert scan_lines(source, "NEEDLE", 0, False) == 9_000
    assert scan_lines(source, "NEEDLE", 9_999, True) == 9_000


class FindRecordingApp(LineViewApp):
    """A `LineViewApp` that records every `FindFinished` message."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines)
        self.results: list[tuple[str, bool | None]] = []

    def on_find_finished(self, message: FindFinished) -> None:
        self.results.append((message.text, message.found))


async def test_line_view_find_posts_result() -> None:
    lines = [f"row {number}" + (" needle" if number == 700 else "") for number in range(1000)]
    app = FindRecordingApp(lines)
    results = app.results
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LineView)
        assert view.find("needle") is None
        await wait_until(pilot, lambda: results, "the find result")
        assert results == [("needle", True)]
        assert view.marked_line == 700
        assert view.find("") is False
        assert view.find("absent") is None
        await wait_until(pilot, lambda: len(results) == 2, "the second result")
        assert results[1] == ("absent", False)
