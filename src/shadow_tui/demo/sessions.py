"""One demo session: its status, timeline, chat, commands, edits and artifacts.

Every value comes from the `random.Random` passed in, so the same generator
state and the same `now` build the same session. Events are laid out as
offsets in seconds from the task's creation and turned into timestamps once
the whole timeline is known, because a running task must end before `now`.
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shadow_tui.db.writer import (
    ArtifactData, CommandData, EditData, MessageData, SessionData, TaskData, UserData,
)
from shadow_tui.demo import content
from shadow_tui.demo.catalog import (
    ERROR_MESSAGES, MODELS, NOUNS, REPOS, TASK_KIND_WEIGHTS, TITLES, USERS, DemoModel, DemoRepo,
)
from shadow_tui.demo.diffs import DemoDiff, make_diff
from shadow_tui.demo.files import SHARED_LANGUAGES
from shadow_tui.demo.outputs import (
    UNKNOWN_EXIT_SHARE, git_run, lint_run, shell_run, timed_out_run, with_unknown_exit,
)
from shadow_tui.demo.runners import CommandRun, run_test_suite
from shadow_tui.demo.showcase import SHOWCASES, Showcase

# Ids use the 64 characters of nanoid's URL-safe alphabet (A-Z, a-z, 0-9, `_` and `-`).
# Like nanoid's default ids they are 21 characters long, which carry 126 random bits.
ID_ALPHABET = string.ascii_letters + string.digits + "_-"
ID_LENGTH = 21

HISTORY_DAYS = 90
"""Tasks are created within this many days before `now`."""

STATUS_WEIGHTS = {"completed": 86, "error": 10, "running": 2, "pending": 2}

# Relative number of tasks started in each UTC hour of the day.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 10, 8, 10, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1)

# Share of started tasks whose source recorded no token usage.
NO_USAGE_SHARE = 0.08

ARTIFACT_WEIGHTS = {"log": 40, "report": 25, "zip": 15, "binary": 10, "other": 10}
ARTIFACT_NAMES = {
    "log": ("agent-run.log", "pytest-output.log", "build.log"),
    "report": ("coverage.html", "junit.xml", "lighthouse-report.html"),
    "zip": ("workspace.zip", "build-output.zip"),
    "binary": ("server-linux-amd64", "app.wasm"),
    "other": ("screenshot.png", "trace.json", "flamegraph.svg"),
}

_EDIT_KIND_WEIGHTS = {"modified": 75, "added": 14, "deleted": 4, "renamed": 7}
_BRANCH_STOP_WORDS = frozenset({"a", "an", "the", "that", "to", "in", "of", "for", "by", "and", "on",
                                "when", "has", "no", "into", "one", "with", "new"})
_REPOS_BY_NAME = {repo.name: repo for repo in REPOS}


def new_id(rng: random.Random) -> str:
    """Draw a nanoid-style id: 21 characters of A-Z, a-z, 0-9, `_` and `-`."""
    bits = rng.getrandbits(6 * ID_LENGTH)
    characters = []
    for _ in range(ID_LENGTH):
        characters.append(ID_ALPHABET[bits & 63])
        bits >>= 6
    return "".join(characters)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]


@dataclass(frozen=True, slots=True)
class DemoPerson:
    user: UserData
    last_login_at: datetime
    weight: int


def build_people(now: datetime) -> list[DemoPerson]:
    """Build the demo users. Their ids depend only on the username, never on the seed."""
    people = []
    for spec in USERS:
        rng = random.Random(f"shadow-tui-demo-user:{spec.username}")
        created = now - timedelta(days=HISTORY_DAYS + rng.randint(10, 400), seconds=rng.randrange(86_400))
        user = UserData(new_id(rng), spec.email, spec.username, spec.display_name, created)
        last_login = now - timedelta(seconds=rng.randrange(60, 3 * 86_400))
        people.append(DemoPerson(user, last_login, spec.weight))
    return people


@dataclass(slots=True)
class _Timeline:
    """Events of one task as offsets in seconds from its creation."""

    offset: float = 0.0
    messages: list[tuple[float, str, str]] = field(default_factory=list)
    commands: list[tuple[float, CommandRun]] = field(default_factory=list)
    edits: list[tuple[float, DemoDiff]] = field(default_factory=list)
    artifacts: list[tuple[float, str, str]] = field(default_factory=list)

    def wait(self, seconds: float) -> None:
        self.offset += max(seconds, 0.001)

    def message(self, sender: str, text: str) -> None:
        self.messages.append((self.offset, sender, text))
        self.wait(0.001)

    def action(self, item: CommandRun | DemoDiff) -> None:
        if isinstance(item, CommandRun):
            self.commands.append((self.offset, item))
            self.wait(item.duration_seconds or 1.0)
        else:
            self.edits.append((self.offset, item))
            self.wait(0.001)


def _random_command(rng: random.Random, names: dict[str, str], language: str) -> CommandRun:
    draw = rng.random()
    if draw < 0.38:
        run = run_test_suite(rng, names, language, failing=rng.random() < 0.3)
    elif draw < 0.55:
        run = lint_run(rng, names, language, failing=rng.random() < 0.25)
    elif draw < 0.78:
        run = git_run(rng, names)
    elif draw < 0.99:
        run = shell_run(rng, names)
    else:
        run = timed_out_run(rng, names)
    if rng.random() < UNKNOWN_EXIT_SHARE:
        run = with_unknown_exit(run)
    return run


def _random_edit(rng: random.Random, names: dict[str, str], language: str) -> DemoDiff:
    if rng.random() < 0.15:
        language = rng.choice(SHARED_LANGUAGES)
    return make_diff(rng, names, language, _pick(rng, _EDIT_KIND_WEIGHTS))


def _turn_count(rng: random.Random, status: str, showcase: Showcase | None) -> int:
    if status == "pending":
        return 0
    if status in ("error", "running"):
        count = rng.randint(1, 8)
    else:
        count = rng.randint(4, 19)
    if showcase is not None and showcase.actions:
        count = max(count, 2)
    return count


def _agent_reply(rng: random.Random, names: dict[str, str], language: str, edited: bool) -> str:
    draw = rng.random()
    if edited:
        if draw < 0.6:
            return content.finding_message(rng, names, language)
        return content.progress_message(rng, names)
    if draw < 0.5:
        return content.progress_message(rng, names)
    return content.finding_message(rng, names, language)


def _play_turns(rng: random.Random, timeline: _Timeline, names: dict[str, str], repo: DemoRepo,
                status: str, showcase: Showcase | None) -> None:
    """Add the chat, commands and edits of every turn after the opening prompt."""
    turns = _turn_count(rng, status, showcase)
    follow_ups = content.follow_ups(rng, names, max(turns - 1, 0))
    answer_kind = "any"
    for turn in range(turns):
        last = turn == turns - 1
        if turn > 0:
            text, answer_kind = follow_ups[turn - 1]
            timeline.wait(rng.uniform(20, 900))
            timeline.message("user", text)
        actions: list[CommandRun | DemoDiff] = []
        if turn > 0:
            for _ in range(rng.choices((0, 1, 2, 3), weights=(55, 30, 12, 3))[0]):
                actions.append(_random_command(rng, names, repo.language))
            for _ in range(rng.choices((0, 1, 2), weights=(74, 20, 6))[0]):
                actions.append(_random_edit(rng, names, repo.language))
            rng.shuffle(actions)
        if turn == 1 and showcase is not None:
            actions = [make(rng, names) for make in showcase.actions] + actions
        for item in actions:
            timeline.wait(rng.uniform(3, 40))
            timeline.action(item)

        if last and status == "running" and rng.random() < 0.5:
            return  # The agent is still working on its reply.
        timeline.wait(rng.uniform(5, 120))
        if turn == 0:
            reply = content.plan_message(rng, names)
        elif last and status == "completed":
            reply = content.summary_message(rng, names, passed=rng.randint(12, 480))
        elif last and status == "error":
            reply = content.error_reply(rng, names)
        elif answer_kind == "explain":
            reply = content.explanation_message(rng, names, repo.language)
        elif answer_kind == "sql":
            reply = content.finding_message(rng, names, repo.language, fence="sql")
        else:
            edited = any(isinstance(item, DemoDiff) for item in actions)
            reply = _agent_reply(rng, names, repo.language, edited)
        timeline.message("agent", reply)


def _add_artifacts(rng: random.Random, timeline: _Timeline, task_id: str, status: str,
                   showcase: Showcase | None) -> None:
    if showcase is not None:
        types = list(showcase.artifact_types)
    elif status == "completed":
        types = [_pick(rng, ARTIFACT_WEIGHTS) for _ in range(rng.choices((0, 1, 2, 3), (25, 40, 25, 10))[0])]
    elif status == "error" and rng.random() < 0.7:
        types = ["log"]
    else:
        types = []
    for kind in types:
        timeline.wait(rng.uniform(1, 20))
        name = rng.choice(ARTIFACT_NAMES[kind])
        timeline.artifacts.append((timeline.offset, kind, f"s3://shadow-artifacts/{task_id}/{name}"))


def _place(
    rng: random.Random, now: datetime, span: float, status: str, showcase: Showcase | None
) -> datetime:
    """Choose the creation time so that the task's last event falls before `now`."""
    end_margin = timedelta(seconds=span + rng.uniform(5, 600))
    if status in ("running", "pending"):
        max_age = showcase.max_age_hours * 3600 if showcase else 6 * 3600
        return now - end_margin - timedelta(seconds=rng.uniform(0, max_age))
    if showcase is not None:
        return now - end_margin - timedelta(seconds=rng.uniform(0, showcase.max_age_hours * 3600))
    day = rng.randrange(HISTORY_DAYS - 1)
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    midnight = (now - timedelta(days=day)).replace(hour=0, minute=0, second=0, microsecond=0)
    created = midnight + timedelta(hours=hour, seconds=rng.uniform(0, 3600))
    while created + end_margin > now:
        created -= timedelta(days=1)
    return created


