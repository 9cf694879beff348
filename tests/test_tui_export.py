"""The `e` key: exporting the open task to a file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from factories import NOW, make_session, write_sessions
from shadow_tui.errors import ShadowTuiError
from shadow_tui.export.files import resolve_export_path
from shadow_tui.tui.app import create_app


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()


@pytest.mark.parametrize("suffix", ["md", "html"])
async def test_export_key_writes_file(tmp_path: Path, suffix: str) -> None:
    database = str(tmp_path / "e.db")
    await write_sessions(database, [make_session(0, message="<script>alert(1)</script> hello")])
    target = tmp_path / f"out.{suffix}"
    app = create_app(database, now=NOW)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("e")
        await _settle(pilot)
        prompt = app.screen.query_one("Input")
        prompt.value = str(target)
        await pilot.press("enter")
        await _settle(pilot)
    text = target.read_text(encoding="utf-8")
    assert "task0000" in text
    assert "hello" in text
    if suffix == "html":
        assert "<script>alert(1)</script>" not in text


def test_export_path_rules(tmp_path: Path) -> None:
    folder_path, folder_format = resolve_export_path(str(tmp_path), "abcdef1234567890", folder=tmp_path)
    assert folder_path == tmp_path / "shadow-abcdef123456.md"
    assert folder_format == "md"
    html_path, html_format = resolve_export_path("x.HTML", "t", folder=tmp_path)
    assert html_path == tmp_path / "x.HTML"
    assert html_format == "html"
    with pytest.raises(ShadowTuiError) as wrong_suffix:
        resolve_export_path("x.pdf", "t", folder=tmp_path)
    assert ".md or .html" in str(wrong_suffix.value)
    with pytest.raises(ShadowTuiError) as missing_folder:
        resolve_export_path(str(tmp_path / "nope" / "x.md"), "t", folder=tmp_path)
    assert "does not exist" in str(missing_folder.value)


async def _export_to(pilot, target: Path) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("e")
    await _settle(pilot)
    pilot.app.screen.query_one("Input").value = str(target)
    await pilot.press("enter")
    await _settle(pilot)


async def test_export_asks_before_replacing(tmp_path: Path) -> None:
    database = str(tmp_path / "e.db")
    await write_sessions(database, [make_session(0, message="new text")])
    target = tmp_path / "out.md"
    target.write_text("old text", encoding="utf-8")
    app = create_app(database, now=NOW)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("e")
        await _settle(pilot)
        app.screen.query_one("Input").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert "exists. Replace it?" in str(app.screen.query_one("Label").render())
        await pilot.press("n", "enter")
        await _settle(pilot)
        assert target.read_text(encoding="utf-8") == "old text"
        await pilot.press("e")
        await _settle(pilot)
        app.screen.query_one("Input").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y", "enter")
        await _settle(pilot)
    assert "new text" in target.read_text(encoding="utf-8")


async def test_export_narrow_uses_selected_row(tmp_path: Path) -> None:
    database = str(tmp_path / "e.db")
    await write_sessions(database, [make_session(1, message="first task"), make_session(2, message="second task")])
    target = tmp_path / "which.md"
    app = create_app(database, now=NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        main = app.main_screen
        assert main is not None
        opened = main.task_list.selected_task
        assert opened is not None
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press("escape", "j")
        await _settle(pilot)
        selected = main.task_list.selected_task
        assert selected is not None
        assert selected.task_id != opened.task_id
        await pilot.press("e")
        await _settle(pilot)
        assert selected.task_id[:12] in str(app.screen.query_one("Label").render())
        app.screen.query_one("Input").value = str(target)
        await pilot.press("enter")
        await _settle(pilot)
    text = target.read_text(encoding="utf-8")
    assert selected.task_id in text
    assert opened.task_id not in text


async def test_export_file_mode_follows_umask(tmp_path: Path) -> None:
    database = str(tmp_path / "e.db")
    await write_sessions(database, [make_session(0)])
    target = tmp_path / "mode.md"
    app = create_app(database, now=NOW)
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        await _export_to(pilot, target)
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
