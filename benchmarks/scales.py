"""The benchmark scales, fixed generator inputs, and where the data lives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
"""The repository checkout."""
BENCH_DIR = ROOT / "benchmarks"
DATA_DIR = BENCH_DIR / ".data"
PROFILE_DIR = BENCH_DIR / "profiles"
CORPUS_DIR = ROOT.parent / "shared" / "corpus" / "claude-code"
"""Real Claude Code sessions beside the checkout; the import measure replicates them."""

SEED = 0
DEMO_NOW = "2025-07-01T12:00:00Z"
"""End of the 90 days the demo tasks span, fixed so every build writes the same rows."""


@dataclass(frozen=True, slots=True)
class Scale:
    """One data size and the sizes of everything built for it."""

    name: str
    tasks: int
    heavy_messages: int
    heavy_output_bytes: int
    heavy_diff_lines: int
    claude_bytes: int
    """Size of the replicated Claude Code corpus for the import measure."""
    baseline: str
    """The scale whose start-up time and memory this one is compared with."""
    runs: int
    """Repetitions of every measure; medians and spreads are taken over them."""
    search_words: int
    """How many of the 20 search words are used."""
    filter_queries: int
    """How many of the 20 filters are used."""


MB = 1_000_000

SCALES: dict[str, Scale] = {
    "smoke": Scale("smoke", 200, 500, 1 * MB, 5_000, 2 * MB, baseline="smoke", runs=1, search_words=3,
                   filter_queries=4),
    "small": Scale("small", 5_000, 10_000, 20 * MB, 100_000, 20 * MB, baseline="smoke", runs=5, search_words=20,
                   filter_queries=20),
    "large": Scale("large", 50_000, 10_000, 20 * MB, 100_000, 200 * MB, baseline="small", runs=5,
                   search_words=20, filter_queries=20),
}


def scale_dir(scale: Scale) -> Path:
    return DATA_DIR / scale.name


def database_path(scale: Scale) -> Path:
    return scale_dir(scale) / "demo.db"
