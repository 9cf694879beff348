"""The browser measures: start-up, filters, the heaviest task, scrolling and memory.

Each run of a measure is a fresh probe process (see `probe_app`).
Comparisons run side by side: in every run, each side runs once, one
after the other, and the ratio is taken per run.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import statistics
from pathlib import Path
from urllib.parse import quote

from benchmarks.datasets import Dataset
from benchmarks.processes import run_probe
from benchmarks.sql_floor import capture_statements, time_statements
from benchmarks.stats import Figure, Target, percentile, ratio_values

logger = logging.getLogger(__name__)

MINIMAL_ROWS = 200
MB = 1_000_000


def _first_rows(database: Path, target: Path) -> Path:
    """Write the newest 200 tasks as rows of text, the minimal app's list in memory."""
    connection = sqlite3.connect(f"file:{quote(str(database.resolve()))}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT task_id, status, coalesce(title, ''), coalesce(repo_url, ''), created_at "
            "FROM tasks ORDER BY created_at DESC, task_id DESC LIMIT ?", (MINIMAL_ROWS,)
        ).fetchall()
    finally:
        connection.close()
    target.write_text(json.dumps([list(row) for row in rows]), encoding="utf-8")
    return target


def measure_startup(data: Dataset, baseline: Dataset, runs: int) -> list[Figure]:
    """Time start-up to the first task row: ours, the minimal DataTable app, and ours on the baseline."""
    rows = _first_rows(data.database, data.database.parent / "first-rows.json")
    ours: list[float] = []
    minimal: list[float] = []
    smaller: list[float] = []
    for run in range(runs):
        minimal.append(run_probe("minimal", None, rows=rows).result["seconds"])  # type: ignore[index]
        ours.append(run_probe("startup", data.database).result["seconds"])  # type: ignore[index]
        if baseline is data:
            smaller.append(ours[-1])
        else:
            smaller.append(run_probe("startup", baseline.database).result["seconds"])  # type: ignore[index]
        logger.info("start-up run %d: ours %.3f s, minimal %.3f s, %s %.3f s",
                    run + 1, ours[-1], minimal[-1], baseline.scale, smaller[-1])
    method = ("From just before the process is started to the first compositor frame that shows "
           "task row 1, headless at 160x45 cells.")
    return [
        Figure("startup.ours", f"Start-up to the first task row ({data.scale} database)", "s", ours, note=method),
        Figure("startup.minimal", "Start-up of a minimal Textual app with a 200-row DataTable", "s", minimal,
               note="The same 200 rows from a list in memory, timed the same way."),
        Figure("startup.ratio_minimal", "Start-up: shadow-tui / minimal DataTable app", "ratio",
               ratio_values(ours, minimal), Target(1.3)),
        Figure(f"startup.{baseline.scale}", f"Start-up to the first task row ({baseline.scale} database)", "s",
               smaller),
        Figure("startup.ratio_baseline", f"Start-up: {data.scale} database / {baseline.scale} database", "ratio",
               ratio_values(ours, smaller), Target(1.1)),
    ]


def measure_filters(data: Dataset, queries: list[str], runs: int) -> list[Figure]:
    """Time the filters in the app, and the same SQL through sqlite3 as the floor."""
    p50: list[float] = []
    p95: list[float] = []
    per_query: dict[str, list[float]] = {query: [] for query in queries}
    totals: dict[str, int] = {}
    for run in range(runs):
        result = run_probe("filters", data.database, params={"queries": queries}).result or {}
        timings = [float(result["ms"][query]) for query in queries]
        for query in queries:
            per_query[query].append(float(result["ms"][query]))
        totals = {query: int(count) for query, count in result["totals"].items()}
        p50.append(percentile(timings, 0.5))
        p95.append(percentile(timings, 0.95))
        logger.info("filters run %d: p50 %.1f ms, p95 %.1f ms", run + 1, p50[-1], p95[-1])

    statements = capture_statements(data.database, queries)
    sql_p50: list[float] = []
    sql_p95: list[float] = []
    sql_per_query: dict[str, list[float]] = {query: [] for query in queries}
    for _run in range(runs):
        timings_by_query = time_statements(data.database, statements)
        for query in queries:
            sql_per_query[query].append(timings_by_query[query])
        values = list(timings_by_query.values())
        sql_p50.append(percentile(values, 0.5))
        sql_p95.append(percentile(values, 0.95))
    detail = {
        query: {
            "app_ms_median": round(statistics.median(per_query[query]), 2),
            "sql_ms_median": round(statistics.median(sql_per_query[query]), 2),
            "tasks": totals.get(query),
        }
        for query in queries
    }
    method = ("From setting the query-bar text and applying it (what Enter does) to the first frame "
           f"that draws the reloaded list; p50 and p95 over the {len(queries)} filters of one run.")
    return [
        Figure("filter.app_p50", f"Filter applied to list shown, p50 of {len(queries)} filters", "ms", p50,
               note=method, extra={"per_query": detail}),
        Figure("filter.app_p95", f"Filter applied to list shown, p95 of {len(queries)} filters", "ms", p95,
               Target(50)),
        Figure("filter.sql_p50", "Same SQL through sqlite3 (floor), p50", "ms", sql_p50,
               note="The count and first-page statements the query layer sends, captured and re-run."),
        Figure("filter.sql_p95", "Same SQL through sqlite3 (floor), p95", "ms", sql_p95),
    ]


