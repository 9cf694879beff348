"""Hostile content: no escape sequence from the data reaches the terminal, and huge inputs render or are cut.

The inputs come from tests/hostile/generate.py at the "small" scale: a
5 MB output, a 1,000,000-character line and a 100,000-line diff. The test
marked `slow` repeats the renderer checks at the "full" scale. Each
renderer step's time is recorded with `record_property` (it shows in the
JUnit XML report) and never asserted.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner, Result
from rich.cells import cell_len
from rich.console import Console
from rich.color import Color
from rich.style import Style
from rich.text import Text
from sqlalchemy import text

from hostile.backends import BACKENDS, isolated_user_folders, shared_database
from hostile.content import (
    BIDI_SPOOF,
    EMOJI_TEXT,
    PAYLOAD_WORDS,
    RENDERER_SGR,
    SCRIPTS_TEXT,
    SIZES,
    SPOOFING_CHARACTERS,
    UNSAFE_FOR_TERMINAL,
    Scale,
)
from hostile.generate import DEFAULT_SEED, generate, write_content, write_large_sessions, write_sessions
from hostile.sessions import hash_key
from shadow_tui.cli import main
from shadow_tui.db.access import open_reader
from shadow_tui.importers import import_sources
from shadow_tui.queries.items import load_command_output, load_commands, load_edits
from shadow_tui.render.diff_document import render_diff
from shadow_tui.render.diff_parse import parse_diff
from shadow_tui.render.markdown import render_message_markdown
from shadow_tui.render.terminal import TerminalDocument, ansi_to_text, sanitize_inline
from shadow_tui.render.terminal_document import MAX_LINE_CHARS, truncation_marker
from shadow_tui.render.visible import display_line

T = TypeVar("T")
SHOW_FORMATS = ("text", "ansi", "md", "json")
# Tasks imported from the hostile session files, by the prefix of their id.
TASK_PREFIXES = ("cc-", "codex-", "swe-", "oh-", "shadow-")


def timed(record_property: Callable[[str, object], None], label: str, step: Callable[[], T]) -> T:
    """Run `step`, record its wall time in seconds under `label`, and return its result."""
    start = time.perf_counter()
    result = step()
    record_property(f"{label} seconds", round(time.perf_counter() - start, 3))
    return result


def read_text(path: Path) -> str:
    # Path.read_text would turn each CR into a newline.
    return path.read_bytes().decode("utf-8")


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def terminal_text(output: str) -> str:
    """Return command output without the SGR sequences that the ANSI renderers write themselves."""
    return RENDERER_SGR.sub("", output)



@pytest.fixture(scope="module", autouse=True)
def _module_user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with isolated_user_folders(tmp_path_factory.mktemp("home")):
        yield

# --- Escape sequences through the command line ----------------------------------------------


async def import_hostile_sessions(database: str, folder: Path) -> None:
    sessions = write_sessions(folder)
    summary = await import_sources(database, [str(path) for path in sessions.values()])
    assert summary.failed == 0, [str(failure) for failure in summary.failures]


@pytest.fixture(scope="module", params=BACKENDS)
def hostile_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of one hostile session per importer format, on each backend."""
    folder = tmp_path_factory.mktemp("hostile")

    async def fill(database: str) -> None:
        await import_hostile_sessions(database, folder / "sessions")

    with shared_database(request.param, folder, fill) as database:
        yield database


@pytest.fixture(scope="module")
def tasks_table(hostile_database: str) -> str:
    result = run_cli("tasks", "--db", hostile_database)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_tasks_table_lists_every_format(tasks_table: str) -> None:
    for prefix in TASK_PREFIXES:
        assert f"\n{prefix}" in tasks_table, prefix


def test_tasks_table_no_controls(tasks_table: str) -> None:
    assert UNSAFE_FOR_TERMINAL.search(tasks_table) is None


@pytest.mark.parametrize("word", PAYLOAD_WORDS)
def test_tasks_table_no_payload(tasks_table: str, word: str) -> None:
    assert word not in tasks_table


def test_tasks_table_shows_bidi(tasks_table: str) -> None:
    assert "invoice<U+202E>gnp.exe" in tasks_table
    assert "\u202e" not in tasks_table


def test_tasks_table_keeps_text(tasks_table: str) -> None:
    assert "title invoice" in tasks_table


