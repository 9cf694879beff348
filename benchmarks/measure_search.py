"""The search measures: in the app, and `shadow-tui search` against ripgrep on the export."""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

from benchmarks.datasets import Dataset
from benchmarks.processes import probe_env, run_process, run_probe
from benchmarks.stats import Figure, Target, percentile, ratio_values

logger = logging.getLogger(__name__)

CLI_LIMIT = 50
"""Hits that `shadow-tui search` prints, its default."""


def measure_app_search(data: Dataset, words: list[str], runs: int) -> list[Figure]:
    """Time each word from the start of its search in the search screen to the frame that shows its results."""
    p50: list[float] = []
    p95: list[float] = []
    hits: dict[str, int] = {}
    for run in range(runs):
        result = run_probe("search", data.database, params={"words": words}).result or {}
        values = [float(result["ms"][word]) for word in words]
        hits = {word: int(count) for word, count in result["hits"].items()}
        p50.append(percentile(values, 0.5))
        p95.append(percentile(values, 0.95))
        logger.info("app search run %d: p50 %.1f ms, p95 %.1f ms", run + 1, p50[-1], p95[-1])
    method = (f"{len(words)} words. From the end of the 150 ms typing delay, when the search starts, to "
              "the first frame that shows the results (up to 100 hits with snippets).")
    return [
        Figure("search.app_p50", "Search in the app, p50 over the words", "ms", p50, note=method,
               extra={"hits": hits}),
        Figure("search.app_p95", "Search in the app, p95 over the words", "ms", p95, Target(50)),
    ]


def measure_cli_search(data: Dataset, words: list[str], runs: int) -> list[Figure]:
    """Time `shadow-tui search WORD` and `rg` over the JSON Lines export, side by side per word."""
    rg = shutil.which("rg")
    if rg is None:
        raise FileNotFoundError(
            "ripgrep (rg) is not installed: install it with `apt-get install -y ripgrep` and run again"
        )
    # The command as users type it: the console script that installing the project creates.
    command = Path(sys.executable).with_name("shadow-tui")
    if not command.exists():
        raise FileNotFoundError(f"{command} is missing: install the project with `uv sync` and run again")
    env = probe_env()
    ours_total: list[float] = []
    rg_total: list[float] = []
    for run in range(runs):
        ours_seconds = 0.0
        rg_seconds = 0.0
        for word in words:
            ours = run_process(
                [str(command), "search", word, "--db", str(data.database),
                 "--format", "json", "--limit", str(CLI_LIMIT)],
                env=env, check=False,
            )
            if ours.returncode not in (0, 1):
                raise RuntimeError(f"shadow-tui search {word!r} failed ({ours.returncode}): {ours.stderr.strip()}")
            grep = run_process(
                [rg, "--files-with-matches", "--ignore-case", "--word-regexp", "--fixed-strings", word,
                 str(data.export_dir)],
                check=False,
            )
            if grep.returncode not in (0, 1):
                raise RuntimeError(f"rg {word!r} failed ({grep.returncode}): {grep.stderr.strip()}")
            ours_seconds += ours.seconds
            rg_seconds += grep.seconds
        ours_total.append(ours_seconds / len(words))
        rg_total.append(rg_seconds / len(words))
        logger.info("CLI search run %d: ours %.3f s, rg %.3f s per word", run + 1, ours_total[-1], rg_total[-1])
    return [
        Figure("search.cli", "`shadow-tui search WORD --format json`, mean per word", "s", ours_total,
               note="End to end in a subprocess: interpreter start, imports, query, 50 hits printed."),
        Figure("search.rg", "`rg -l -i -w -F WORD` over the JSON Lines export, mean per word", "s", rg_total,
               note=f"ripgrep lists the task files that contain the word; the export is {data.export_dir.name}/."),
        Figure("search.cli_rg_ratio", "`shadow-tui search` / `rg` time", "ratio",
               ratio_values(ours_total, rg_total), Target(0.2)),
    ]
