"""Closing an engine after a query was cancelled twice mid-flight must not hang the program."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

# A query that keeps aiosqlite's thread busy for about a second.
SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine
    from shadow_tui.db.shutdown import close_engine, pending_connection_closes

    SLOW = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) "
        "SELECT count(*) FROM n"
    )

    async def main(use_close_engine: bool) -> None:
        engine = create_async_engine(f"sqlite+aiosqlite:///{sys.argv[1]}")

        async def slow() -> None:
            async with engine.connect() as connection:
                await connection.execute(text(SLOW))

        task = asyncio.create_task(slow())
        await asyncio.sleep(0.2)
        task.cancel()
        await asyncio.sleep(0.05)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        print("pending closes:", len(pending_connection_closes()), flush=True)
        if use_close_engine:
            await close_engine(engine, "test", timeout=1.0)
            print("after close_engine:", len(pending_connection_closes()), flush=True)

    asyncio.run(main(sys.argv[2] == "close_engine"))
    print("exited", flush=True)
    """
)

# Generous, because the script needs about 2 s, so only a hang reaches it.
HANG_SECONDS = 60


def run_script(tmp_path: Path, mode: str) -> subprocess.CompletedProcess[str] | None:
    script = tmp_path / "cancelled_query.py"
    script.write_text(SCRIPT, encoding="utf-8")
    try:
        return subprocess.run(
            [sys.executable, str(script), str(tmp_path / "slow.db"), mode],
            capture_output=True, text=True, timeout=HANG_SECONDS, check=False,
        )
    except subprocess.TimeoutExpired:
        return None


def test_close_engine_ends_stuck_close(tmp_path: Path) -> None:
    completed = run_script(tmp_path, "close_engine")
    assert completed is not None, f"the program did not exit within {HANG_SECONDS} s"
    assert completed.returncode == 0, completed.stderr
    assert "pending closes: 1" in completed.stdout
    assert "after close_engine: 0" in completed.stdout
    assert "exited" in completed.stdout

