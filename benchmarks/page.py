"""The results page, BENCHMARKS.md, written from results.json.

The page shows every scale present in results.json, largest first, with
the machine, the date and the exact commands of its run. The hand-written
analysis in benchmarks/findings.md (why a target is missed, with the
profile) is copied in at the end when that file exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.stats import format_value

SCALE_ORDER = ("large", "small", "smoke")
SECTIONS = (
    ("startup", "Start-up"),
    ("filter", "Filtering the task list"),
    ("heavy", "Opening the heaviest task"),
    ("search", "Global search"),
    ("scroll", "Scrolling the task list"),
    ("memory", "Memory"),
    ("import", "Import throughput"),
    ("hostile", "Hostile content in the app"),
)


def _verdict(figure: dict[str, Any]) -> str:
    if figure.get("met") is None:
        return ""
    return "met" if figure["met"] else "**missed**"


def _target(figure: dict[str, Any]) -> str:
    target = figure.get("target")
    if not target:
        return ""
    sign = "≤" if target["comparison"] == "at_most" else "≥"
    scope = " in every run" if target.get("every_run") else ""
    return f"{sign} {format_value(target['limit'], figure['unit'])}{scope}"


def _row(figure: dict[str, Any]) -> str:
    unit = figure["unit"]
    spread = f"{format_value(figure['min'], unit)} – {format_value(figure['max'], unit)}"
    percentiles = f"{format_value(figure['p5'], unit)} – {format_value(figure['p95'], unit)}"
    return (f"| {figure['label']} | {format_value(figure['median'], unit)} | {spread} | {percentiles} | "
            f"{figure['runs']} | {_target(figure)} | {_verdict(figure)} |")


def _machine(machine: dict[str, Any]) -> list[str]:
    return [
        f"- Date: {machine['date']}; commit {machine.get('git_commit') or 'unknown'} (plus uncommitted changes, if any)",
        f"- CPU: {machine['cpu_model']}, {machine['cores']} cores; memory {machine['memory_gib']} GiB; {machine['os']}",
        f"- Python {machine['python']}, SQLite {machine['sqlite']}, Textual {machine['textual']}, "
        f"Rich {machine['rich']}, SQLAlchemy {machine['sqlalchemy']}; {machine.get('ripgrep') or 'ripgrep missing'}",
    ]


def _data(data: dict[str, Any]) -> list[str]:
    lines = [f"- Database: {data['tasks']:,} tasks, {data['chat_messages']:,} messages, "
             f"{data['task_commands']:,} commands, {data['file_edits']:,} edits, "
             f"{data['database_mb']:,.0f} MB on disk"]
    heavy = data["heavy"]
    lines.append(f"- Heaviest task `{heavy['task_id']}`: {heavy['messages']:,} messages, one "
                 f"{heavy['output_bytes'] / 1e6:.0f} MB command output, one {heavy['diff_lines']:,}-line diff")
    lines.append(f"- JSON Lines export: {data['export_files']:,} files, {data['export_mb']:,.0f} MB")
    lines.append(f"- Claude Code corpus: {data['claude_files']:,} files, {data['claude_mb']:,.0f} MB")
    built = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in data["build_seconds"].items() if seconds)
    lines.append(f"- Built in this run: {built or 'nothing (all reused from benchmarks/.data)'}")
    return lines


def _details(figures: dict[str, Any]) -> list[str]:
    """Return the per-filter table and the memory after each tab, when the figures carry them."""
    lines: list[str] = []
    per_query = figures.get("filter.app_p50", {}).get("extra", {}).get("per_query")
    if per_query:
        lines += ["Per filter (medians over the runs):", "",
                  "| filter | tasks | in the app | SQL through sqlite3 |", "| --- | --- | --- | --- |"]
        for query, item in per_query.items():
            lines.append(f"| `{query}` | {item['tasks'] if item['tasks'] is not None else '?'} | "
                         f"{format_value(item['app_ms_median'], 'ms')} | {format_value(item['sql_ms_median'], 'ms')} |")
        lines.append("")
    after_tab = figures.get("memory.peak", {}).get("extra", {}).get("resident_mb_after_tab")
    if after_tab:
        listed = ", ".join(f"{tab} {format_value(value, 'MB')}" for tab, value in after_tab.items())
        lines += [f"Resident memory after each tab finished loading (median): {listed}.", ""]
    return lines


def _scale_section(name: str, entry: dict[str, Any]) -> list[str]:
    lines = [f"## Scale: {name}", ""]
    lines += _machine(entry["machine"])
    lines += [f"- Run time: {entry['seconds'] / 60:.1f} min in all (with any measures run again), "
              f"{entry['runs']} runs of every measure", ""]
    lines += ["Commands:", "", "```sh", *entry["commands"], "```", ""]
    lines += _data(entry["data"])
    lines.append("")
    figures: dict[str, Any] = entry["figures"]
    for prefix, title in SECTIONS:
        chosen = {key: figure for key, figure in figures.items() if key.split(".")[0] == prefix}
        if not chosen:
            continue
        lines += [f"### {title}", "", "| measure | median | min – max | p5 – p95 | runs | target | |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        lines += [_row(figure) for figure in chosen.values()]
        notes = [figure["note"] for figure in chosen.values() if figure.get("note")]
        if notes:
            lines.append("")
            lines += [f"- {note}" for note in notes]
        lines.append("")
        lines += _details(chosen)
    for measure, message in entry.get("errors", {}).items():
        lines.append(f"- The {measure} measure failed: {message}")
    for mode, count in entry.get("shutdown_hangs", {}).items():
        lines.append(f"- {count} run(s) of the {mode} probe measured normally, but then the app did not shut "
                     "down within 20 s and the probe ended the process.")
    return lines


def render_page(results: dict[str, Any], findings: Path | None) -> str:
    """Return BENCHMARKS.md for the scales in `results`."""
    lines = [
        "# Benchmarks",
        "",
        "Measured by `benchmarks/run.py`, which builds its data (cached in `benchmarks/.data/`), runs",
        "every measure five times in fresh processes (once at the smoke scale, which only checks that",
        "every measure runs), and writes `benchmarks/results.json` and this page. The median is the",
        "figure; min – max and p5 – p95 are over the runs. The targets are for the large scale, and the",
        "smaller scales show them for comparison.",
        "",
    ]
    scales = [name for name in SCALE_ORDER if name in results.get("scales", {})]
    summary = ["| scale | measure | median | target | |", "| --- | --- | --- | --- | --- |"]
    for name in scales:
        for figure in results["scales"][name]["figures"].values():
            if figure.get("target"):
                value = format_value(figure["median"], figure["unit"])
                if figure["target"].get("every_run"):
                    value += f" (slowest run {format_value(figure['max'], figure['unit'])})"
                summary.append(f"| {name} | {figure['label']} | {value} | {_target(figure)} | {_verdict(figure)} |")
    lines += ["## Targets", "", *summary, ""]
    for name in scales:
        lines += _scale_section(name, results["scales"][name])
    if findings is not None and findings.exists():
        lines += [findings.read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines) + "\n"