@pytest.mark.parametrize("output_format", SHOW_FORMATS)
@pytest.mark.parametrize("prefix", TASK_PREFIXES)
def test_show_no_controls(hostile_database: str, prefix: str, output_format: str) -> None:
    result = run_cli("show", prefix, "--db", hostile_database, "--format", output_format)
    assert result.exit_code == 0, result.output[-2000:]
    assert UNSAFE_FOR_TERMINAL.search(terminal_text(result.stdout)) is None


@pytest.mark.parametrize("prefix", TASK_PREFIXES)
def test_show_text_no_escape(hostile_database: str, prefix: str) -> None:
    result = run_cli("show", prefix, "--db", hostile_database, "--format", "text")
    assert "\x1b" not in result.stdout


def test_search_no_controls(hostile_database: str) -> None:
    result = run_cli("search", "visible", "--db", hostile_database, "--color", "always")
    assert result.exit_code == 0, result.output
    assert UNSAFE_FOR_TERMINAL.search(terminal_text(result.stdout)) is None


def test_import_summary_no_controls(tmp_path: Path) -> None:
    sessions = write_sessions(tmp_path / "sessions")
    # A file name is data too: this one carries a title and a clipboard sequence.
    renamed = tmp_path / "sessions" / "evil\x1b]0;owned-icon-title\x07\x1b]52;c;Y3VybCBldmlsfHNo\x07.jsonl"
    shutil.copy(sessions["codex"], renamed)
    result = run_cli("import", "--db", str(tmp_path / "import.db"), str(tmp_path / "sessions"))
    assert result.exit_code == 0, result.output
    assert UNSAFE_FOR_TERMINAL.search(result.output) is None
    assert "Y3VybCBldmlsfHNo" not in result.output


def test_import_json_no_controls(tmp_path: Path) -> None:
    sessions = write_sessions(tmp_path / "sessions")
    result = run_cli("import", "--json", "--db", str(tmp_path / "import.db"), *map(str, sessions.values()))
    assert result.exit_code == 0, result.output
    assert UNSAFE_FOR_TERMINAL.search(result.stdout) is None


# --- Large sessions through the importers --------------------------------------------------


@pytest.fixture(scope="module")
def large_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("large")
    sessions = write_large_sessions(folder / "sessions", "small", DEFAULT_SEED)
    database = str(folder / "large.db")
    summary = asyncio.run(import_sources(database, [str(path) for path in sessions.values()]))
    assert summary.failed == 0, [str(failure) for failure in summary.failures]
    return database


async def test_large_output_round_trip(large_database: str) -> None:
    async with open_reader(large_database) as (_target, engine):
        [command] = await load_commands(engine, "cc-00000000-0000-4000-8000-" + hash_key("large-output"))
        output = await load_command_output(engine, command.command_id)
    # The output contains NUL bytes, so on SQLite output_size counts UTF-8 bytes.
    assert command.output_size == len(output.encode("utf-8"))
    assert output.count("\n") >= SIZES["small"].output_bytes // 200


async def test_long_line_round_trip(large_database: str) -> None:
    async with open_reader(large_database) as (_target, engine):
        [command] = await load_commands(engine, "codex-01990000-0000-7000-8000-" + hash_key("long-line"))
        output = await load_command_output(engine, command.command_id)
    assert len(output) == SIZES["small"].line_chars


async def test_large_diff_round_trip(large_database: str) -> None:
    async with open_reader(large_database) as (_target, engine):
        async with engine.connect() as connection:
            task_id = await connection.scalar(text("SELECT task_id FROM tasks WHERE task_id LIKE 'oh-large-diff%'"))
        [edit] = await load_edits(engine, task_id, with_diff=True)
    assert edit.diff is not None
    # Three header lines, one "@@" line per 1,000 changed lines, then the changed lines.
    assert edit.diff.count("\n") == SIZES["small"].diff_lines + 3 + SIZES["small"].diff_lines // 1_000


# --- Renderers on the large content ---------------------------------------------------------


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_content(tmp_path_factory.mktemp("content"), "small", DEFAULT_SEED)


