"""Building and caching each scale's data under benchmarks/.data/.

Every product is stamped with a JSON file that records its inputs and a
fingerprint of the code that made it (the demo generator's sources, the
schema version, the heaviest task's version). A product is reused only
when its stamp matches, so a changed generator or seed rebuilds it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.claude_corpus import CLAUDE_VERSION, replicate_corpus
from benchmarks.heavy_task import HEAVY_VERSION, HeavyTask, add_heavy_task, demo_now
from benchmarks.jsonl_export import EXPORT_VERSION, export_database
from benchmarks.scales import CORPUS_DIR, DEMO_NOW, ROOT, SEED, Scale, database_path, scale_dir

logger = logging.getLogger(__name__)

DEMO_SOURCES = ROOT / "src" / "shadow_tui" / "demo"


@dataclass(frozen=True, slots=True)
class Dataset:
    """Everything built for one scale."""

    scale: str
    database: Path
    heavy: HeavyTask
    export_dir: Path
    claude_dir: Path
    claude_bytes: int
    claude_files: int
    build_seconds: dict[str, float]
    """Seconds each product took to build in this run; 0 when it came from the cache."""


def _source_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def demo_fingerprint(scale: Scale) -> dict[str, Any]:
    """Return the inputs that determine the demo database of a scale."""
    from shadow_tui.db.schema import head_version

    return {
        "tasks": scale.tasks,
        "seed": SEED,
        "now": DEMO_NOW,
        "schema": head_version(),
        "generator": _source_digest(list(DEMO_SOURCES.glob("*.py"))),
    }


def _read_stamp(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, json.JSONDecodeError) as error:
        logger.warning("Ignoring the unreadable stamp %s (%s); the data is rebuilt", path, error)
        return None


def _write_stamp(path: Path, inputs: dict[str, Any], extra: dict[str, Any] | None = None) -> None:
    path.write_text(json.dumps({"inputs": inputs, **(extra or {})}, indent=2), encoding="utf-8")


def _stamp_matches(path: Path, inputs: dict[str, Any]) -> dict[str, Any] | None:
    stamp = _read_stamp(path)
    if stamp is None or stamp.get("inputs") != inputs:
        return None
    return stamp


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _build_demo(scale: Scale, database: Path) -> None:
    _remove_database(database)
    command = [
        sys.executable, "-m", "shadow_tui", "demo", str(database), "--tasks", str(scale.tasks),
        "--seed", str(SEED), "--now", DEMO_NOW,
    ]
    logger.info("Building the %s demo database: %s", scale.name, " ".join(command))
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(
            f"`{' '.join(command)}` failed with exit status {completed.returncode}: {completed.stderr.strip()}"
        )
    logger.info("%s", completed.stdout.strip())


def ensure_database(scale: Scale) -> tuple[Path, HeavyTask, dict[str, float]]:
    """Build (or reuse) the demo database of a scale with the heaviest task added."""
    folder = scale_dir(scale)
    folder.mkdir(parents=True, exist_ok=True)
    database = database_path(scale)
    seconds: dict[str, float] = {"demo": 0.0, "heaviest_task": 0.0}
    demo_inputs = demo_fingerprint(scale)
    heavy_inputs = {
        "demo": demo_inputs, "version": HEAVY_VERSION, "messages": scale.heavy_messages,
        "output_bytes": scale.heavy_output_bytes, "diff_lines": scale.heavy_diff_lines,
    }
    demo_stamp = folder / "demo.json"
    heavy_stamp = folder / "heavy.json"
    if not database.exists() or _stamp_matches(demo_stamp, demo_inputs) is None:
        heavy_stamp.unlink(missing_ok=True)
        started = time.perf_counter()
        _build_demo(scale, database)
        seconds["demo"] = time.perf_counter() - started
        _write_stamp(demo_stamp, demo_inputs, {"seconds": seconds["demo"]})
    stamp = _stamp_matches(heavy_stamp, heavy_inputs)
    if stamp is None:
        started = time.perf_counter()
        heavy = asyncio.run(add_heavy_task(str(database), scale, now=demo_now(), seed=SEED))
        seconds["heaviest_task"] = time.perf_counter() - started
        _write_stamp(heavy_stamp, heavy_inputs, {"heavy": asdict(heavy), "seconds": seconds["heaviest_task"]})
    else:
        heavy = HeavyTask(**stamp["heavy"])
    return database, heavy, seconds


def ensure_export(scale: Scale, database: Path) -> tuple[Path, float]:
    """Write (or reuse) the JSON Lines export of a scale's database, one file per task."""
    folder = scale_dir(scale)
    export_dir = folder / "export"
    stamp_path = folder / "export.json"
    inputs = {"database": _read_stamp(folder / "heavy.json"), "version": EXPORT_VERSION}
    if export_dir.is_dir() and _stamp_matches(stamp_path, inputs) is not None:
        return export_dir, 0.0
    shutil.rmtree(export_dir, ignore_errors=True)
    started = time.perf_counter()
    files, size = export_database(database, export_dir)
    seconds = time.perf_counter() - started
    _write_stamp(stamp_path, inputs, {"files": files, "bytes": size, "seconds": seconds})
    logger.info("Exported %d tasks (%.1f MB) to %s in %.1f s", files, size / 1e6, export_dir, seconds)
    return export_dir, seconds


def ensure_claude_corpus(scale: Scale) -> tuple[Path, int, int, float]:
    """Write (or reuse) the replicated Claude Code corpus of a scale."""
    folder = scale_dir(scale)
    target = folder / "claude-code"
    stamp_path = folder / "claude-code.json"
    sources = sorted(CORPUS_DIR.glob("*.jsonl"))
    if not sources:
        raise FileNotFoundError(
            f"no Claude Code session files in {CORPUS_DIR}: the import measure needs the corpus "
            "folder beside the checkout"
        )
    inputs = {"bytes": scale.claude_bytes, "version": CLAUDE_VERSION, "sources": _source_digest_abs(sources)}
    stamp = _stamp_matches(stamp_path, inputs)
    if target.is_dir() and stamp is not None:
        return target, int(stamp["bytes"]), int(stamp["files"]), 0.0
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    files, size = replicate_corpus(sources, target, scale.claude_bytes)
    seconds = time.perf_counter() - started
    _write_stamp(stamp_path, inputs, {"files": files, "bytes": size, "seconds": seconds})
    return target, size, files, seconds


def _source_digest_abs(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_dataset(scale: Scale) -> Dataset:
    """Build or reuse every product of a scale."""
    database, heavy, seconds = ensure_database(scale)
    export_dir, seconds["export"] = ensure_export(scale, database)
    claude_dir, claude_bytes, claude_files, seconds["claude_corpus"] = ensure_claude_corpus(scale)
    return Dataset(
        scale=scale.name, database=database, heavy=heavy, export_dir=export_dir, claude_dir=claude_dir,
        claude_bytes=claude_bytes, claude_files=claude_files, build_seconds=seconds,
    )
