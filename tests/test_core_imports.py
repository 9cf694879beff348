"""The core and the non-interactive commands never import Textual."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from factories import make_session, write_sessions

CORE_MODULES = [
    "shadow_tui.db.models", "shadow_tui.db.engine", "shadow_tui.db.access", "shadow_tui.db.schema",
    "shadow_tui.db.writer", "shadow_tui.queries.tasks", "shadow_tui.queries.items",
    "shadow_tui.queries.search", "shadow_tui.recorder", "shadow_tui.ingest", "shadow_tui.cli",
    "shadow_tui.cli_tasks", "shadow_tui.cli_db", "shadow_tui.importers.runner", "shadow_tui.cli_import",
    "shadow_tui.cli_show", "shadow_tui.cli_search", "shadow_tui.cli_stats", "shadow_tui.cli_serve",
    "shadow_tui.export.document", "shadow_tui.export.fields", "shadow_tui.export.rich_parts",
    "shadow_tui.export.text", "shadow_tui.export.markdown", "shadow_tui.export.html",
    "shadow_tui.export.json_dump", "shadow_tui.redact", "shadow_tui.queries.stats",
    "shadow_tui.queries.search_sqlite", "shadow_tui.db.sqlite_reader", "shadow_tui.queries.task_reader",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_without_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "command",
    [["tasks", "--help"], ["schema"], ["ingest", "--help"], ["show", "--help"], ["search", "--help"],
     ["stats", "--help"]],
)
def test_command_without_textual(command: list[str]) -> None:
    code = (
        "import sys\nfrom shadow_tui.cli import main\n"
        f"try:\n    main({command!r})\nexcept SystemExit:\n    pass\n"
        "print('textual' in sys.modules, file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip().splitlines()[-1] == "False"


def test_search_on_sqlite_file_without_sqlalchemy(tmp_path: Path) -> None:
    path = tmp_path / "search.db"
    asyncio.run(write_sessions(str(path), [make_session(1, message="quokka sighting")]))
    code = (
        "import sys\nfrom shadow_tui.cli import main\n"
        f"try:\n    main(['search', 'quokka', '--db', {str(path)!r}, '--format', 'json'])\n"
        "except SystemExit as exit:\n    code = exit.code\n"
        "print(code, sorted({name.split('.')[0] for name in sys.modules} & {'sqlalchemy', 'sqlmodel', 'textual'}),"
        " file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert '"task_id": "task0001"' in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "0 []"