def _branch(rng: random.Random, kind: str, title: str) -> str:
    if rng.random() < 0.12:
        return "main"
    words = [word for word in title.lower().replace("-", " ").split()[1:]
             if word.isalnum() and word not in _BRANCH_STOP_WORDS]
    return f"{TITLES[kind][0]}/{'-'.join(words[:4])}"


def _usage(rng: random.Random, model: DemoModel, turns: int) -> tuple[int | None, int | None, float | None]:
    if turns == 0 or rng.random() < NO_USAGE_SHARE:
        return None, None, None
    input_tokens = turns * rng.randint(12_000, 45_000)
    output_tokens = turns * rng.randint(600, 3_500)
    cost = (input_tokens * model.input_usd_per_million + output_tokens * model.output_usd_per_million) / 1e6
    return input_tokens, output_tokens, round(cost, 4)


def build_session(rng: random.Random, index: int, people: Sequence[DemoPerson], now: datetime,
                  source_ref: str) -> SessionData:
    """Build task number `index` of a demo database with all its rows."""
    showcase = SHOWCASES[index] if index < len(SHOWCASES) else None
    status = showcase.status if showcase else _pick(rng, STATUS_WEIGHTS)
    repo = _REPOS_BY_NAME[showcase.repo] if showcase else rng.choices(REPOS, [r.weight for r in REPOS])[0]
    person = rng.choices(people, [p.weight for p in people])[0]
    model = rng.choices(MODELS, [m.weight for m in MODELS])[0]
    kind = _pick(rng, TASK_KIND_WEIGHTS)
    noun = rng.choice(NOUNS)
    title = content.fill(rng.choice(TITLES[kind][1]), {"noun": noun, "nouns": noun + "s"})
    branch = _branch(rng, kind, title)
    names = content.task_names(repo, noun, branch, title)
    task_id = new_id(rng)

    timeline = _Timeline()
    timeline.message("user", content.first_prompt(rng, names))
    start_delay = rng.uniform(2, 180)
    timeline.wait(start_delay)
    _play_turns(rng, timeline, names, repo, status, showcase)
    _add_artifacts(rng, timeline, task_id, status, showcase)
    span = timeline.offset + rng.uniform(1, 10) if status in ("completed", "error") else timeline.offset
    created = _place(rng, now, span, status, showcase)

    def at(offset: float) -> datetime:
        return created + timedelta(seconds=offset)

    agent_turns = sum(1 for _, sender, _ in timeline.messages if sender == "agent")
    input_tokens, output_tokens, cost = _usage(rng, model, agent_turns)
    task = TaskData(
        task_id=task_id, user=person.user, created_at=created, status=status, repo_url=repo.url,
        branch=branch, model_name=model.name,
        started_at=None if status == "pending" else at(start_delay),
        completed_at=at(span) if status in ("completed", "error") else None,
        error_message=rng.choice(ERROR_MESSAGES) if status == "error" else None,
        title=title, source="demo", source_ref=source_ref,
        input_tokens=input_tokens, output_tokens=output_tokens, cost_usd=cost,
    )
    messages = [MessageData(new_id(rng), sender, text, at(offset), sequence)
                for sequence, (offset, sender, text) in enumerate(timeline.messages)]
    commands = [CommandData(new_id(rng), run.command_text, run.output, at(offset), run.exit_code,
                            run.duration_seconds) for offset, run in timeline.commands]
    edits = [EditData(new_id(rng), diff.file_path, diff.diff, at(offset)) for offset, diff in timeline.edits]
    artifacts = [ArtifactData(new_id(rng), kind, url, at(offset)) for offset, kind, url in timeline.artifacts]
    return SessionData(task, messages, commands, edits, artifacts)
