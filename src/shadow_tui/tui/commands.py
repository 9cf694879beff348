"""Command palette (ctrl+p): jump to a task, toggle status filters, switch theme.

Task jumps match the typed text against a bounded list of recent tasks
(fuzzy, with rapidfuzz) and against task ids that start with it (read
from the database), so any task is reachable by id prefix.

The palette renders `Hit.help` as Textual markup, so help strings here
are fixed words and never contain data. Data goes into `Text` prompts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, timezone
from functools import partial
from typing import TYPE_CHECKING

from rapidfuzz import fuzz
from rich.text import Text
from sqlalchemy.exc import DBAPIError
from textual.command import DiscoveryHit, Hit, Hits, Provider

from shadow_tui.errors import ShadowTuiError
from shadow_tui.queries.filter import TaskFilter
from shadow_tui.queries.records import TaskRow
from shadow_tui.queries.tasks import fetch_task_page
from shadow_tui.tui.widgets.task_columns import STATUS_NAMES, format_relative, short_repo, task_label

if TYPE_CHECKING:
    from shadow_tui.tui.screens.main import MainScreen

logger = logging.getLogger(__name__)

# Recent tasks matched fuzzily; older ones are found by id prefix.
CANDIDATE_TASKS = 500
ID_PREFIX_MATCHES = 20
# Fuzzy scores (0-100) below this are not shown.
MIN_FUZZY_SCORE = 60
_ID_LIKE = re.compile(r"^[0-9A-Za-z_-]{3,}$")


def task_prompt(task: TaskRow, now: datetime) -> Text:
    """Render a task as a palette entry: id and title, then repo, status and age."""
    prompt = Text(no_wrap=True, overflow="ellipsis", end="")
    prompt.append(task.task_id[:8], style="bold")
    prompt.append("  ")
    prompt.append(task_label(task))
    details = " · ".join(
        part for part in (short_repo(task.repo_url), task.status, format_relative(task.created_at, now)) if part
    )
    prompt.append(f"\n{details}", style="dim")
    return prompt


def task_score(query: str, task: TaskRow) -> float:
    """Score a task against typed text, 0 to 1: an id prefix scores highest."""
    lowered = query.lower().strip()
    if not lowered:
        return 0.0
    if task.task_id.lower().startswith(lowered):
        return 1.0
    fields = [task_label(task), short_repo(task.repo_url), task.task_id]
    best = max(fuzz.partial_ratio(lowered, field.lower()) for field in fields if field)
    return best / 100 if best >= MIN_FUZZY_SCORE else 0.0


class ShadowCommands(Provider):
    """Tasks, status filters and themes for the command palette."""

    async def startup(self) -> None:
        self.candidates: list[TaskRow] = []
        engine = getattr(self.app, "engine", None)
        if engine is None:
            return
        try:
            page = await fetch_task_page(engine, TaskFilter(), limit=CANDIDATE_TASKS)
        except (ShadowTuiError, DBAPIError, OSError) as error:
            logger.warning("Command palette: cannot load recent tasks: %s", error)
            return
        self.candidates = page.rows

    def _main_screen(self) -> MainScreen | None:
        from shadow_tui.tui.screens.main import MainScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _now(self) -> datetime:
        clock = getattr(self.app, "clock", None)
        return clock() if callable(clock) else datetime.now(timezone.utc)

    def _open(self, task: TaskRow) -> None:
        main = self._main_screen()
        if main is not None:
            main.open_task(task)

    def _toggle(self, status: str) -> None:
        main = self._main_screen()
        if main is not None:
            main.action_toggle_status(status)

    def _set_theme(self, name: str) -> None:
        self.app.theme = name

    def _fixed_commands(self) -> list[tuple[str, Callable[[], None], str]]:
        commands: list[tuple[str, Callable[[], None], str]] = [
            (f"Filter: toggle status {status}", partial(self._toggle, status), "Add or remove it in the query")
            for status in STATUS_NAMES
        ]
        commands += [
            (f"Theme: {name}", partial(self._set_theme, name), "Switch theme and save it in the config file")
            for name in sorted(self.app.available_themes)
        ]
        return commands

    async def _tasks_by_id(self, prefix: str) -> list[TaskRow]:
        engine = getattr(self.app, "engine", None)
        if engine is None or not _ID_LIKE.match(prefix):
            return []
        try:
            page = await fetch_task_page(engine, TaskFilter(ids=(prefix,)), limit=ID_PREFIX_MATCHES)
        except (ShadowTuiError, DBAPIError, OSError) as error:
            logger.warning("Command palette: cannot look up task id %r: %s", prefix, error)
            return []
        return [task for task in page.rows if task.task_id.lower().startswith(prefix.lower())]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._fixed_commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, text=text, help=help_text)

        now = self._now()
        seen: set[str] = set()
        for task in await self._tasks_by_id(query.strip()):
            seen.add(task.task_id)
            yield Hit(1.0, task_prompt(task, now), partial(self._open, task), text=task.task_id, help="Open this task")
        for task in self.candidates:
            if task.task_id in seen:
                continue
            score = task_score(query, task)
            if score > 0:
                yield Hit(score, task_prompt(task, now), partial(self._open, task), text=task.task_id, help="Open this task")

    async def discover(self) -> Hits:
        for text, command, help_text in self._fixed_commands()[: len(STATUS_NAMES)]:
            yield DiscoveryHit(text, command, text=text, help=help_text)
        now = self._now()
        for task in self.candidates[:10]:
            yield DiscoveryHit(task_prompt(task, now), partial(self._open, task), text=task.task_id, help="Open this task")