def _heavy_params(data: Dataset) -> dict[str, str]:
    return {"task_id": data.heavy.task_id, "command_id": data.heavy.command_id}


def measure_heavy_task(data: Dataset, runs: int) -> list[Figure]:
    """Time each pane of the heaviest task to its first screen, and to its finished rendering."""
    series: dict[str, list[float]] = {}
    for run in range(runs):
        result = run_probe("heavy", data.database, params=_heavy_params(data)).result or {}
        for pane in ("chat", "commands", "diffs"):
            for name, value in result[pane].items():
                series.setdefault(f"{pane}.{name}", []).append(float(value))
        logger.info("heaviest task run %d: %s", run + 1,
                    {key: round(values[-1], 1) for key, values in series.items()})
    heavy = data.heavy
    return [
        Figure("heavy.chat_first", f"Chat tab, {heavy.messages:,} messages: first screen", "ms",
               series["chat.first_screen_ms"], Target(150),
               note="From open_task (Enter on the row) to the first frame with the messages in view."),
        Figure("heavy.chat_rendered", "Chat tab: Markdown of the messages in view rendered", "ms",
               series["chat.rendered_ms"]),
        Figure("heavy.commands_first",
               f"Commands tab, {heavy.output_bytes / MB:.0f} MB output selected: first screen", "ms",
               series["commands.first_screen_ms"], Target(150),
               note="From the 3 key to the first frame with the command list and the output's first lines."),
        Figure("heavy.commands_whole", "Commands tab: whole output loaded and split into lines", "ms",
               series["commands.rendered_ms"]),
        Figure("heavy.diffs_first", f"Diffs tab, {heavy.diff_lines:,}-line diff: first screen", "ms",
               series["diffs.first_screen_ms"], Target(150),
               note="From the 4 key to the first frame with diff lines (the raw preview)."),
        Figure("heavy.diffs_rendered", "Diffs tab: highlighted rendering shown", "ms",
               series["diffs.rendered_ms"]),
    ]


def measure_scroll(data: Dataset, runs: int, rounds: int = 2) -> list[Figure]:
    """Time G (to the last task) and g (to the first) until the rows in view are drawn."""
    cold_end: list[float] = []
    worst: list[float] = []
    all_steps: list[float] = []
    for run in range(runs):
        result = run_probe("scroll", data.database, params={"rounds": rounds}).result or {}
        steps = result["steps"]
        cold_end.append(float(steps[0]["ms"]))
        values = [float(step["ms"]) for step in steps]
        worst.append(max(values))
        all_steps += values
        logger.info("scroll run %d: %s", run + 1, [round(value, 1) for value in values])
    method = ("From sending the key through the driver to the first frame at which the cursor is on the "
           "last (or first) task and every row in view is loaded; G, g, G, g per run, G first on a cold cache.")
    return [
        Figure("scroll.max_frame", "Scrolling with G and g: slowest key to frame", "ms", worst,
               Target(100, every_run=True),
               note=method),
        Figure("scroll.first_G", "G to the last task, cold page cache", "ms", cold_end),
        Figure("scroll.all_keys", "Every G and g, all runs", "ms", all_steps),
    ]


def measure_memory(data: Dataset, baseline: Dataset, runs: int) -> list[Figure]:
    """Peak memory after visiting every tab of the heaviest task, on this scale and the baseline."""
    ours: list[float] = []
    smaller: list[float] = []
    after_tab: dict[str, list[float]] = {}
    for run in range(runs):
        probe = run_probe("memory", data.database, params=_heavy_params(data))
        ours.append(float((probe.result or {})["peak_mb"]))
        for key, timings in (probe.result or {}).items():
            if isinstance(timings, dict) and "rss_mb" in timings:
                after_tab.setdefault(key, []).append(float(timings["rss_mb"]))
        if baseline is data:
            smaller.append(ours[-1])
        else:
            baseline_probe = run_probe("memory", baseline.database, params=_heavy_params(baseline))
            smaller.append(float((baseline_probe.result or {})["peak_mb"]))
        logger.info("memory run %d: %.1f MB, %s %.1f MB", run + 1, ours[-1], baseline.scale, smaller[-1])
    method = ("Peak resident memory (VmHWM, read by the process itself) of a process that opens the "
           "heaviest task and lets all six tabs finish loading. The Pygments lexer runs in a child process "
              "of its own, which this figure does not count.")
    same_task = (data.heavy.messages, data.heavy.output_bytes, data.heavy.diff_lines) == (
        baseline.heavy.messages, baseline.heavy.output_bytes, baseline.heavy.diff_lines)
    if not same_task:
        method += (f" The {baseline.scale} database has a smaller heaviest task, so the ratio to it measures "
                "the task's size, not the database's, and has no target.")
    return [
        Figure("memory.peak", f"Peak memory, every tab of the heaviest task ({data.scale})", "MB", ours,
               Target(150), note=method,
               extra={"resident_mb_after_tab": {key: round(statistics.median(values), 1)
                                                for key, values in after_tab.items()}}),
        Figure(f"memory.{baseline.scale}", f"Peak memory, same on the {baseline.scale} database", "MB", smaller),
        Figure("memory.ratio_baseline", f"Peak memory: {data.scale} / {baseline.scale}", "ratio",
               ratio_values(ours, smaller), Target(1.1) if same_task else None),
    ]
