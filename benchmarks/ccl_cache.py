"""Build claude-code-log's cache for every project folder under ROOT; run with claude-code-log's Python.

Usage: `venv-ccl/bin/python benchmarks/ccl_cache.py ROOT CACHE_DB`. This
is the work `claude-code-log` does before it renders anything: parse
every JSONL file and store the entries in its SQLite cache. It runs in
claude-code-log's own virtual environment, so it imports nothing from
shadow-tui.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> None:
    root = Path(sys.argv[1])
    cache_db = Path(sys.argv[2])
    from claude_code_log.cache import CacheManager, get_library_version
    from claude_code_log.converter import ensure_fresh_cache

    started = time.perf_counter()
    projects = sorted(path for path in root.iterdir() if path.is_dir())
    version = get_library_version()
    for project in projects:
        manager = CacheManager(project, version, db_path=cache_db)
        ensure_fresh_cache(project, manager, silent=True)
    print(json.dumps({"projects": len(projects), "seconds": time.perf_counter() - started, "version": version}))


if __name__ == "__main__":
    main()
