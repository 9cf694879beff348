"""Write the hostile inputs: broken databases, hostile session files, very large content.

Usage, from the repository root:

    .venv/bin/python tests/hostile/generate.py [--scale small|full] [--seed N] [--out DIR]

The output is deterministic: the same scale and seed give byte-identical
files. The tests call the functions here to write into a temporary folder
instead of reading committed files. Sizes per scale are in `content.SIZES`:
"small" (the default test run) writes a 5 MB output, a 1,000,000-character
line and a 100,000-line diff, "full" writes 50 MB, 10,000,000 characters and
1,000,000 lines.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

if __package__ in (None, ""):
    # Run as a script: make `hostile` importable from the tests folder.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hostile.content import (
    SCRIPTS_TEXT,
    SIZES,
    Scale,
    large_diff,
    large_output,
    long_line,
    nested_markdown,
    wide_table,
)
from hostile.databases import write_broken_files, write_odd_values
from hostile.sessions import WRITERS, SessionContent, escape_content

DEFAULT_SEED: Final = 20_261_201
DEFAULT_OUT: Final = Path(__file__).resolve().parent / "data"


@dataclass(slots=True)
class GeneratedFiles:
    """Paths of everything written, by name."""

    databases: dict[str, Path] = field(default_factory=dict)
    sessions: dict[str, Path] = field(default_factory=dict)
    """Hostile session files by importer format."""
    large_sessions: dict[str, Path] = field(default_factory=dict)
    content: dict[str, Path] = field(default_factory=dict)


def _plain_content(key: str, **fields: object) -> SessionContent:
    values: dict[str, object] = {
        "key": key, "prompt": f"large input: {key}", "agent_text": "done", "commands": (),
        "file_path": "src/big_module.py", "old_text": "a", "new_text": "b",
        "diff": "--- a/src/big_module.py\n+++ b/src/big_module.py\n@@ -1 +1 @@\n-a\n+b\n",
        "repo_url": "https://github.com/acme/large", "branch": "main", "model": "model-large",
    }
    values.update(fields)
    return SessionContent(**values)  # type: ignore[arg-type]


def write_content(folder: Path, scale: Scale, seed: int) -> dict[str, Path]:
    """Write the large and deeply structured texts as plain files; return their paths by name."""
    sizes = SIZES[scale]
    folder.mkdir(parents=True, exist_ok=True)
    texts: dict[str, bytes] = {
        "large-output.bin": large_output(sizes.output_bytes, seed=seed),
        "long-line.txt": long_line(sizes.line_chars, seed=seed).encode("utf-8"),
        "large.diff": large_diff(sizes.diff_lines).encode("utf-8"),
        "nested.md": nested_markdown().encode("utf-8"),
        "wide-table.md": wide_table().encode("utf-8"),
        "scripts.txt": SCRIPTS_TEXT.encode("utf-8"),
    }
    paths: dict[str, Path] = {}
    for name, data in texts.items():
        path = folder / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def write_sessions(folder: Path) -> dict[str, Path]:
    """Write one hostile session per importer format; return their paths by format."""
    folder.mkdir(parents=True, exist_ok=True)
    return {fmt: writer(folder, escape_content(f"escapes-{fmt}")) for fmt, writer in WRITERS.items()}


def write_large_sessions(folder: Path, scale: Scale, seed: int) -> dict[str, Path]:
    """Write sessions that carry the large output, the long line and the large diff."""
    sizes = SIZES[scale]
    folder.mkdir(parents=True, exist_ok=True)
    output = large_output(sizes.output_bytes, seed=seed).decode("utf-8", "replace")
    line = long_line(sizes.line_chars, seed=seed)
    return {
        "claude-code-large-output": WRITERS["claude-code"](
            folder, _plain_content("large-output", commands=(("cat build.log", output),))),
        "codex-long-line": WRITERS["codex"](
            folder, _plain_content("long-line", commands=(("cat bundle.min.js", line),))),
        "openhands-large-diff": WRITERS["openhands"](
            folder, _plain_content("large-diff", diff=large_diff(sizes.diff_lines))),
    }


async def write_databases(folder: Path, seed: int) -> dict[str, Path]:
    """Write the broken SQLite databases and the database of unusual values; return their paths by name."""
    paths = await write_broken_files(folder, seed=seed)
    odd = folder / "odd-values.db"
    odd.unlink(missing_ok=True)
    await write_odd_values(str(odd))
    paths["odd-values"] = odd
    return paths


async def generate(out: Path, scale: Scale = "small", seed: int = DEFAULT_SEED) -> GeneratedFiles:
    """Write every hostile input under `out`, in the folders databases/, sessions/, large/ and content/."""
    return GeneratedFiles(
        databases=await write_databases(out / "databases", seed),
        sessions=write_sessions(out / "sessions"),
        large_sessions=write_large_sessions(out / "large", scale, seed),
        content=write_content(out / "content", scale, seed),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SIZES), default="small",
                        help="Size of the large inputs (default: small).")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Seed of the random bytes.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"Output folder (default: {DEFAULT_OUT}).")
    arguments = parser.parse_args(argv)
    files = asyncio.run(generate(arguments.out, arguments.scale, arguments.seed))
    for group in (files.databases, files.sessions, files.large_sessions, files.content):
        for name, path in group.items():
            print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
