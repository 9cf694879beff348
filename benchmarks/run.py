"""Run the benchmarks: `python benchmarks/run.py [--scale smoke|small|large] [--output DIR]`.

Builds the scale's data (reused from benchmarks/.data/ when its stamp
matches), runs every measure, merges this scale's figures into
results.json and writes the results page. Without --output, results go to
benchmarks/results.json and the page to BENCHMARKS.md at the repository
root; with it, both go into DIR. `--only` runs some measures and keeps
the scale's other figures; `--page-only` writes the page again from
results.json. The exit status is 1 when a measure failed (the others
still run and are written).
"""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.datasets import Dataset, ensure_dataset  # noqa: E402
from benchmarks.machine import describe_machine  # noqa: E402
from benchmarks.measure_app import (  # noqa: E402
    measure_filters, measure_heavy_task, measure_memory, measure_scroll, measure_startup,
)
from benchmarks.measure_hostile import measure_hostile  # noqa: E402
from benchmarks.measure_import import measure_import  # noqa: E402
from benchmarks.measure_search import measure_app_search, measure_cli_search  # noqa: E402
from benchmarks.page import render_page  # noqa: E402
from benchmarks.processes import SHUTDOWN_HANGS, probe_env, run_probe, run_process  # noqa: E402
from benchmarks.scales import BENCH_DIR, SCALES, Scale  # noqa: E402
from benchmarks.stats import Figure  # noqa: E402
from benchmarks.workloads import FILTER_QUERIES, SEARCH_WORDS  # noqa: E402

logger = logging.getLogger("benchmarks")

MEASURES = ("startup", "filter", "heavy", "search_app", "search_cli", "scroll", "memory", "import", "hostile")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python benchmarks/run.py", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=tuple(SCALES), default="smoke",
                        help="Data size: smoke (200 tasks, for CI), small (5,000) or large (50,000). Default: smoke.")
    parser.add_argument("--output", type=Path, default=None,
                        help="Folder for results.json and BENCHMARKS.md. Default: benchmarks/ and the repository root.")
    parser.add_argument("--runs", type=int, default=None,
                        help="Runs of every measure. Default: 5 (1 for smoke).")
    parser.add_argument("--only", default=None,
                        help=f"Comma-separated measures to run, of: {', '.join(MEASURES)}. Default: all.")
    parser.add_argument("--page-only", action="store_true",
                        help="Write BENCHMARKS.md again from the existing results.json, measuring nothing.")
    return parser.parse_args(argv)