def check_output_document(data: bytes, record_property: Callable[[str, object], None]) -> TerminalDocument:
    document = timed(record_property, "index output", lambda: TerminalDocument(data))
    first = timed(record_property, "first screen", lambda: [document.line(index) for index in range(60)])
    last_lines = range(max(document.line_count - 60, 0), document.line_count)
    last = timed(record_property, "last screen", lambda: [document.line(index) for index in last_lines])
    for line in [*first, *last]:
        assert UNSAFE_FOR_TERMINAL.search(line.plain) is None, line.plain[:200]
    return document


def test_large_output_screens(content: dict[str, Path], record_property: Callable[[str, object], None]) -> None:
    document = check_output_document(content["large-output.bin"].read_bytes(), record_property)
    assert document.line_count > SIZES["small"].output_bytes // 200


def test_large_output_find(content: dict[str, Path], record_property: Callable[[str, object], None]) -> None:
    document = TerminalDocument(content["large-output.bin"].read_bytes())
    found = timed(record_property, "find", lambda: document.find("FAILED", document.line_count // 2))
    assert found is not None
    assert "FAILED" in document.plain_line(found)


def test_large_output_hides_payload(content: dict[str, Path]) -> None:
    document = TerminalDocument(content["large-output.bin"].read_bytes())
    shown = "\n".join(document.plain_line(index) for index in range(min(document.line_count, 2_000)))
    for word in PAYLOAD_WORDS:
        assert word not in shown, word


def check_long_line(line: str, record_property: Callable[[str, object], None]) -> None:
    document = timed(record_property, "index long line", lambda: TerminalDocument(line))
    rendered = timed(record_property, "render long line", lambda: document.line(0))
    assert rendered.plain.endswith(truncation_marker(MAX_LINE_CHARS, len(line)))
    assert UNSAFE_FOR_TERMINAL.search(rendered.plain) is None


def test_long_line_truncated(content: dict[str, Path], record_property: Callable[[str, object], None]) -> None:
    check_long_line(read_text(content["long-line.txt"]), record_property)


def test_long_line_plain_matches(content: dict[str, Path]) -> None:
    document = TerminalDocument(read_text(content["long-line.txt"]))
    assert document.plain_line(0) == document.line(0).plain


def test_long_line_width_hint(content: dict[str, Path]) -> None:
    line = read_text(content["long-line.txt"])
    document = TerminalDocument(line)
    assert document.max_width_hint == MAX_LINE_CHARS + len(truncation_marker(MAX_LINE_CHARS, len(line)))


def test_long_line_keeps_next_state() -> None:
    # The SGR sequence past the cut still colours the next line.
    document = TerminalDocument("x" * (MAX_LINE_CHARS + 10) + "\x1b[32m\ngreen\n")
    [span] = document.line(1).spans
    assert span.style == Style(color=Color.from_ansi(2))


def test_long_line_find_shown_part() -> None:
    document = TerminalDocument("a" * 100 + "needle" + "b" * MAX_LINE_CHARS + "hidden\n")
    assert document.find("needle", 0) == 0


def test_long_line_find_cut_part() -> None:
    # find() matches what a line displays, so text past the cut is not found.
    document = TerminalDocument("a" * 100 + "b" * MAX_LINE_CHARS + "hidden\n")
    assert document.find("hidden", 0) is None


def test_short_lines_not_truncated() -> None:
    document = TerminalDocument("y" * MAX_LINE_CHARS + "\n")
    assert document.line(0).plain == "y" * MAX_LINE_CHARS


def test_long_line_ansi_to_text(content: dict[str, Path], record_property: Callable[[str, object], None]) -> None:
    # The export path renders whole lines; it is slower but must stay safe.
    line = read_text(content["long-line.txt"])[:100_000]
    rendered = timed(record_property, "ansi_to_text 100k", lambda: ansi_to_text(line))
    assert UNSAFE_FOR_TERMINAL.search(rendered.plain) is None


def check_large_diff(diff: str, changed_lines: int, record_property: Callable[[str, object], None]) -> None:
    parsed = timed(record_property, "parse diff", lambda: parse_diff(diff))
    [file] = parsed.files
    assert file.warning is None
    assert file.added + file.removed == changed_lines
    rendering = timed(record_property, "render diff", lambda: render_diff(parsed, highlight=True))
    hunks = -(-changed_lines // 1_000)
    assert len(rendering.lines) == 1 + hunks + changed_lines
    assert len(rendering.hunk_starts) == hunks
    for line in rendering.lines[:200]:
        assert UNSAFE_FOR_TERMINAL.search(line.plain) is None, line.plain


def test_large_diff(content: dict[str, Path], record_property: Callable[[str, object], None]) -> None:
    check_large_diff(read_text(content["large.diff"]), SIZES["small"].diff_lines, record_property)


@pytest.mark.parametrize(("name", "last_words"), [("nested.md", "quote level 1000"), ("wide-table.md", "c9999")])
def test_markdown_plain_fallback(content: dict[str, Path], name: str, last_words: str,
                                 record_property: Callable[[str, object], None]) -> None:
    markdown = read_text(content[name])
    renderable = timed(record_property, f"markdown {name}", lambda: render_message_markdown(markdown))
    assert isinstance(renderable, Text)
    console = Console(file=io.StringIO(), width=100, color_system=None)
    timed(record_property, f"print {name}", lambda: console.print(renderable))
    assert last_words in console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.parametrize("scale", ["full"])
def test_full_scale_renderers(tmp_path: Path, scale: Scale, record_property: Callable[[str, object], None]) -> None:
    paths = timed(record_property, "generate full", lambda: write_content(tmp_path, scale, DEFAULT_SEED))
    check_output_document(paths["large-output.bin"].read_bytes(), record_property)
    check_long_line(read_text(paths["long-line.txt"]), record_property)
    check_large_diff(read_text(paths["large.diff"]), SIZES[scale].diff_lines, record_property)


def test_generator_deterministic(tmp_path: Path) -> None:
    for run in ("first", "second"):
        asyncio.run(generate(tmp_path / run, "small", DEFAULT_SEED))
    first = sorted(path.relative_to(tmp_path / "first") for path in (tmp_path / "first").rglob("*") if path.is_file())
    second = sorted(path.relative_to(tmp_path / "second") for path in (tmp_path / "second").rglob("*") if path.is_file())
    assert first == second
    for relative in first:
        assert (tmp_path / "first" / relative).read_bytes() == (tmp_path / "second" / relative).read_bytes(), relative


# --- Scripts and spoofing characters --------------------------------------------------------


def test_scripts_inline_unchanged() -> None:
    assert sanitize_inline(SCRIPTS_TEXT) == SCRIPTS_TEXT


def test_scripts_output_unchanged() -> None:
    assert ansi_to_text(SCRIPTS_TEXT).plain == SCRIPTS_TEXT


def test_scripts_cell_width() -> None:
    assert ansi_to_text(SCRIPTS_TEXT).cell_len == cell_len(SCRIPTS_TEXT)


def test_scripts_display_line_unchanged() -> None:
    assert display_line(SCRIPTS_TEXT) == SCRIPTS_TEXT


@pytest.mark.parametrize("character", SPOOFING_CHARACTERS, ids=lambda char: f"U+{ord(char):04X}")
def test_spoofing_inline_visible(character: str) -> None:
    assert sanitize_inline(f"a{character}b") == f"a<U+{ord(character):04X}>b"


@pytest.mark.parametrize("character", SPOOFING_CHARACTERS, ids=lambda char: f"U+{ord(char):04X}")
def test_spoofing_display_line_visible(character: str) -> None:
    assert display_line(f"a{character}b") == f"a<U+{ord(character):04X}>b"


def test_bidi_override_inline() -> None:
    assert sanitize_inline(BIDI_SPOOF) == "invoice<U+202E>gnp.exe"


@pytest.mark.parametrize("joiner", ["\u200c", "\u200d"])
def test_joiner_in_ascii_visible(joiner: str) -> None:
    assert sanitize_inline(f"pay{joiner}pal") == f"pay<U+{ord(joiner):04X}>pal"


@pytest.mark.parametrize("joiner", ["\u200c", "\u200d"])
def test_joiner_at_end_visible(joiner: str) -> None:
    assert sanitize_inline(f"\u00e9{joiner}") == f"\u00e9<U+{ord(joiner):04X}>"


def test_emoji_joiner_kept() -> None:
    assert sanitize_inline(EMOJI_TEXT) == EMOJI_TEXT


def test_persian_non_joiner_kept() -> None:
    word = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert sanitize_inline(word) == word
