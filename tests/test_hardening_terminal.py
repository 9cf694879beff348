"""No escape sequence from the data reaches the terminal through Textual's real Linux driver.

The browser runs in a pseudo-terminal (TERM=xterm-256color) on a database
imported from the hostile session files of tests/hostile. Keys written to
the pty open the hostile tasks, and each terminal size visits some of them.
In each task they visit every tab, a command output and a diff. Then they
use the command palette and the query bar's completions, and search for a
payload word. Every byte the app writes is recorded and checked.

Textual 8.2 itself writes only one kind of OSC, DCS or APC sequence
without a copy (`y`) or a link in the text: the pointer shape
`ESC ] 22 ; NAME BEL` (see `App._set_pointer_shape`), with NAME from
`textual.css.constants.VALID_POINTER`, at start-up and on later screen and
mouse events. Its other start-up and exit sequences are CSI modes such as
alternate screen, mouse reporting, bracketed paste and the Kitty keyboard
protocol.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.css.constants import VALID_POINTER

from hostile.content import ESCAPE_SEQUENCES, PAYLOAD_WORDS
from hostile.generate import write_sessions
from pty_app import PtyApp, browser_command, screen_text
from shadow_tui.cli import main
from shadow_tui.importers import import_sources

QUIT_TIMEOUT_SECONDS = 15
# The search term: a word of the OSC 0 payload "owned-icon-title".
SEARCH_WORD = "owned"
# Text typed in the query bar, and text of the completion it shows.
COMPLETIONS = (
    ("model:m", "model invoice<U+202E>"),
    ("branch:b", "branch invoice<U+202E>"),
    ("repo:", "ac<U+200D>me"),
)

# Every OSC, DCS, APC, PM and SOS sequence: the introducer, then the body up to BEL or ST.
STRING_SEQUENCE = re.compile(r"\x1b[\]P_^X][^\x07\x1b]*(?:\x07|\x1b\\)?")
TEXTUAL_SEQUENCES = frozenset(f"\x1b]22;{shape}\x07" for shape in VALID_POINTER)
C1_CONTROL = re.compile("[\x80-\x9f]")

# Markdown and diff lines show a control as its picture (ESC as ␛, BEL as ␇),
# so a payload may be shown as inert text, after the pictured introducer.
PICTURED_PREFIX = {
    "Y3VybCBldmlsfHNo": "␛]52;c;",
    "owned-icon-title": "␛]0;",
    "owned-window-title": "␛]2;",
    "evil.example": "␛]8;;https://",
    "1$r0m": "␛P",
}
assert set(PAYLOAD_WORDS) <= set(PICTURED_PREFIX)
# Padding, line breaks and the left margins of wrapped chat lines (no prefix contains them).
WRAP_FILLER = re.compile("[ \r\n▌▏]+")
# The cursor moves that start each piece of a frame Textual writes, and the mark that replaces them.
CURSOR_MOVE = re.compile(r"\x1b\[[0-9;]*[HfG]")
REDRAW_MARK = "\x00"


@dataclass(frozen=True, slots=True)
class Terminal:
    """A terminal size, and the positions in the list of the tasks whose tabs the test visits there."""

    columns: int
    rows: int
    visited: tuple[int, ...]


@pytest.fixture(scope="module")
def hostile_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database of the hostile session of every importer format."""
    folder = tmp_path_factory.mktemp("terminal")
    sessions = write_sessions(folder / "sessions")
    database = folder / "hostile.db"
    summary = asyncio.run(import_sources(str(database), [str(path) for path in sessions.values()]))
    assert summary.failed == 0, [str(failure) for failure in summary.failures]
    return database


@pytest.fixture(scope="module")
def task_ids(hostile_database: Path) -> list[str]:
    """The ids of the hostile tasks in the order of the browser's list (newest first, as `tasks` lists them)."""
    result = CliRunner().invoke(main, ["tasks", "--db", str(hostile_database), "--format", "json"])
    assert result.exit_code == 0, result.output
    return [task["task_id"] for task in json.loads(result.stdout)]