def _counts(database: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return {table: int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for table in ("tasks", "chat_messages", "task_commands", "file_edits")}
    finally:
        connection.close()


def _data_facts(data: Dataset) -> dict[str, Any]:
    export_stamp = json.loads((data.export_dir.parent / "export.json").read_text(encoding="utf-8"))
    return {
        **_counts(data.database),
        "database_mb": data.database.stat().st_size / 1e6,
        "heavy": {"task_id": data.heavy.task_id, "messages": data.heavy.messages,
                  "output_bytes": data.heavy.output_bytes, "diff_lines": data.heavy.diff_lines},
        "export_files": export_stamp["files"],
        "export_mb": export_stamp["bytes"] / 1e6,
        "claude_files": data.claude_files,
        "claude_mb": data.claude_bytes / 1e6,
        "build_seconds": {name: round(seconds, 1) for name, seconds in data.build_seconds.items()},
    }


def _commands(scale: Scale, argv: list[str]) -> list[str]:
    run_line = "python benchmarks/run.py " + " ".join(argv) if argv else "python benchmarks/run.py"
    from benchmarks.scales import DEMO_NOW, SEED

    return [
        "apt-get install -y ripgrep   # rg for the search comparison",
        f"{run_line}   # everything below is what it runs",
        f"shadow-tui demo benchmarks/.data/{scale.name}/demo.db --tasks {scale.tasks} --seed {SEED} --now {DEMO_NOW}",
        "uv venv benchmarks/.data/venv-ccl && uv pip install --python benchmarks/.data/venv-ccl/bin/python "
        "claude-code-log",
        f"shadow-tui search WORD --db benchmarks/.data/{scale.name}/demo.db --format json --limit 50",
        f"rg --files-with-matches --ignore-case --word-regexp --fixed-strings WORD "
        f"benchmarks/.data/{scale.name}/export",
        f"shadow-tui import --db NEW.db --format claude-code --json benchmarks/.data/{scale.name}/claude-code",
        f"benchmarks/.data/venv-ccl/bin/python benchmarks/ccl_cache.py benchmarks/.data/{scale.name}/claude-code "
        "NEW-CACHE.db",
    ]


def warm_up(data: Dataset) -> None:
    """Run each kind of measured process once, untimed, so bytecode and file pages are cached."""
    logger.info("Warming up: one untimed run of the app, the minimal app and the search command")
    rows = data.database.parent / "first-rows.json"
    if not rows.exists():
        rows.write_text("[]", encoding="utf-8")
    try:
        run_probe("startup", data.database)
        run_probe("minimal", None, rows=rows)
        run_process([sys.executable, "-m", "shadow_tui", "search", "warm", "--db", str(data.database)],
                    env=probe_env(), check=False)
    except (RuntimeError, OSError, TimeoutError) as error:
        # The measures that follow run the same processes and report the failure themselves.
        logger.warning("The warm-up failed: %s", error)


def read_into_page_cache(paths: list[Path]) -> None:
    """Read files once, so that the measure after this finds their pages in the OS page cache.

    The machine that measured BENCHMARKS.md drops cached file pages within
    minutes while most of its memory is free: `fincore` found 430 MB of the
    1.1 GB large database cached 20 minutes after it was written. The
    measures compare the app with other programs, not disks, so each starts
    from a warm cache as on a machine that keeps one.
    """
    started = time.perf_counter()
    total = 0
    for path in paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                with file.open("rb") as stream:
                    while chunk := stream.read(1 << 20):
                        total += len(chunk)
    logger.info("Read %.0f MB into the page cache in %.1f s", total / 1e6, time.perf_counter() - started)


def run_scale(scale: Scale, runs: int, only: set[str], argv: list[str]) -> dict[str, Any]:
    """Build the data of a scale and its baseline, run the chosen measures, return the results entry."""
    started = time.perf_counter()
    logger.info("Preparing the %s data", scale.name)
    data = ensure_dataset(scale)
    baseline = data if scale.baseline == scale.name else ensure_dataset(SCALES[scale.baseline])

    def measure_hostile_content() -> list[Figure]:
        figures, data.build_seconds["hostile"] = measure_hostile(scale, runs)
        return figures

    words = list(SEARCH_WORDS[: scale.search_words])
    queries = list(FILTER_QUERIES[: scale.filter_queries])
    steps: dict[str, Callable[[], list[Figure]]] = {
        "startup": lambda: measure_startup(data, baseline, runs),
        "filter": lambda: measure_filters(data, queries, runs),
        "heavy": lambda: measure_heavy_task(data, runs),
        "search_app": lambda: measure_app_search(data, words, runs),
        "search_cli": lambda: measure_cli_search(data, words, runs),
        "scroll": lambda: measure_scroll(data, runs),
        "memory": lambda: measure_memory(data, baseline, runs),
        "import": lambda: measure_import(data, runs),
        "hostile": lambda: measure_hostile_content(),
    }

    warm_up(data)
    figures: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in MEASURES:
        if name not in only:
            continue
        logger.info("Measuring %s (%d runs)", name, runs)
        read_into_page_cache([data.database, data.export_dir] if name == "search_cli" else [data.database])
        measure_started = time.perf_counter()
        try:
            for figure in steps[name]():
                figures[figure.key] = figure.to_json()
        except (RuntimeError, OSError, KeyError, ValueError, TimeoutError) as error:
            logger.error("The %s measure failed: %s", name, error)
            errors[name] = str(error)
        logger.info("%s took %.1f s", name, time.perf_counter() - measure_started)

    return {
        "machine": describe_machine(ROOT),
        "commands": _commands(scale, argv),
        "runs": runs,
        "data": _data_facts(data),
        "figures": figures,
        "errors": errors,
        "shutdown_hangs": dict(SHUTDOWN_HANGS),
        "seconds": time.perf_counter() - started,
    }


def _merge_partial(previous: dict[str, Any], entry: dict[str, Any], only: set[str]) -> dict[str, Any]:
    """Merge a run of some measures into the scale's earlier results, replacing only what it measured."""
    errors = {name: message for name, message in previous.get("errors", {}).items() if name not in only}
    hangs = dict(previous.get("shutdown_hangs", {}))
    for mode, count in entry["shutdown_hangs"].items():
        hangs[mode] = hangs.get(mode, 0) + count
    return {
        **entry,
        "commands": [*previous.get("commands", []),
                     entry["commands"][1].split("   #")[0] + f"   # measured again: {', '.join(sorted(only))}"],
        "figures": {**previous.get("figures", {}), **entry["figures"]},
        "errors": {**errors, **entry["errors"]},
        "shutdown_hangs": hangs,
        "seconds": previous.get("seconds", 0.0) + entry["seconds"],
    }


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    args = _parse(arguments)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", stream=sys.stderr)
    scale = SCALES[args.scale]
    runs = args.runs or scale.runs
    if runs < 1:
        raise SystemExit(f"invalid --runs {runs}: expected 1 or more")
    only = set(MEASURES) if not args.only else {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = only - set(MEASURES)
    if unknown:
        raise SystemExit(f"unknown measures in --only: {', '.join(sorted(unknown))}; use {', '.join(MEASURES)}")

    if args.output is None:
        results_path = BENCH_DIR / "results.json"
        page_path = ROOT / "BENCHMARKS.md"
    else:
        args.output.mkdir(parents=True, exist_ok=True)
        results_path = args.output / "results.json"
        page_path = args.output / "BENCHMARKS.md"
    results: dict[str, Any] = {"scales": {}}
    if results_path.exists():
        results = json.loads(results_path.read_text(encoding="utf-8"))
    if args.page_only:
        page_path.write_text(render_page(results, BENCH_DIR / "findings.md"), encoding="utf-8")
        logger.info("Wrote %s from %s", page_path, results_path)
        return 0
    entry = run_scale(scale, runs, only, arguments)
    previous = results.setdefault("scales", {}).get(scale.name)
    if previous is not None and only != set(MEASURES):
        entry = _merge_partial(previous, entry, only)
    results["scales"][scale.name] = entry
    results_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    page_path.write_text(render_page(results, BENCH_DIR / "findings.md"), encoding="utf-8")
    logger.info("Wrote %s and %s in %.1f min", results_path, page_path, entry["seconds"] / 60)
    return 1 if entry["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
