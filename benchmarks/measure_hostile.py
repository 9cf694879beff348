"""The hostile-content measure: the app never stops reacting for more than a second.

Each run is a fresh probe process that opens every task of the hostile
database (see `hostile_data`). For each task it records the time to the
tab's first screen and the time until its rendering is finished. It also
records the longest stall of the event loop in between (see `probe_hostile`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from benchmarks.hostile_data import ensure_hostile_database
from benchmarks.processes import run_probe
from benchmarks.scales import Scale
from benchmarks.stats import Figure, Target

logger = logging.getLogger(__name__)

STALL_LIMIT_MS = 1000.0
"""The UI may stop reacting to keys for at most a second."""


def measure_hostile(scale: Scale, runs: int) -> tuple[list[Figure], float]:
    """Run the hostile probe `runs` times; return the figures and the seconds spent building the data."""
    database, cases, build_seconds = ensure_hostile_database(scale)
    params = {"cases": [asdict(case) for case in cases]}
    series: dict[str, list[float]] = {}
    for run in range(runs):
        result = run_probe("hostile", database, params=params).result or {}
        for case in cases:
            for name, value in result[case.name].items():
                series.setdefault(f"{case.name}.{name}", []).append(float(value))
        logger.info("hostile run %d: %s", run + 1, {key: round(values[-1]) for key, values in series.items()})
    figures: list[Figure] = []
    for case in cases:
        figures += [
            Figure(f"hostile.{case.name}_first", f"{case.description}: first screen of the {case.tab} tab", "ms",
                   series[f"{case.name}.first_screen_ms"]),
            Figure(f"hostile.{case.name}_settled", f"{case.description}: all rendering finished", "ms",
                   series[f"{case.name}.settled_ms"]),
            Figure(f"hostile.{case.name}_stall", f"{case.description}: longest stall of the UI", "ms",
                   series[f"{case.name}.longest_stall_ms"], Target(STALL_LIMIT_MS, every_run=True),
                   note=(f"{case.description}: the longest gap between wake-ups of a 5 ms heartbeat on the "
                         "app's event loop, from opening the task until its workers finished.")),
        ]
    return figures, build_seconds
