"""Profile one probe under cProfile: `python -m benchmarks.profile_probe MODE [--scale large]`.

Writes the profile to benchmarks/.data/profiles/<scale>-<mode>.prof (open
it with `python -m pstats` or snakeviz) and a text summary to
benchmarks/profiles/<scale>-<mode>.txt: the 60 functions with the most
cumulative time in the main thread. Work that the app runs in
worker threads (Markdown bodies, diff rendering, splitting outputs) shows
up there only as the wait for it. The `diff`, `output` and `chat` modes
profile that work directly, on the heaviest task's rows. cProfile adds
its own cost to every Python call, so compare its times with each other,
not with the benchmark figures.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import sys
import tempfile
from pathlib import Path

from benchmarks.processes import probe_env, run_process
from benchmarks.scales import DATA_DIR, PROFILE_DIR, SCALES, database_path, scale_dir
from benchmarks.workloads import FILTER_QUERIES, SEARCH_WORDS

# The start-up probe is left out because the app can hang on exit after it, and a
# process ended by the probe's watchdog writes no profile. The `imports` mode
# records `python -X importtime` for the app and the search command instead.
PROBE_MODES = ("filters", "scroll", "search", "heavy", "memory")
DIRECT_MODES = ("diff", "output", "chat")
IMPORT_MODES = ("imports",)


def _summary(profile_path: Path, limit: int = 60) -> str:
    stream = io.StringIO()
    stats = pstats.Stats(str(profile_path), stream=stream)
    stats.sort_stats("cumulative").print_stats(limit)
    return stream.getvalue()


def _probe_params(mode: str, scale_name: str) -> dict[str, object] | None:
    if mode == "filters":
        return {"queries": list(FILTER_QUERIES)}
    if mode == "search":
        return {"words": list(SEARCH_WORDS)}
    if mode == "scroll":
        return {"rounds": 2}
    if mode in ("heavy", "memory"):
        heavy = json.loads((scale_dir(SCALES[scale_name]) / "heavy.json").read_text(encoding="utf-8"))["heavy"]
        return {"task_id": heavy["task_id"], "command_id": heavy["command_id"]}
    return None


def profile_probe(mode: str, scale_name: str, target: Path) -> None:
    """Run a probe process under cProfile, writing the profile to `target`."""
    database = database_path(SCALES[scale_name])
    with tempfile.TemporaryDirectory(prefix="shadow-profile-") as folder:
        command = [sys.executable, "-m", "cProfile", "-o", str(target), "-m", "benchmarks.probe_app", mode,
                   "--result", str(Path(folder) / "result.json"), "--db", str(database)]
        params = _probe_params(mode, scale_name)
        if params is not None:
            params_path = Path(folder) / "params.json"
            params_path.write_text(json.dumps(params), encoding="utf-8")
            command += ["--params", str(params_path)]
        run_process(command, env=probe_env(), timeout=1800)


async def _heavy_rows(scale_name: str) -> tuple[str, str, list[str]]:
    from shadow_tui.db.access import open_reader
    from shadow_tui.queries.items import load_command_output, load_edit_diff, load_messages

    heavy = json.loads((scale_dir(SCALES[scale_name]) / "heavy.json").read_text(encoding="utf-8"))["heavy"]
    async with open_reader(str(database_path(SCALES[scale_name]))) as (_target, engine):
        output = await load_command_output(engine, heavy["command_id"])
        diff = await load_edit_diff(engine, heavy["edit_id"])
        messages = await load_messages(engine, heavy["task_id"])
    return output, diff, [message.content for message in messages[:40]]


def profile_direct(mode: str, scale_name: str, target: Path) -> None:
    """Profile the rendering work that the app runs in threads, on the heaviest task's rows."""
    output, diff, contents = asyncio.run(_heavy_rows(scale_name))
    profiler = cProfile.Profile()
    if mode == "diff":
        from shadow_tui.render.diff_lazy import DiffDocument
        from shadow_tui.render.diff_parse import parse_diff
        from shadow_tui.render.diff_summary import summarize_diff

        # The Diffs tab's three steps: the summary, the parse, and the
        # document with the chunk at the top rendered.
        profiler.enable()
        summarize_diff(diff, "src/generated/tables.py")
        parsed = parse_diff(diff, "src/generated/tables.py")
        document = DiffDocument(parsed.files, side_by_side=False, width=120, highlight=True)
        for key in document.chunk_keys(0, 60):
            document.render_chunk(key)
        profiler.disable()
    elif mode == "output":
        from shadow_tui.render.terminal import TerminalDocument

        profiler.enable()
        TerminalDocument(output)
        profiler.disable()
    else:
        from shadow_tui.tui.widgets.message_render import render_body

        profiler.enable()
        for content in contents:
            render_body(content, 118)
        profiler.disable()
    profiler.dump_stats(str(target))


def profile_imports(scale_name: str) -> list[Path]:
    """Write `python -X importtime` of the app and of `shadow-tui search` to benchmarks/profiles/."""
    database = database_path(SCALES[scale_name])
    commands = {
        "importtime-tui-app.txt": [sys.executable, "-X", "importtime", "-c", "import shadow_tui.tui.app"],
        # The console script, as the search measure runs it.
        "importtime-cli-search.txt": [sys.executable, "-X", "importtime", str(Path(sys.executable).with_name("shadow-tui")),
                                      "search", "timeout", "--db", str(database), "--format", "json"],
    }
    written = []
    for name, command in commands.items():
        run = run_process(command, env=probe_env(), check=False)
        target = PROFILE_DIR / name
        target.write_text(run.stderr, encoding="utf-8")
        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_probe")
    parser.add_argument("mode", choices=PROBE_MODES + DIRECT_MODES + IMPORT_MODES)
    parser.add_argument("--scale", choices=tuple(SCALES), default="large")
    args = parser.parse_args()
    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    (DATA_DIR / "profiles").mkdir(parents=True, exist_ok=True)
    if args.mode in IMPORT_MODES:
        for path in profile_imports(args.scale):
            print(path)
        return
    target = DATA_DIR / "profiles" / f"{args.scale}-{args.mode}.prof"
    if args.mode in PROBE_MODES:
        profile_probe(args.mode, args.scale, target)
    else:
        profile_direct(args.mode, args.scale, target)
    summary = PROFILE_DIR / f"{args.scale}-{args.mode}.txt"
    summary.write_text(_summary(target), encoding="utf-8")
    print(summary)


if __name__ == "__main__":
    main()
