"""The detail area: a header line, six tabs of task panes, and the find bar.

Only the active tab loads the task, and another tab loads it when it is
activated. Moving through the list so reads one pane's rows at a time.
The initial tab's pane is mounted right after the first frame, the other
panes in idle time after it or when their tab is first shown, so that
frame neither imports nor styles any pane.
"""

from __future__ import annotations

import importlib
import logging

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widget import AwaitMount, Widget
from textual.widgets import Static, TabbedContent, TabPane

from shadow_tui.queries.records import TaskRow
from shadow_tui.render.terminal import sanitize_inline
from shadow_tui.tui.messages import FindClosed, FindFinished, FindRequested
from shadow_tui.tui.panes.base import Findable, OpenItem, TaskPane
from shadow_tui.tui.widgets.find_bar import FindBar
from shadow_tui.tui.widgets.summary import OTHER_STATUS_STYLE, STATUS_STYLES
from shadow_tui.tui.widgets.task_list import LIVE_STATUSES
from shadow_tui.tui.widgets.task_columns import format_absolute, format_duration, short_repo, task_label

logger = logging.getLogger(__name__)

# Tab id, label and the pane class as "module:class", in the order of the 1-6 keys.
TABS: tuple[tuple[str, str, str], ...] = (
    ("timeline", "Timeline", "shadow_tui.tui.panes.timeline:TimelinePane"),
    ("chat", "Chat", "shadow_tui.tui.panes.chat:ChatPane"),
    ("commands", "Commands", "shadow_tui.tui.panes.commands:CommandsPane"),
    ("diffs", "Diffs", "shadow_tui.tui.panes.diffs:DiffsPane"),
    ("artifacts", "Artifacts", "shadow_tui.tui.panes.artifacts:ArtifactsPane"),
    ("info", "Info", "shadow_tui.tui.panes.info:InfoPane"),
)
INITIAL_TAB = "timeline"
# Seconds after the first frame before the panes of the other tabs are mounted.
PREMOUNT_DELAY_SECONDS = 0.5
# The tab that shows each kind of item (search hits and Timeline rows).
TAB_FOR_KIND = {
    "message": "chat",
    "command": "commands",
    "output": "commands",
    "edit": "diffs",
    "diff": "diffs",
}


def pane_class(key: str) -> type[TaskPane]:
    """Import and return the pane class of a tab id from TABS."""
    for tab_key, _label, location in TABS:
        if tab_key == key:
            module_name, _colon, class_name = location.partition(":")
            pane_type: type[TaskPane] = getattr(importlib.import_module(module_name), class_name)
            return pane_type
    raise KeyError(f"unknown detail tab {key!r}; expected one of {', '.join(tab[0] for tab in TABS)}")


def task_header(task: TaskRow | None) -> Content:
    """Render the one-line header above the tabs."""
    if task is None:
        return Content.styled("No task selected: choose one in the list.", "$text-muted")
    parts: list[str | tuple[str, str]] = [
        (sanitize_inline(task.status), STATUS_STYLES.get(task.status, OTHER_STATUS_STYLE)),
        "  ",
        (task.task_id[:8], "$text-muted"),
        "  ",
        (task_label(task), "bold"),
    ]
    where = short_repo(task.repo_url)
    if task.branch:
        where = f"{where}@{task.branch}" if where else task.branch
    if where:
        parts += ["  ", (sanitize_inline(where), "italic")]
    if task.duration_seconds is not None:
        parts += ["  ", (format_duration(task.duration_seconds), "$text-muted")]
    if task.created_at is not None:
        parts += ["  ", (f"{format_absolute(task.created_at)} UTC", "$text-muted")]
    return Content.assemble(*parts)