@pytest.fixture
def terminal_env(tmp_path: Path) -> dict[str, str]:
    """The environment of the app: this one (with its isolated XDG folders) in an xterm, outside tmux."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TEXTUAL", "TMUX"))}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    env["TERM"] = "xterm-256color"
    env["HOME"] = str(tmp_path)
    # The default settings, live refresh included, with no user file.
    env["SHADOW_TUI_CONFIG"] = str(tmp_path / "no-config.toml")
    return env


def visit_task(app: PtyApp, task_id: str, since: int) -> None:
    """Open the selected task, visit each tab, a command's output and a diff, and return to the list.

    Each key waits for text that only it makes the app draw. The keys sent
    without a wait are covered by the next wait, because keys run in order.
    """
    app.send("\r")
    # The detail header; on a wide terminal it is drawn when the list cursor reaches the task.
    app.wait_for(f"{task_id[:8]}  title", since=since)
    app.press("1", "edit   src/path")
    app.press("2", "agent  2026-03-01")
    app.press("3", "command output first line")
    # The pane's keys in the footer show that it has the focus, so `o` reaches it.
    app.wait_for("Failed only")
    # The output view's keys in the footer show that it has the focus. Sending
    # the next keys earlier can race the focus change (see DetailView.select_tab).
    app.press("o", "Go to line")
    app.send("G")
    app.press("4", "@@ -1")
    app.wait_for("Side by side")
    app.send("j")
    app.send("w")
    app.send("v")
    app.press("5", "No artifacts.")
    app.press("6", task_id)
    app.press("\x1b", "/ Filter")


def drive_browser(app: PtyApp, task_ids: list[str], visited: tuple[int, ...]) -> None:
    """Use the browser on the hostile tasks at the `visited` positions of the list, then the palette, completions and search."""
    app.wait_for(f"{task_ids[0][:8]} title")
    since = 0
    cursor = 0
    for index in visited:
        while cursor < index:
            cursor += 1
            since = app.mark()
            app.press("j", f"{task_ids[cursor][:8]} title")
        visit_task(app, task_ids[index], since)

    # The command palette lists tasks with their repository.
    first = task_ids[0][:8]
    app.press("\x10", "Search for commands")
    app.press(first, f"{first}  title invoice")
    app.send("\x1b")

    # The query bar completes models, branches and repositories from the data.
    # An Input hides the keys that type letters, so the footer shows ^f for search once the bar has the focus.
    app.press("\x0c", "^f Search")
    for typed, completion in COMPLETIONS:
        # Row 0 is the query bar; the other rows may show the same words in a task's fields.
        app.press(typed, completion, row=0)
        app.press("\x15", "status:error repo:NAME", row=0)
    # The footer shows the list's keys once Enter has moved the focus to the list.
    # The task count cannot show that, because it is on screen before Enter too.
    app.press("\r", "/ Filter")
    app.wait_for(f"{len(task_ids)} tasks")

    # Global search for a payload word, then open the first hit.
    app.press("s", "Search messages")
    app.press(SEARCH_WORD, "results")
    app.press("\r", "Timeline  Chat")


def string_sequences(stream: str) -> list[str]:
    return STRING_SEQUENCE.findall(stream)


def unpictured_payloads(stream: str) -> list[str]:
    """Return each payload word shown without its pictured introducer, with what precedes it.

    A wrapped line puts padding, a line break and the margin of the next line
    inside the introducer, so they are removed before the comparison.
    """
    shown = screen_text(CURSOR_MOVE.sub(REDRAW_MARK, stream))
    found = []
    for word, prefix in PICTURED_PREFIX.items():
        for match in re.finditer(re.escape(word), shown):
            preceding = shown[max(0, match.start() - 300) : match.start()]
            before = WRAP_FILLER.sub("", preceding.replace(REDRAW_MARK, ""))
            if before.endswith(prefix):
                continue
            # Textual can redraw part of a row: a cursor move, then the cells from there on. Under load
            # such a redraw started inside the prefix ("52;c;" after the move); an earlier write drew the row whole.
            redrawn = WRAP_FILLER.sub("", preceding.rpartition(REDRAW_MARK)[2])
            if REDRAW_MARK in preceding and prefix.endswith(redrawn):
                continue
            found.append(f"{word} after {before[-len(prefix):]!r}")
    return found


# Each terminal visits some of the five tasks, so that together they visit
# all of them and each run takes less time.
@pytest.mark.parametrize("terminal", [Terminal(80, 24, (0, 1, 2)), Terminal(200, 50, (3, 4))], ids=["80x24", "200x50"])
def test_terminal_gets_no_data_escapes(
    hostile_database: Path, task_ids: list[str], terminal_env: dict[str, str], tmp_path: Path, terminal: Terminal
) -> None:
    app = PtyApp(browser_command(hostile_database), columns=terminal.columns, rows=terminal.rows,
                 env=terminal_env, cwd=tmp_path)
    try:
        drive_browser(app, task_ids, terminal.visited)
        app.send("q")
        exited = app.wait_exit(QUIT_TIMEOUT_SECONDS)
    finally:
        app.close()
    stream = app.output.decode("utf-8", "replace")

    assert set(string_sequences(stream)) <= TEXTUAL_SEQUENCES
    assert C1_CONTROL.search(stream) is None
    for name in ("csi_erase_home", "dcs_request", "apc", "osc8_link"):
        assert ESCAPE_SEQUENCES[name] not in stream, name
    assert unpictured_payloads(stream) == []
    assert exited, f"the app did not exit within {QUIT_TIMEOUT_SECONDS} s of q and was killed"
    assert app.process.returncode == 0
