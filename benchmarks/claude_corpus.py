"""A large Claude Code corpus made from the real session files, for the import measure.

Each copy of a source file gets new ids. Every UUID in it (sessionId,
uuid, parentUuid, leafUuid and the like) is replaced by a UUID derived
from the copy number and the original. The copies therefore import as
distinct sessions whose records still link up. Copies are written until the corpus
reaches the requested size.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

CLAUDE_VERSION = 1
"""Changes whenever the copying below changes, so cached corpora are rewritten."""

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_NAMESPACE = uuid.UUID("6f1c0d1e-8a4b-4c55-9d2e-0b6c3a7e9f10")
# Copies get an old modification time, because the importer takes a file
# changed in the last minutes as a session still running (2025-07-01 UTC).
_OLD_MTIME = 1_751_328_000
FILES_PER_FOLDER = 100


def _renamed(text: str, copy: int) -> str:
    cache: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        original = match.group(0)
        new = cache.get(original)
        if new is None:
            new = str(uuid.uuid5(_NAMESPACE, f"{copy}:{original}"))
            cache[original] = new
        return new

    return _UUID.sub(replace, text)


def _session_id(text: str) -> str:
    match = re.search(r'"sessionId":"([^"]+)"', text)
    return match.group(1) if match else str(uuid.uuid4())


def replicate_corpus(sources: list[Path], target: Path, size: int) -> tuple[int, int]:
    """Write renamed copies of `sources` into `target` until `size` bytes; return (files, bytes)."""
    texts = [source.read_text(encoding="utf-8") for source in sources]
    written = 0
    files = 0
    copy = 0
    while written < size:
        for text in texts:
            renamed = _renamed(text, copy)
            folder = target / f"project-{files // FILES_PER_FOLDER:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{_session_id(renamed)}.jsonl"
            data = renamed.encode("utf-8")
            path.write_bytes(data)
            os.utime(path, (_OLD_MTIME, _OLD_MTIME))
            written += len(data)
            files += 1
            if written >= size:
                break
        copy += 1
    return files, written