class DetailView(Vertical):
    """The open task's panes."""

    BINDINGS = [
        Binding("slash", "find", "Find", id="detail.find"),
        Binding("n", "find_next", "Next match", show=False, id="detail.find_next"),
        Binding("N", "find_previous", "Previous match", show=False, id="detail.find_previous"),
        Binding("z", "zoom", "Zoom the task to the whole screen, or back", show=False, id="detail.zoom"),
    ]
    ALLOW_MAXIMIZE = True

    DEFAULT_CSS = """
    DetailView { height: 1fr; }
    DetailView > .detail-header { height: 1; padding: 0 1; background: $panel; text-wrap: nowrap; text-overflow: ellipsis; }
    DetailView > TabbedContent { height: 1fr; }
    DetailView > TabbedContent > ContentSwitcher { height: 1fr; }
    /* A layout makes a tab whose pane is not mounted yet draw blank, not its placeholder text. */
    DetailView TabPane { padding: 0; height: 1fr; layout: vertical; }
    DetailView TabPane > TaskPane { height: 1fr; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.task_row: TaskRow | None = None
        self._shown: dict[str, str | None] = {key: None for key, _label, _location in TABS}
        """Task id that each pane was last given."""
        self._refreshed: dict[str, int] = {key: 0 for key, _label, _location in TABS}
        self._refresh_count = 0
        self._mounting: dict[str, AwaitMount] = {}
        """The mount of each pane, by tab id, which focusing a new pane waits for."""
        self._initial_pane_pending = True
        """True until the first frame, before which no pane is mounted unless a task is shown."""

    def compose(self) -> ComposeResult:
        yield Static(task_header(None), classes="detail-header", id="detail-header")
        with TabbedContent(initial=INITIAL_TAB, id="detail-tabs"):
            for key, label, _location in TABS:
                yield TabPane(label, id=key)
        yield FindBar(id="find-bar")

    def on_mount(self) -> None:
        self.call_after_refresh(self._mount_initial_pane)

    def _mount_initial_pane(self) -> None:
        # Until a task is open, the active tab shows its pane's empty state.
        self._initial_pane_pending = False
        if self._tabs_removed():
            return
        self._ensure_shown(self.active_tab)
        self.set_timer(PREMOUNT_DELAY_SECONDS, self._premount_next_pane)

    def _premount_next_pane(self) -> None:
        """Mount one pane that no tab has shown yet, then schedule the next after a frame.

        Composing a pane costs a tab's first visit tens of milliseconds, so
        the panes are mounted in idle time after start-up, one per frame so
        that no frame waits for all of them. A tab opened earlier mounts its
        pane itself.
        """
        for key, _label, _location in TABS:
            if not self.query(f"#pane-{key}"):
                if self._tabs_removed():
                    return
                self.pane(key)
                self.call_after_refresh(self._premount_next_pane)
                return

    def _tabs_removed(self) -> bool:
        """Return True once closing the app has removed a tab, before a scheduled mount runs."""
        return len(self.query(TabPane)) < len(TABS)

    # Panes ------------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active or INITIAL_TAB

    def pane(self, key: str) -> TaskPane:
        """Return a tab's pane, mounting it in its tab first if it is not mounted yet."""
        panes = self.query(f"#pane-{key}").results(TaskPane)
        pane = next(panes, None)
        if pane is None:
            pane = pane_class(key)(id=f"pane-{key}")
            # The pane is in the DOM once `mount` returns, so `show_task` and `reveal` can follow at once.
            # NOTE: this relies on the pane composing its children before its worker's first read returns.
            self._mounting[key] = self.query_one(f"TabPane#{key}", TabPane).mount(pane)
        return pane

    async def _focus_when_mounted(self, mounting: AwaitMount) -> None:
        await mounting
        self.focus_active_pane()

    @property
    def active_pane(self) -> TaskPane:
        return self.pane(self.active_tab)

    def show_task(self, task: TaskRow | None) -> None:
        """Show a task (None clears); the active pane loads it now, the others when activated."""
        same = task is not None and self.task_row is not None and task.task_id == self.task_row.task_id
        self.task_row = task
        self.query_one("#detail-header", Static).update(task_header(task))
        if same:
            return
        self._ensure_shown(self.active_tab)

    def update_task(self, task: TaskRow) -> None:
        """Take newer data of the shown task (status, counts) without reloading the panes.

        When a running or pending task has just finished, the panes refresh
        once more: rows written after their last refresh and before the
        status change would otherwise stay hidden, because the live refresh
        reads only tasks that still run.
        """
        if self.task_row is not None and task.task_id == self.task_row.task_id:
            finished = self.task_row.status in LIVE_STATUSES and task.status not in LIVE_STATUSES
            self.task_row = task
            self.query_one("#detail-header", Static).update(task_header(task))
            if finished:
                self.refresh_running()

    def _ensure_shown(self, key: str) -> None:
        task_id = self.task_row.task_id if self.task_row is not None else None
        if task_id is None and self._initial_pane_pending:
            # Nothing to clear yet, and `_mount_initial_pane` mounts the pane after the first frame.
            return
        # Mounted even without a task, so the tab shows the pane's empty state.
        pane = self.pane(key)
        if self._shown[key] == task_id and self._refreshed[key] == self._refresh_count:
            return
        if self._shown[key] != task_id:
            self._shown[key] = task_id
            self._refreshed[key] = self._refresh_count
            pane.show_task(self.task_row)
        else:
            self._refreshed[key] = self._refresh_count
            pane.refresh_task()

    def refresh_running(self) -> None:
        """Reload the active pane keeping its scroll; other panes reload when activated."""
        if self.task_row is None:
            return
        self._refresh_count += 1
        self._ensure_shown(self.active_tab)

    def open_item(self, kind: str, item_id: str, line: int = 0, terms: str = "") -> None:
        """Switch to the tab that shows an item and ask its pane to reveal it."""
        key = TAB_FOR_KIND.get(kind)
        if key is None:
            logger.warning("No tab shows items of kind %r; item %s not revealed", kind, item_id)
            return
        self.action_show_tab(key)
        self.pane(key).reveal(item_id, line, terms)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.tabbed_content.id != "detail-tabs":
            return
        key = event.pane.id or INITIAL_TAB
        if key in self._shown:
            self._ensure_shown(key)

    def on_open_item(self, message: OpenItem) -> None:
        message.stop()
        self.open_item(message.kind, message.item_id, message.line)

    # Keys --------------------------------------------------------------------

    def select_tab(self, key: str) -> None:
        """Make a tab active; its pane loads the task when it is activated.

        When the focus was in the old tab it moves to the new one. Left on a
        hidden widget, Textual would move it to a neighbour in the old tab,
        and TabbedContent would switch back to the tab holding the focus.
        """
        # NOTE: a focus request still queued for the old tab (`o` then `4` within
        # one frame) can make TabbedContent switch back to it, leaving the focus
        # in the new tab.
        tabs = self.query_one(TabbedContent)
        if tabs.active == key:
            return
        focused = self.screen.focused
        focus_inside = focused is not None and self in focused.ancestors
        pane = self.pane(key)
        tabs.active = key
        if not focus_inside:
            return
        if pane.is_mounted:
            self.focus_active_pane()
        else:
            # A pane mounted just now has no children to focus yet, so the focus leaves the old tab first.
            self.screen.set_focus(None)
            self.call_next(self._focus_when_mounted, self._mounting[key])

    def action_show_tab(self, key: str) -> None:
        self.select_tab(key)
        self._ensure_shown(key)

    def focus_active_pane(self) -> None:
        """Focus the first focusable widget of the active pane."""
        pane = self.active_pane
        target: Widget | None = pane if pane.focusable else None
        if target is None:
            target = next((widget for widget in pane.query("*") if widget.focusable), None)
        if target is not None:
            target.focus()

    def action_find(self) -> None:
        if not isinstance(self.active_pane, Findable):
            self.notify("This tab has no text to find in.", severity="warning", markup=False)
            return
        self.query_one(FindBar).open()

    def _find(self, direction: str) -> None:
        bar = self.query_one(FindBar)
        pane = self.active_pane
        if not bar.text:
            self.notify("No search yet: press / to find text in this tab.", markup=False)
            return
        if not isinstance(pane, Findable):
            return
        if direction == "first":
            found = pane.find(bar.text)
        elif direction == "next":
            found = pane.find_next()
        else:
            found = pane.find_previous()
        if found is None:
            bar.set_searching()
        else:
            self._show_found(bar.text, found)

    def _show_found(self, text: str, found: bool) -> None:
        bar = self.query_one(FindBar)
        bar.set_found(found)
        if not found and not bar.is_open:
            self.notify(f"No match for {text!r} in this tab.", severity="warning", markup=False)

    def on_find_finished(self, message: FindFinished) -> None:
        message.stop()
        bar = self.query_one(FindBar)
        if message.text != bar.text:
            # A result for text that the bar no longer contains.
            return
        if message.found is None:
            bar.set_found(None)
        else:
            self._show_found(message.text, message.found)

    def action_zoom(self) -> None:
        screen = self.screen
        if screen.maximized is self:
            screen.minimize()
        elif not screen.has_class("-wide"):
            # Narrow terminals already show the open task full screen, so zooming would change nothing.
            self.notify("The task already fills the screen: z widens it only beside the list.",
                        timeout=3, markup=False)
        else:
            screen.maximize(self, container=False)

    def action_find_next(self) -> None:
        self._find("next")

    def action_find_previous(self) -> None:
        self._find("previous")

    def on_find_requested(self, message: FindRequested) -> None:
        message.stop()
        if message.text:
            self._find(message.direction)
        else:
            self.query_one(FindBar).set_found(None)

    def on_find_closed(self, message: FindClosed) -> None:
        message.stop()
        self.query_one(FindBar).close()
        self.focus_active_pane()
