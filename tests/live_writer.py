"""A recorder process for the live-writer test: writes one task's rows at a steady rate.

Run as `python tests/live_writer.py DB TASK_ID SECONDS MESSAGES_PER_S COMMANDS_PER_S`.
The task must exist. Rows are written through `Recorder`, one transaction
each, the way an agent records a session. Every tenth of a second the
writer adds the rows that are due by then, so a slow write is made up in
the next slot and the totals are exact: SECONDS * rate of each kind.

At the end it sets the task's status to completed and prints one JSON
line with the counts. Any exception ends the process with status 1 and
its traceback on stderr, so the test detects a writer that failed.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from sqlalchemy import text

from shadow_tui.db.access import open_writer
from shadow_tui.recorder import Recorder

SLOT_S = 0.1
# A command output with colors and a progress line redrawn with CR, as agents record them.
OUTPUT = "".join(
    f"\x1b[32mPASSED\x1b[0m tests/test_module_{line}.py::test_case_{line}\n" for line in range(40)
) + "collecting 10%\rcollecting 100%\n"


async def write(database: str, task_id: str, seconds: float, messages_per_s: int, commands_per_s: int) -> dict[str, float]:
    messages_total = round(seconds * messages_per_s)
    commands_total = round(seconds * commands_per_s)
    messages = commands = 0
    late_slots = 0
    async with open_writer(database) as (_target, engine):
        async with engine.connect() as connection:
            journal_mode = str(await connection.scalar(text("PRAGMA journal_mode")))
        recorder = Recorder(engine)
        start = time.monotonic()
        slot = 0
        while messages < messages_total or commands < commands_total:
            slot += 1
            due_at = start + slot * SLOT_S
            pause = due_at - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            else:
                late_slots += 1
            elapsed = slot * SLOT_S
            while messages < min(messages_total, round(elapsed * messages_per_s)):
                sender = "user" if messages % 10 == 0 else "agent"
                content = f"Message {messages}: step {messages // 10}, **checking** `module_{messages % 7}.py`."
                await recorder.add_message(task_id, sender, content)
                messages += 1
            while commands < min(commands_total, round(elapsed * commands_per_s)):
                await recorder.record_command(
                    task_id, f"pytest -q tests/test_module_{commands}.py", exit_code=1 if commands % 3 == 0 else 0,
                    output=OUTPUT, duration_seconds=0.25,
                )
                commands += 1
        await recorder.set_status(task_id, "completed")
        took = time.monotonic() - start
    return {
        "messages": messages, "commands": commands, "seconds": round(took, 2), "late_slots": late_slots,
        "journal_mode": journal_mode,
    }


def main() -> None:
    database, task_id, seconds, messages_per_s, commands_per_s = sys.argv[1:6]
    result = asyncio.run(write(database, task_id, float(seconds), int(messages_per_s), int(commands_per_s)))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
