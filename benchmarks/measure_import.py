"""Import throughput of Claude Code JSONL, against claude-code-log building its cache.

Both sides read the same replicated corpus end to end in a subprocess:
`shadow-tui import --format claude-code` into a new SQLite file, and
claude-code-log's cache build (see `ccl_cache.py`) into a new cache file.
claude-code-log lives in its own virtual environment under
benchmarks/.data/venv-ccl, made with `uv venv` and `uv pip install`, so it
never enters the project's dependencies.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.datasets import Dataset
from benchmarks.processes import probe_env, run_process
from benchmarks.scales import BENCH_DIR, DATA_DIR
from benchmarks.stats import Figure, ratio_values

logger = logging.getLogger(__name__)

CCL_VENV = DATA_DIR / "venv-ccl"
CCL_PACKAGE = "claude-code-log"
MB = 1_000_000


def ensure_claude_code_log() -> tuple[Path | None, str]:
    """Return claude-code-log's Python, installing it on first use, or None and the reason it failed."""
    python = CCL_VENV / "bin" / "python"
    if python.exists():
        return python, "installed"
    uv = shutil.which("uv")
    if uv is None:
        return None, "uv is not installed, so claude-code-log could not be installed into its own venv"
    for command in ([uv, "venv", str(CCL_VENV), "--python", sys.executable],
                    [uv, "pip", "install", "--python", str(python), CCL_PACKAGE]):
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            reason = f"`{' '.join(command)}` failed: {completed.stderr.strip()[-500:]}"
            logger.warning("claude-code-log is not available: %s", reason)
            return None, reason
    return python, "installed"


def _ccl_version(python: Path) -> str | None:
    completed = subprocess.run(
        [str(python), "-c", "from importlib.metadata import version; print(version('claude-code-log'))"],
        capture_output=True, text=True, check=False,
    )
    return completed.stdout.strip() or None


def measure_import(data: Dataset, runs: int) -> list[Figure]:
    """Time importing the replicated corpus, ours and claude-code-log's, side by side per run."""
    python, reason = ensure_claude_code_log()
    records = sum(
        sum(1 for line in path.open(encoding="utf-8") if line.strip())
        for path in data.claude_dir.rglob("*.jsonl")
    )
    size_mb = data.claude_bytes / MB

    ours: list[float] = []
    theirs: list[float] = []
    stored_messages = 0
    for run in range(runs):
        with tempfile.TemporaryDirectory(prefix="shadow-import-", dir=DATA_DIR) as folder:
            database = Path(folder) / "import.db"
            result = run_process(
                [sys.executable, "-m", "shadow_tui", "import", "--db", str(database), "--format", "claude-code",
                 "--json", str(data.claude_dir)],
                env=probe_env(),
            )
            summary = json.loads(result.stdout)
            stored_messages = int(summary["rows"]["chat_messages"])
            ours.append(result.seconds)
            if python is not None:
                cache = Path(folder) / "ccl-cache.db"
                ccl = run_process([str(python), str(BENCH_DIR / "ccl_cache.py"), str(data.claude_dir), str(cache)],
                                  env=probe_env())
                theirs.append(ccl.seconds)
        logger.info("import run %d: ours %.2f s%s", run + 1, ours[-1],
                    f", claude-code-log {theirs[-1]:.2f} s" if theirs else "")

    method = (f"{data.claude_files:,} session files, {size_mb:.0f} MB, {records:,} JSONL records, made by copying "
           "the real Claude Code sessions under new session ids and uuids.")
    figures = [
        Figure("import.seconds", "`shadow-tui import` of the Claude Code corpus", "s", ours, note=method,
               extra={"records": records, "stored_messages": stored_messages, "bytes": data.claude_bytes}),
        Figure("import.records_per_s", "Import: JSONL records (messages) per second", "messages/s",
               [records / seconds for seconds in ours]),
        Figure("import.mb_per_s", "Import: MB per second", "MB/s", [size_mb / seconds for seconds in ours]),
    ]
    if python is None:
        figures[0].extra["claude_code_log"] = reason
        return figures
    version = _ccl_version(python)
    figures += [
        Figure("import.ccl_seconds", f"claude-code-log {version} building its cache from the same files", "s",
               theirs, note="CacheManager + ensure_fresh_cache per project folder, in its own venv."),
        Figure("import.ccl_mb_per_s", "claude-code-log: MB per second", "MB/s",
               [size_mb / seconds for seconds in theirs]),
        Figure("import.speed_ratio", "Import speed: shadow-tui / claude-code-log (above 1: faster)", "ratio",
               ratio_values(theirs, ours)),
    ]
    return figures
