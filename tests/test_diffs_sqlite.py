"""A task's file edits through `sqlite3` match the engine's, and the Diffs tab reads them that way."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from test_tui_panes import PaneApp, wait_until

from factories import NOW, make_session, write_sessions
from shadow_tui.db.access import open_reader
from shadow_tui.db.engine import resolve_database
from shadow_tui.db.sqlite_reader import open_current_sqlite
from shadow_tui.db.writer import EditData
from shadow_tui.demo import write_demo_database
from shadow_tui.queries.diffs import load_edit_diffs
from shadow_tui.queries.diffs_sqlite import read_edit_diffs, read_edit_diffs_file
from shadow_tui.queries.items import IN_LIST_BATCH
from shadow_tui.queries.records import EditRecord
from shadow_tui.tui.panes import diff_entries
from shadow_tui.tui.panes.diffs import DiffsPane

DEMO_NOW = datetime(2025, 7, 1, 12, 0, tzinfo=timezone.utc)
TIES_TASK_ID = "task0001"
DIFF = "--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-a = 1\n+a = 2\n"


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("diffs-sqlite") / "demo.db"
    asyncio.run(write_demo_database(str(path), tasks=60, seed=3, now=DEMO_NOW))
    return path


def _engine_edits(database: Path, task_id: str) -> list[EditRecord]:
    async def run() -> list[EditRecord]:
        async with open_reader(str(database)) as (_target, engine):
            return await load_edit_diffs(engine, task_id)

    return asyncio.run(run())


def _sqlite_edits(database: Path, task_id: str) -> list[EditRecord]:
    connection = open_current_sqlite(str(database))
    assert connection is not None
    try:
        return read_edit_diffs(connection, task_id)
    finally:
        connection.close()


def _task_ids_with_edits(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [task_id for (task_id,) in connection.execute("SELECT DISTINCT task_id FROM file_edits ORDER BY task_id")]


def test_edits_match_engine_on_demo(demo_database: Path) -> None:
    task_ids = _task_ids_with_edits(demo_database)
    assert len(task_ids) >= 10
    for task_id in task_ids:
        assert _sqlite_edits(demo_database, task_id) == _engine_edits(demo_database, task_id), task_id


def test_edits_ties_formats_and_batches(tmp_path: Path) -> None:
    path = tmp_path / "edits.db"
    session = make_session(1, diff=DIFF)
    # One instant shared by many edits, so edit_id orders them, and more edits than one IN list holds.
    created = NOW + timedelta(minutes=1)
    session.edits.extend(
        EditData(f"{TIES_TASK_ID}-tie{index:04d}", f"src/f{index}.py", DIFF, created)
        for index in range(IN_LIST_BATCH + 20, 0, -1)
    )
    session.edits.append(EditData(f"{TIES_TASK_ID}-nul", "data.bin", "Binary\x00diff", created))
    session.edits.append(EditData(f"{TIES_TASK_ID}-empty", "empty.py", "", created))
    asyncio.run(write_sessions(str(path), [session]))
    # Timestamps that other tools write: epoch seconds and "Z" text.
    with sqlite3.connect(path) as connection:
        connection.execute(f"UPDATE file_edits SET created_at = 1751371200 WHERE edit_id = '{TIES_TASK_ID}-e1'")
        connection.execute(
            f"UPDATE file_edits SET created_at = '2025-07-01T12:00:00Z' WHERE edit_id = '{TIES_TASK_ID}-empty'"
        )

    expected = _engine_edits(path, TIES_TASK_ID)
    edits = _sqlite_edits(path, TIES_TASK_ID)
    assert len(edits) == IN_LIST_BATCH + 23
    assert [edit.edit_id for edit in edits] == [edit.edit_id for edit in expected]
    assert edits == expected
    nul = next(edit for edit in edits if edit.edit_id.endswith("-nul"))
    assert nul.diff_size == len("Binary\x00diff".encode())


def test_edits_file_unreadable(tmp_path: Path) -> None:
    assert read_edit_diffs_file(tmp_path / "missing.db", TIES_TASK_ID) is None
    assert read_edit_diffs_file("postgresql://postgres@127.0.0.1:5432/test", TIES_TASK_ID) is None
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_text("not SQLite", encoding="utf-8")
    assert read_edit_diffs_file(not_a_database, TIES_TASK_ID) is None


class FileApp(PaneApp):
    """A `PaneApp` with the `target` attribute that the browser app has: the resolved database location."""

    def __init__(self, database: Path | str, pane: DiffsPane, task_id: str) -> None:
        # PaneApp passes the location through str(), so a PostgreSQL URL works as well as a path.
        super().__init__(database, pane, task_id)  # type: ignore[arg-type]
        self.target = resolve_database(str(database))


def _shown_files(database: Path | str, task_id: str, app_class: type[PaneApp]) -> list[tuple[str, Any]]:
    async def run() -> list[tuple[str, Any]]:
        pane = DiffsPane()
        app = app_class(database, pane, task_id)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: pane.parsed and pane.rendering is not None, "the parsed diff")
            return [(edited.edit_id, edited.file) for edited in pane.files]

    return asyncio.run(run())


def _spy_on_sqlite_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the task id of every read that the Diffs tab sends through `sqlite3`."""
    calls: list[str] = []

    def read_spy(database: Path, requested: str) -> list[EditRecord] | None:
        calls.append(requested)
        return read_edit_diffs_file(database, requested)

    monkeypatch.setattr(diff_entries, "read_edit_diffs_file", read_spy)
    return calls


def test_pane_reads_file_through_sqlite(demo_database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    task_id = _task_ids_with_edits(demo_database)[0]
    calls = _spy_on_sqlite_reads(monkeypatch)
    through_engine = _shown_files(demo_database, task_id, PaneApp)
    assert calls == []
    through_sqlite = _shown_files(demo_database, task_id, FileApp)
    assert calls == [task_id]
    assert through_sqlite == through_engine
    assert through_sqlite


def test_pane_reads_postgresql_through_engine(pg_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    asyncio.run(write_sessions(pg_database, [make_session(1, diff=DIFF)]))
    calls = _spy_on_sqlite_reads(monkeypatch)
    files = _shown_files(pg_database, TIES_TASK_ID, FileApp)
    assert calls == []
    assert [edit_id for edit_id, _file in files] == [f"{TIES_TASK_ID}-e1"]
