"""The first tasks of every demo database, which show each feature at least once.

Random draws alone could miss a status or an edit kind in a small
database, so the first `len(SHOWCASES)` tasks have a fixed status and
repository and run fixed actions in their first agent turn. Everything
else about them is random like any other task.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from shadow_tui.demo.diffs import DemoDiff, make_diff
from shadow_tui.demo.outputs import hostile_run, long_build_run, with_unknown_exit
from shadow_tui.demo.runners import CommandRun, cargo_test_run, pytest_run, vitest_run

Action = Callable[[random.Random, dict[str, str]], "CommandRun | DemoDiff"]


def _edit(language: str, kind: str) -> Action:
    def action(rng: random.Random, names: dict[str, str]) -> DemoDiff:
        return make_diff(rng, names, language, kind)

    return action


def _hostile(rng: random.Random, names: dict[str, str]) -> CommandRun:
    return hostile_run(names)


def _unknown_exit_vitest(rng: random.Random, names: dict[str, str]) -> CommandRun:
    return with_unknown_exit(vitest_run(rng, names, failing=True))


@dataclass(frozen=True, slots=True)
class Showcase:
    status: str
    repo: str
    actions: tuple[Action, ...]
    artifact_types: tuple[str, ...]
    max_age_hours: float
    """The task is created at most this many hours before `now`."""


SHOWCASES = (
    Showcase(
        status="completed",
        repo="payments-api",
        actions=(
            partial(pytest_run, failing=True, progress=True),
            _edit("python", "modified"),
            _edit("python", "added"),
            _edit("markdown", "modified"),
            partial(pytest_run, failing=False, progress=True),
        ),
        artifact_types=("report", "log"),
        max_age_hours=20,
    ),
    Showcase(
        status="error",
        repo="web-dashboard",
        actions=(
            _hostile,
            _edit("typescript", "renamed"),
            _edit("css", "deleted"),
            _edit("yaml", "modified"),
            _unknown_exit_vitest,
        ),
        artifact_types=("zip", "binary"),
        max_age_hours=40,
    ),
    Showcase(
        status="running",
        repo="search-engine",
        actions=(
            long_build_run,
            _edit("rust", "modified"),
            _edit("rust", "added"),
            _edit("sql", "added"),
            partial(cargo_test_run, failing=True),
        ),
        artifact_types=("other",),
        max_age_hours=1,
    ),
    Showcase(
        status="pending",
        repo="ingest-worker",
        actions=(),
        artifact_types=(),
        max_age_hours=0.5,
    ),
)
