"""Running measured subprocesses: wall time, exit status and peak memory of each one."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.scales import ROOT

logger = logging.getLogger(__name__)

EXIT_SHUTDOWN_HUNG = 3
"""The probe's exit status for "timings written, but the app hung on exit" (see probe_app.finish)."""
SHUTDOWN_HANGS: dict[str, int] = {}
"""Probe runs per mode whose app did not shut down and had to be ended, counted for the page."""


@dataclass(frozen=True, slots=True)
class ProcessRun:
    """One finished subprocess."""

    seconds: float
    """Wall time from just before the start to the exit."""
    max_rss_bytes: int
    """Peak resident memory of the process (the kernel's ru_maxrss)."""
    returncode: int
    stdout: bytes
    stderr: str
    result: dict[str, Any] | None = None
    """The JSON that a probe wrote to its result file."""


def run_process(command: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None,
                timeout: float = 1800.0, check: bool = True) -> ProcessRun:
    """Run a command to completion and measure it; stdout is kept, stderr is kept for errors."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                raise TimeoutError(f"`{' '.join(command)}` timed out after {timeout:.0f} s")
            time.sleep(0.002)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read()
        stderr = err.read().decode("utf-8", "replace")
    run = ProcessRun(seconds, usage.ru_maxrss * 1024, process.returncode, stdout, stderr)
    if check and run.returncode != 0:
        raise RuntimeError(
            f"`{' '.join(command)}` failed with exit status {run.returncode}:\n{stderr.strip()[-4000:]}"
        )
    return run


def probe_env() -> dict[str, str]:
    """Return the environment for measured processes: the project importable, bytecode cached.

    Python keeps compiled bytecode as a pip-installed package has it, in a
    separate tree under benchmarks/.data/pycache, so that no process pays
    for compiling its imports. PYTHONDONTWRITEBYTECODE, if the calling
    shell sets it, would make every process compile SQLAlchemy and Textual
    from source, which takes longer than the rest of the start-up.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(ROOT / "benchmarks" / ".data" / "pycache")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src")])
    env.pop("SHADOW_TUI_DB", None)
    env["SHADOW_TUI_CONFIG"] = str(ROOT / "benchmarks" / ".data" / "no-config.toml")
    env["TEXTUAL_ANIMATIONS"] = "none"
    return env


def run_probe(mode: str, database: Path | None, *, params: dict[str, Any] | None = None,
              rows: Path | None = None, timeout: float = 900.0) -> ProcessRun:
    """Run `python -m benchmarks.probe_app MODE` and return its run with the JSON it wrote."""
    with tempfile.TemporaryDirectory(prefix="shadow-bench-") as folder:
        result_path = Path(folder) / "result.json"
        command = [sys.executable, "-m", "benchmarks.probe_app", mode, "--result", str(result_path)]
        if database is not None:
            command += ["--db", str(database)]
        if rows is not None:
            command += ["--rows", str(rows)]
        if params is not None:
            params_path = Path(folder) / "params.json"
            params_path.write_text(json.dumps(params), encoding="utf-8")
            command += ["--params", str(params_path)]
        # The start time is taken last, so it is as close as possible to the process start.
        command += ["--t0", repr(time.time())]
        run = run_process(command, env=probe_env(), timeout=timeout, check=False)
        if run.returncode not in (0, EXIT_SHUTDOWN_HUNG) or not result_path.exists():
            raise RuntimeError(
                f"`{' '.join(command)}` failed with exit status {run.returncode}:\n{run.stderr.strip()[-4000:]}"
            )
        result = json.loads(result_path.read_text(encoding="utf-8"))
        if run.returncode == EXIT_SHUTDOWN_HUNG:
            SHUTDOWN_HANGS[mode] = SHUTDOWN_HANGS.get(mode, 0) + 1
            logger.warning("The %s probe measured, but the app did not shut down; it was ended", mode)
    return ProcessRun(run.seconds, run.max_rss_bytes, run.returncode, run.stdout, run.stderr, result)
