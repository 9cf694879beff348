"""The heaviest task: added to each benchmark database through `Recorder`, the agent API.

It has the scale's number of messages (10,000 at full size), one command
whose output is 20 MB of coloured test log, and one edit whose diff has
100,000 lines, plus a few ordinary commands and edits after them. The big
command and the big edit come first, so the Commands and Diffs tabs select
them when the task opens. Every value comes from `random.Random(seed)`, so
two builds write the same text.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from shadow_tui.db.access import open_writer
from shadow_tui.db.writer import UserData
from shadow_tui.recorder import Recorder

from benchmarks.scales import DEMO_NOW, Scale

logger = logging.getLogger(__name__)

HEAVY_TASK_ID = "bench-heaviest-task"
HEAVY_COMMAND_ID = "bench-heaviest-output"
HEAVY_EDIT_ID = "bench-heaviest-diff"
HEAVY_VERSION = 2
"""Changes whenever the content below changes, so cached databases are rebuilt."""

_WORDS = (
    "parser", "cache", "request", "handler", "retry", "timeout", "schema", "migration", "index",
    "fixture", "payload", "session", "token", "worker", "queue", "config", "logger", "buffer",
    "stream", "client", "server", "commit", "branch", "module", "function", "return", "value",
)
_FILES = ("src/api/routes.py", "src/core/cache.py", "tests/test_routes.py", "src/db/models.py")
_GREEN = "\x1b[32m"
_RED = "\x1b[31m"
_RESET = "\x1b[0m"


@dataclass(frozen=True, slots=True)
class HeavyTask:
    """Ids of the heaviest task and of its largest rows."""

    task_id: str
    command_id: str
    edit_id: str
    messages: int
    output_bytes: int
    diff_lines: int


def _sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(_WORDS) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def message_text(rng: random.Random, index: int) -> str:
    """Return a chat message: prose, sometimes a list or a code fence, as agents write."""
    paragraphs = [_sentence(rng, rng.randint(6, 24)) for _ in range(rng.randint(1, 3))]
    shape = index % 5
    if shape == 1:
        paragraphs.append("\n".join(f"- `{rng.choice(_WORDS)}`: {_sentence(rng, 5)}" for _ in range(3)))
    elif shape == 3:
        name = rng.choice(_WORDS)
        paragraphs.append(f"```python\ndef {name}(value):\n    return {name}_table[value]\n```")
    return "\n\n".join(paragraphs)


def test_log(rng: random.Random, size: int) -> str:
    """Return a pytest-like log of about `size` characters with colour escape sequences."""
    lines: list[str] = []
    length = 0
    number = 0
    while length < size:
        number += 1
        name = f"tests/test_{rng.choice(_WORDS)}.py::test_{rng.choice(_WORDS)}_{number}"
        if rng.random() < 0.02:
            line = f"{name} {_RED}FAILED{_RESET} AssertionError: expected {rng.randint(0, 999)}"
        else:
            line = f"{name} {_GREEN}PASSED{_RESET} [{rng.randint(0, 100):3d}%]"
        lines.append(line)
        length += len(line) + 1
    return "\n".join(lines)


def big_diff(rng: random.Random, line_count: int, path: str = "src/generated/tables.py") -> str:
    """Return a unified diff of one file with `line_count` lines in all, in hunks of 20 lines."""
    lines = [f"--- a/{path}", f"+++ b/{path}"]
    old_line = 1
    new_line = 1
    # Only whole hunks: a hunk cut short would make the diff malformed, and
    # the app would show it as raw text instead of highlighting it.
    while len(lines) + 20 <= line_count:
        body: list[str] = []
        removed = 0
        added = 0
        for offset in range(19):
            name = rng.choice(_WORDS)
            statement = f"    {name}_{old_line + offset} = lookup({name!r}, {rng.randint(0, 9999)})"
            if offset in (8, 9):
                body.append("-" + statement)
                removed += 1
            elif offset in (10, 11, 12):
                body.append("+" + statement.replace("lookup", "cached_lookup"))
                added += 1
            else:
                body.append(" " + statement)
        old_count = len(body) - added
        new_count = len(body) - removed
        lines.append(f"@@ -{old_line},{old_count} +{new_line},{new_count} @@ def table_{old_line}():")
        lines.extend(body)
        old_line += old_count + 40
        new_line += new_count + 40
    return "\n".join(lines) + "\n"


def small_diff(path: str, number: int) -> str:
    return (
        f"--- a/{path}\n+++ b/{path}\n@@ -1,3 +1,3 @@\n import logging\n"
        f"-LIMIT = {number}\n+LIMIT = {number + 1}\n logger = logging.getLogger(__name__)\n"
    )


async def add_heavy_task(database: str, scale: Scale, *, now: datetime, seed: int = 0) -> HeavyTask:
    """Write the heaviest task for `scale` into `database` through `Recorder`."""
    rng = random.Random(f"heaviest-{seed}")
    start = now - timedelta(hours=2)
    user = UserData(user_id="bench-user", username="bench", display_name="Benchmark Agent")
    async with open_writer(database) as (_target, engine):
        # An earlier version of the task is replaced, not merged: rows with known ids are never rewritten.
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM tasks WHERE task_id = :task_id"), {"task_id": HEAVY_TASK_ID})
        recorder = Recorder(engine)
        await recorder.start_task(
            task_id=HEAVY_TASK_ID, user=user, repo_url="https://github.com/acme/payments-api",
            branch="bench/heaviest", model_name="claude-sonnet-4", status="completed",
            title="Heaviest task: long transcript, 20 MB output, 100,000-line diff",
            created_at=start, started_at=start, source="benchmark", source_ref=f"heaviest-v{HEAVY_VERSION}",
        )
        output = test_log(rng, scale.heavy_output_bytes)
        await recorder.record_command(
            HEAVY_TASK_ID, "pytest -q tests/ --color=yes", exit_code=1, output=output,
            created_at=start + timedelta(seconds=1), duration_seconds=812.5, command_id=HEAVY_COMMAND_ID,
        )
        diff = big_diff(rng, scale.heavy_diff_lines)
        await recorder.record_edit(
            HEAVY_TASK_ID, "src/generated/tables.py", diff, created_at=start + timedelta(seconds=2),
            edit_id=HEAVY_EDIT_ID,
        )
        for number, path in enumerate(_FILES):
            moment = start + timedelta(seconds=3 + number)
            await recorder.record_command(
                HEAVY_TASK_ID, f"python -m pytest {path}", exit_code=number % 2, created_at=moment,
                output=f"collected {number + 3} items\n{path} ...", duration_seconds=1.5 + number,
            )
            await recorder.record_edit(HEAVY_TASK_ID, path, small_diff(path, number), created_at=moment)
        for index in range(scale.heavy_messages):
            sender = "user" if index % 10 == 0 else "agent"
            moment = start + timedelta(milliseconds=500 * index)
            await recorder.add_message(HEAVY_TASK_ID, sender, message_text(rng, index), created_at=moment,
                                       sequence=index)
        await recorder.set_status(HEAVY_TASK_ID, "completed", completed_at=start + timedelta(minutes=90))
    logger.info("Added the heaviest task %s to %s", HEAVY_TASK_ID, database)
    return HeavyTask(
        task_id=HEAVY_TASK_ID, command_id=HEAVY_COMMAND_ID, edit_id=HEAVY_EDIT_ID,
        messages=scale.heavy_messages, output_bytes=len(output), diff_lines=diff.count("\n"),
    )


def demo_now() -> datetime:
    """Return the fixed `--now` of the demo databases as an aware datetime."""
    return datetime.fromisoformat(DEMO_NOW.replace("Z", "+00:00")).astimezone(timezone.utc)
