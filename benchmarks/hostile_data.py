"""The database of hostile content for the `hostile` measure.

Four tasks each carry one kind of content that could freeze a terminal
browser:

- a 50 MB command output with colours, progress bars, escape sequences and
  invalid UTF-8;
- a command whose output is one line of 10,000,000 characters;
- a 1,000,000-line diff;
- messages of Markdown nested 1,000 levels deep, a Markdown table 10,000
  columns wide, and text in wide, combining, right-to-left and emoji scripts.

The content comes from the deterministic generator of the hostile test
corpus (tests/hostile/content.py). The small and large scales use the sizes
above. The smoke scale, which only checks that the measure runs, uses a
hundredth of them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.datasets import _remove_database, _source_digest
from benchmarks.scales import DATA_DIR, ROOT, Scale

logger = logging.getLogger(__name__)

TESTS_DIR = ROOT / "tests"
GENERATOR_SOURCES = [TESTS_DIR / "hostile" / "content.py", Path(__file__)]
CONTENT_SEED = 20_261_201
CREATED = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class HostileCase:
    """One task of the hostile database and the tab that shows its content."""

    name: str
    task_id: str
    tab: str
    """The detail tab opened: chat, commands or diffs."""
    command_id: str = ""
    """For the commands tab: the command whose output is shown first."""
    description: str = ""


@dataclass(frozen=True, slots=True)
class HostileSizes:
    """Sizes of the large contents."""

    name: str
    output_bytes: int
    line_chars: int
    diff_lines: int


FULL = HostileSizes("full", output_bytes=50_000_000, line_chars=10_000_000, diff_lines=1_000_000)
SMOKE = HostileSizes("smoke", output_bytes=500_000, line_chars=100_000, diff_lines=10_000)


def hostile_sizes(scale: Scale) -> HostileSizes:
    """Return the content sizes for a benchmark scale."""
    return SMOKE if scale.name == "smoke" else FULL


def hostile_cases(sizes: HostileSizes) -> list[HostileCase]:
    """Return the cases, described with their sizes."""
    return [
        HostileCase("output", "hostile-output", "commands", "hostile-output-cmd",
                    f"{sizes.output_bytes / 1e6:.0f} MB output with escapes and invalid UTF-8"),
        HostileCase("line", "hostile-line", "commands", "hostile-line-cmd",
                    f"one output line of {sizes.line_chars:,} characters"),
        HostileCase("diff", "hostile-diff", "diffs", description=f"{sizes.diff_lines:,}-line diff"),
        HostileCase("markdown", "hostile-markdown", "chat",
                    description="Markdown nested 1,000 levels, a 10,000-column table, mixed scripts"),
    ]


def _generator():  # noqa: ANN202 - a module
    """Import tests/hostile/content.py, the hostile corpus generator."""
    if str(TESTS_DIR) not in sys.path:
        sys.path.insert(0, str(TESTS_DIR))
    from hostile import content

    return content


def _sessions(sizes: HostileSizes) -> list[object]:
    from shadow_tui.db.writer import CommandData, EditData, MessageData, SessionData, TaskData, UserData

    content = _generator()
    user = UserData("bench-user", username="bench")

    def task(task_id: str, title: str) -> TaskData:
        return TaskData(task_id, user, CREATED, title=title, repo_url="https://example.com/acme/hostile",
                        branch="main", model_name="model-hostile", started_at=CREATED,
                        completed_at=CREATED + timedelta(minutes=5))

    output = content.large_output(sizes.output_bytes, seed=CONTENT_SEED).decode("utf-8", "replace")
    line = content.long_line(sizes.line_chars, seed=CONTENT_SEED)
    messages = [content.nested_markdown(), content.wide_table(), content.SCRIPTS_TEXT]
    return [
        SessionData(task("hostile-output", "a large output"), commands=[
            CommandData("hostile-output-cmd", "cat build.log", output, CREATED, exit_code=1)]),
        SessionData(task("hostile-line", "one very long line"), commands=[
            CommandData("hostile-line-cmd", "cat bundle.min.js", line, CREATED, exit_code=0)]),
        SessionData(task("hostile-diff", "a very large diff"), edits=[
            EditData("hostile-diff-edit", "src/big_module.py", content.large_diff(sizes.diff_lines), CREATED)]),
        SessionData(task("hostile-markdown", "hostile Markdown and scripts"), messages=[
            MessageData(f"hostile-markdown-{index}", "agent" if index else "user", text,
                        CREATED + timedelta(seconds=index), sequence=index)
            for index, text in enumerate(messages)]),
    ]


async def _write(database: Path, sizes: HostileSizes) -> None:
    from shadow_tui.db.access import open_writer
    from shadow_tui.db.writer import write_session

    async with open_writer(str(database)) as (_target, engine):
        for session in _sessions(sizes):
            async with engine.begin() as connection:
                await write_session(connection, session)  # type: ignore[arg-type]


def ensure_hostile_database(scale: Scale) -> tuple[Path, list[HostileCase], float]:
    """Build (or reuse) the hostile database for a scale; return it, its cases and the build seconds."""
    from shadow_tui.db.schema import head_version

    sizes = hostile_sizes(scale)
    folder = DATA_DIR / f"hostile-{sizes.name}"
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "hostile.db"
    stamp_path = folder / "hostile.json"
    inputs = {"sizes": asdict(sizes), "seed": CONTENT_SEED, "schema": head_version(),
              "generator": _source_digest(GENERATOR_SOURCES)}
    cases = hostile_cases(sizes)
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        stamp = None
    if database.exists() and stamp == {"inputs": inputs}:
        return database, cases, 0.0
    _remove_database(database)
    logger.info("Building the hostile database (%s sizes) in %s", sizes.name, database)
    started = time.perf_counter()
    asyncio.run(_write(database, sizes))
    stamp_path.write_text(json.dumps({"inputs": inputs}), encoding="utf-8")
    return database, cases, time.perf_counter() - started
