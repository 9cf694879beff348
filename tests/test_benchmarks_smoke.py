"""The benchmark harness at smoke scale: every measure runs and is written. No timing is checked."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "claude-code"

# One figure per measure that the page must report, with its target when it has one.
EXPECTED_FIGURES = {
    "startup.ratio_minimal": True,
    "startup.ratio_baseline": True,
    "filter.app_p95": True,
    "filter.sql_p95": False,
    "heavy.chat_first": True,
    "heavy.commands_first": True,
    "heavy.diffs_first": True,
    "search.app_p95": True,
    "search.cli_rg_ratio": True,
    "scroll.max_frame": True,
    "memory.peak": True,
    "memory.ratio_baseline": True,
    "import.records_per_s": False,
    "import.mb_per_s": False,
    "hostile.output_stall": True,
    "hostile.line_stall": True,
    "hostile.diff_stall": True,
    "hostile.markdown_stall": True,
}

pytestmark = [
    pytest.mark.skipif(shutil.which("rg") is None, reason="ripgrep (rg) is not installed: apt-get install ripgrep"),
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the Claude Code corpus {CORPUS} is absent"),
]


@pytest.fixture(scope="module")
def smoke_results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str, subprocess.CompletedProcess[str]]:
    output = tmp_path_factory.mktemp("bench")
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scale", "smoke", "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    results_path = output / "results.json"
    assert results_path.exists(), f"results.json missing; stderr:\n{completed.stderr[-3000:]}"
    page = (output / "BENCHMARKS.md").read_text(encoding="utf-8")
    return json.loads(results_path.read_text(encoding="utf-8")), page, completed


def test_smoke_exit_status(smoke_results: tuple[dict[str, Any], str, subprocess.CompletedProcess[str]]) -> None:
    _results, _page, completed = smoke_results
    assert completed.returncode == 0, completed.stderr[-3000:]


def test_smoke_no_measure_failed(smoke_results: tuple[dict[str, Any], str, subprocess.CompletedProcess[str]]) -> None:
    results, _page, _completed = smoke_results
    assert results["scales"]["smoke"]["errors"] == {}


@pytest.mark.parametrize("key", sorted(EXPECTED_FIGURES))
def test_smoke_figure_present(key: str, smoke_results: tuple[dict[str, Any], str, subprocess.CompletedProcess[str]]) -> None:
    results, _page, _completed = smoke_results
    figures = results["scales"]["smoke"]["figures"]
    assert key in figures
    figure = figures[key]
    assert figure["runs"] >= 1
    assert all(value > 0 for value in figure["values"])
    assert (figure["target"] is not None) == EXPECTED_FIGURES[key]
    assert (figure["met"] is None) == (not EXPECTED_FIGURES[key])


def test_smoke_import_comparison(smoke_results: tuple[dict[str, Any], str, subprocess.CompletedProcess[str]]) -> None:
    results, _page, _completed = smoke_results
    figures = results["scales"]["smoke"]["figures"]
    reason = figures["import.seconds"].get("extra", {}).get("claude_code_log")
    assert "import.speed_ratio" in figures or reason, "neither the claude-code-log ratio nor why it is missing"


def test_smoke_page_sections(smoke_results: tuple[dict[str, Any], str, subprocess.CompletedProcess[str]]) -> None:
    _results, page, _completed = smoke_results
    for heading in ("## Scale: smoke", "### Start-up", "### Filtering the task list", "### Opening the heaviest task",
                    "### Global search", "### Scrolling the task list", "### Memory", "### Import throughput"):
        assert heading in page


def test_smoke_page_machine(smoke_results: tuple[dict[str, Any], str, subprocess.CompletedProcess[str]]) -> None:
    results, page, _completed = smoke_results
    machine = results["scales"]["smoke"]["machine"]
    assert f"SQLite {machine['sqlite']}" in page
    assert f"Python {machine['python']}" in page
    assert f"{machine['cores']} cores" in page
