"""Test-runner outputs for the demo sessions, with the colours each tool prints.

The escape sequences imitate what pytest, pytest-sugar, vitest, cargo,
go test, dbt, markdownlint and yamllint write to a colour terminal. The
numbers in them are drawn at random.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
RED = "\x1b[31m"
GREEN = "\x1b[32m"
YELLOW = "\x1b[33m"
CYAN = "\x1b[36m"
GRAY = "\x1b[90m"

_SUGAR_BAR_WIDTH = 10
_SUGAR_BLOCKS = " ▏▎▍▌▋▊▉"


@dataclass(frozen=True, slots=True)
class CommandRun:
    """One command as the agent ran it."""

    command_text: str
    output: str
    exit_code: int | None
    duration_seconds: float | None


def _duration(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 3)


def _test_names(names: dict[str, str], count: int) -> list[str]:
    stems = (
        "returns_every_page", "handles_empty_list", "rejects_unknown_tenant",
        "retries_on_timeout", "keeps_order", "skips_archived", "parses_cursor",
        "logs_skipped_rows", "respects_limit", "is_idempotent",
    )
    return [f"{names['noun']}_{stems[index % len(stems)]}" for index in range(count)]


def _sugar_bar(fraction: float) -> str:
    eighths = round(fraction * _SUGAR_BAR_WIDTH * 8)
    full, part = divmod(eighths, 8)
    bar = "█" * full + (_SUGAR_BLOCKS[part] if part else "")
    return bar.ljust(_SUGAR_BAR_WIDTH)


def pytest_run(rng: random.Random, names: dict[str, str], *, failing: bool, progress: bool) -> CommandRun:
    """Build a pytest run.

    With `progress`, the output is pytest-sugar's, which redraws its progress bar
    with carriage returns.
    """
    files = [names["test_file"], "tests/test_api.py", "tests/test_models.py"]
    per_file = [rng.randint(4, 18) for _ in files]
    total = sum(per_file)
    failed_test = _test_names(names, 3)[rng.randrange(3)] if failing else ""
    failed_file = files[0]
    seconds = _duration(rng, 0.8, 25.0)
    header = "platform linux -- Python 3.11.9, pytest-8.3.3, pluggy-1.5.0"
    lines = [f"rootdir: /workspace/{names['repo']}", "configfile: pyproject.toml"]

    body: list[str] = []
    done = 0
    for file_index, (path, count) in enumerate(zip(files, per_file)):
        failing_index = rng.randrange(count) if failing and file_index == 0 else -1
        if progress:
            marks = ""
            frames: list[str] = []
            for index in range(count):
                marks += f"{RED}⨯{RESET}" if index == failing_index else f"{GREEN}✓{RESET}"
                done += 1
                percent = done * 100 // total
                frames.append(f" {path} {marks} {percent:>3}% {GREEN}{_sugar_bar(done / total)}{RESET}")
            body.append("\r" + "\r".join(frames))
        else:
            dots = "".join(
                f"{RED}F{RESET}" if index == failing_index else f"{GREEN}.{RESET}" for index in range(count)
            )
            done += count
            body.append(f"{path} {dots}{GREEN} [{done * 100 // total:>3}%]{RESET}")

    if progress:
        first = f"Test session starts (platform: linux, Python 3.11.9, pytest 8.3.3, pytest-sugar 1.0.0)"
        lines = [first, *lines, "plugins: sugar-1.0.0, asyncio-0.24.0", ""]
    else:
        rule = "=" * 29
        lines = [f"{BOLD}{rule} test session starts {rule}{RESET}", header, *lines,
                 f"{BOLD}collected {total} items{RESET}", ""]
    lines += body
    lines.append("")

    passed = total - (1 if failing else 0)
    if failing:
        lines += [
            f"{RED}{BOLD}{'_' * 20} test_{failed_test} {'_' * 20}{RESET}",
            "",
            f"    def test_{failed_test}(fake_client):",
            f"        fake_client.add_{names['nouns']}(101)",
            f"        result = {names['func']}(fake_client, page_size=50)",
            ">       assert len(result) == 101",
            f"{BOLD}{RED}E       assert 100 == 101{RESET}",
            f"{BOLD}{RED}E        +  where 100 = len([<{names['Noun']} id=1>, ...]){RESET}",
            "",
            f"{BOLD}{RED}{failed_file}{RESET}:{rng.randint(20, 140)}: AssertionError",
            f"{CYAN}{BOLD}{'=' * 27} short test summary info {'=' * 27}{RESET}",
            f"{RED}FAILED{RESET} {failed_file}::{BOLD}test_{failed_test}{RESET} - assert 100 == 101",
            f"{RED}{'=' * 25} {RED}{BOLD}1 failed{RESET}, {GREEN}{passed} passed{RESET}{RED} "
            f"in {seconds:.2f}s {'=' * 25}{RESET}",
        ]
    else:
        lines.append(f"{GREEN}{'=' * 30} {GREEN}{BOLD}{passed} passed{RESET}{GREEN} in {seconds:.2f}s "
                     f"{'=' * 30}{RESET}")
    command = "pytest" if progress else rng.choice(("pytest -q", "pytest", f"pytest {names['test_file']}"))
    return CommandRun(command, "\n".join(lines) + "\n", 1 if failing else 0, seconds)


def vitest_run(rng: random.Random, names: dict[str, str], *, failing: bool) -> CommandRun:
    files = [names["test_file"], "src/lib/format.test.ts", "src/hooks/useSession.test.ts"]
    counts = [rng.randint(3, 15) for _ in files]
    millis = [rng.randint(4, 90) for _ in files]
    lines = [f"\x1b[7m{BOLD}{CYAN} RUN \x1b[39m\x1b[22m\x1b[27m {CYAN}v2.1.4 \x1b[39m"
             f"{GRAY}/workspace/{names['repo']}\x1b[39m", ""]
    for index, (path, count, ms) in enumerate(zip(files, counts, millis)):
        mark = f"{RED}❯\x1b[39m" if failing and index == 0 else f"{GREEN}✓\x1b[39m"
        lines.append(f" {mark} {path} \x1b[2m({count} tests)\x1b[22m{GRAY} {ms}ms\x1b[39m")
        if failing and index == 0:
            lines.append(f"   {RED}×\x1b[39m {names['func']} > returns an empty page when there are no "
                         f"{names['nouns']}")
    total = sum(counts)
    seconds = _duration(rng, 0.6, 9.0)
    if failing:
        lines += [
            "",
            f"{RED}⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯\x1b[39m",
            "",
            f"{RED}{BOLD} FAIL \x1b[22m\x1b[39m {files[0]} > {names['func']} > returns an empty page",
            f"{RED}{BOLD}AssertionError\x1b[22m: expected {{ items: [ {{}} ], next: null }} to deeply equal "
            f"{{ items: [], next: null }}\x1b[39m",
            "",
            f"\x1b[2m Test Files \x1b[22m {BOLD}{RED}1 failed\x1b[39m\x1b[22m\x1b[2m | \x1b[22m"
            f"{BOLD}{GREEN}{len(files) - 1} passed\x1b[39m\x1b[22m{GRAY} ({len(files)})\x1b[39m",
            f"\x1b[2m      Tests \x1b[22m {BOLD}{RED}1 failed\x1b[39m\x1b[22m\x1b[2m | \x1b[22m"
            f"{BOLD}{GREEN}{total - 1} passed\x1b[39m\x1b[22m{GRAY} ({total})\x1b[39m",
        ]
    else:
        lines += [
            "",
            f"\x1b[2m Test Files \x1b[22m {BOLD}{GREEN}{len(files)} passed\x1b[39m\x1b[22m"
            f"{GRAY} ({len(files)})\x1b[39m",
            f"\x1b[2m      Tests \x1b[22m {BOLD}{GREEN}{total} passed\x1b[39m\x1b[22m"
            f"{GRAY} ({total})\x1b[39m",
        ]
    lines.append(f"\x1b[2m   Duration \x1b[22m {seconds:.2f}s")
    return CommandRun("npm test", "\n".join(lines) + "\n", 1 if failing else 0, seconds)


def cargo_test_run(rng: random.Random, names: dict[str, str], *, failing: bool) -> CommandRun:
    tests = _test_names(names, rng.randint(5, 10))
    failed = rng.choice(tests) if failing else ""
    seconds = _duration(rng, 3.0, 80.0)
    label = f"{BOLD}{GREEN}"
    lines = [
        f"{label}   Compiling{RESET} {names['repo']} v0.4.2 (/workspace/{names['repo']})",
        f"{label}    Finished{RESET} `test` profile [unoptimized + debuginfo] target(s) "
        f"in {seconds - 0.4:.2f}s",
        f"{label}     Running{RESET} tests/{names['noun']}_test.rs "
        f"(target/debug/deps/{names['noun']}_test-{rng.getrandbits(64):016x})",
        "",
        f"running {len(tests)} tests",
    ]
    for test in tests:
        verdict = f"{RED}FAILED{RESET}" if test == failed else f"{GREEN}ok{RESET}"
        lines.append(f"test {test} ... {verdict}")
    lines.append("")
    if failing:
        lines += [
            "failures:", "", f"---- {failed} stdout ----",
            f"thread '{failed}' panicked at tests/{names['noun']}_test.rs:{rng.randint(10, 90)}:5:",
            "assertion `left == right` failed", "  left: 2", " right: 3",
            "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace", "",
            "failures:", f"    {failed}", "",
            f"test result: {RED}FAILED{RESET}. {len(tests) - 1} passed; 1 failed; 0 ignored; 0 measured; "
            f"0 filtered out; finished in 0.{rng.randint(10, 99)}s",
            "",
            f"{BOLD}{RED}error{RESET}{BOLD}:{RESET} test failed, to rerun pass `--test {names['noun']}_test`",
        ]
    else:
        lines.append(f"test result: {GREEN}ok{RESET}. {len(tests)} passed; 0 failed; 0 ignored; 0 measured; "
                     f"0 filtered out; finished in 0.{rng.randint(10, 99)}s")
    return CommandRun("cargo test", "\n".join(lines) + "\n", 101 if failing else 0, seconds)


def go_test_run(rng: random.Random, names: dict[str, str], *, failing: bool) -> CommandRun:
    module = f"github.com/acme/{names['repo']}"
    packages = [f"internal/{names['noun']}", "internal/store", "internal/httpapi", "cmd/server"]
    seconds = _duration(rng, 1.0, 40.0)
    lines: list[str] = []
    for index, package in enumerate(packages):
        if failing and index == 0:
            lines += [
                f"--- FAIL: Test{names['func']}Empty (0.00s)",
                f"    {names['noun']}_test.go:{rng.randint(12, 80)}: got 3 {names['nouns']}, want 0",
                "FAIL",
                f"FAIL\t{module}/{package}\t{rng.uniform(0.1, 2.0):.3f}s",
            ]
        elif package.startswith("cmd/"):
            lines.append(f"?   \t{module}/{package}\t[no test files]")
        else:
            lines.append(f"ok  \t{module}/{package}\t{rng.uniform(0.1, 2.0):.3f}s")
    if failing:
        lines.append("FAIL")
    return CommandRun("go test ./...", "\n".join(lines) + "\n", 1 if failing else 0, seconds)


def dbt_test_run(rng: random.Random, names: dict[str, str], *, failing: bool) -> CommandRun:
    checks = [f"unique_{names['nouns']}_id", f"not_null_{names['nouns']}_id",
              f"assert_{names['nouns']}_unique", f"relationships_{names['nouns']}_customer_id"]
    clock = f"{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:{rng.randint(10, 50):02d}"
    lines = [f"{clock}  Running with dbt=1.8.7", f"{clock}  Found 42 models, {len(checks)} data tests"]
    for index, check in enumerate(checks, start=1):
        if failing and index == 2:
            verdict = f"[{RED}FAIL 3{RESET} in 0.{rng.randint(10, 99)}s]"
        else:
            verdict = f"[{GREEN}PASS{RESET} in 0.{rng.randint(10, 99)}s]"
        lines.append(f"{clock}  {index} of {len(checks)} {check} {'.' * (40 - len(check))} {verdict}")
    errors = 1 if failing else 0
    if failing:
        lines.append(f"{clock}  {RED}Failure in test {checks[1]} (models/schema.yml){RESET}")
    lines.append(f"{clock}  Done. PASS={len(checks) - errors} WARN=0 ERROR={errors} SKIP=0 "
                 f"TOTAL={len(checks)}")
    return CommandRun("dbt test", "\n".join(lines) + "\n", 1 if failing else 0, _duration(rng, 2.0, 30.0))


def doc_lint_run(rng: random.Random, names: dict[str, str], language: str, *, failing: bool) -> CommandRun:
    """Build a markdownlint or yamllint run, the test command of docs and infra repositories."""
    if language == "markdown":
        command = "npx markdownlint-cli2 docs"
        lines = ["markdownlint-cli2 v0.14.0 (markdownlint v0.35.0)", "Finding: docs/**/*.md",
                 f"Linting: {rng.randint(12, 60)} file(s)"]
        if failing:
            lines += [f"Summary: 2 error(s)",
                      f"{names['file']}:{rng.randint(5, 90)} MD013/line-length Line length "
                      f"[Expected: 100; Actual: {rng.randint(101, 160)}]",
                      f"{names['file']}:{rng.randint(5, 90)} MD040/fenced-code-language Fenced code "
                      "blocks should have a language specified"]
        else:
            lines.append("Summary: 0 error(s)")
    else:
        command = "yamllint ."
        lines = []
        if failing:
            lines = [f"\x1b[4m{names['file']}\x1b[0m",
                     f"  {rng.randint(3, 60)}:81     {YELLOW}warning{RESET}  line too long "
                     f"({rng.randint(81, 120)} > 80 characters)  \x1b[2m(line-length)\x1b[0m",
                     f"  {rng.randint(3, 60)}:1      {RED}error{RESET}    trailing spaces  "
                     "\x1b[2m(trailing-spaces)\x1b[0m", ""]
    output = "\n".join(lines) + "\n" if lines else ""
    return CommandRun(command, output, 1 if failing else 0, _duration(rng, 0.3, 4.0))


def run_test_suite(
    rng: random.Random, names: dict[str, str], language: str, *, failing: bool
) -> CommandRun:
    """Build a run of the repository's test command, passing or failing."""
    if language == "python":
        return pytest_run(rng, names, failing=failing, progress=rng.random() < 0.2)
    if language in ("typescript", "css"):
        return vitest_run(rng, names, failing=failing)
    if language == "rust":
        return cargo_test_run(rng, names, failing=failing)
    if language == "go":
        return go_test_run(rng, names, failing=failing)
    if language == "sql":
        return dbt_test_run(rng, names, failing=failing)
    return doc_lint_run(rng, names, language, failing=failing)
