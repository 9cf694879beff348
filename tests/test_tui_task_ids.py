"""The task list's id column widens until the ids of the first page differ."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from test_tui_app import list_lines, run
from textual.pilot import Pilot

from factories import make_session, write_sessions
from shadow_tui.tui.widgets.task_columns import ID_MAX_WIDTH, ID_MIN_WIDTH, SEPARATOR, layout_columns, task_id_width

# Codex session ids are UUIDv7, which start with a timestamp.
CODEX_IDS = (
    "codex-019982b8-3422-79e0-8b3b-05abaf4f3c3e",
    "codex-01997e76-d124-7592-9cac-2ec05abbca08",
    "codex-01997e76-e001-7592-9cac-2ec05abbca09",
)


def column_widths(width: int, id_width: int) -> dict[str, int]:
    return {column.key: column.width for column in layout_columns(width, id_width)}


def test_id_width_short_ids() -> None:
    assert task_id_width(["aAk_I1hF", "qMhv5NJD"]) == ID_MIN_WIDTH


def test_id_width_shared_start() -> None:
    assert task_id_width(CODEX_IDS) == len("codex-01997e76-d")


def test_id_width_capped() -> None:
    ids = ["swe-astropy__astropy-12907-run-a", "swe-astropy__astropy-12907-run-b"]
    assert task_id_width(ids) == ID_MAX_WIDTH


def test_wide_id_takes_title_space() -> None:
    narrow = column_widths(200, ID_MIN_WIDTH)
    wide = column_widths(200, 16)
    assert wide["id"] == 16
    assert wide["title"] == narrow["title"] - 8
    assert wide.keys() == narrow.keys()


def test_wide_id_drops_column_at_80() -> None:
    wide = column_widths(80, 16)
    assert wide["id"] == 16
    assert sum(wide.values()) + len(SEPARATOR) * (len(wide) - 1) == 80
    assert "failed" not in wide


def test_list_shows_distinct_codex_ids(tmp_path: Path) -> None:
    database = str(tmp_path / "codex.db")
    sessions = []
    for index, task_id in enumerate(CODEX_IDS):
        session = make_session(index)
        sessions.append(replace(session, task=replace(session.task, task_id=task_id), messages=[], commands=[], edits=[]))
    asyncio.run(write_sessions(database, sessions))

    async def body(pilot: Pilot[None]) -> None:
        lines = list_lines(pilot.app)  # type: ignore[arg-type]
        codex_lines = [line for line in lines if "codex-" in line]
        assert len(codex_lines) == 3
        prefixes = {line.split()[1] for line in codex_lines}
        assert prefixes == {task_id[: len("codex-01997e76-d")] for task_id in CODEX_IDS}

    run(database, body)
