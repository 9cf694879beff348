"""The help screen: every key, read from the bindings themselves so it never drifts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from shadow_tui.queries.filter import FILTER_SYNTAX

HelpSection = tuple[str, Sequence[type[DOMNode]]]


def section_bindings(app: App[object], classes: Iterable[type[DOMNode]]) -> list[tuple[str, str, str]]:
    """Return (keys, description, binding id) for the bindings with ids, keymap applied."""
    rows: dict[str, tuple[list[str], str]] = {}
    for node_class in classes:
        merged = node_class._merge_bindings().copy()
        merged.apply_keymap(app._keymap)
        for key, bindings in merged.key_to_bindings.items():
            for binding in bindings:
                if binding.id is None:
                    continue
                display = app.get_key_display(Binding(key, binding.action, key_display=binding.key_display))
                keys, _description = rows.setdefault(binding.id, ([], binding.description or binding.action))
                if display not in keys:
                    keys.append(display)
    return [(", ".join(keys), description, binding_id) for binding_id, (keys, description) in rows.items()]


def help_table(app: App[object], sections: Sequence[HelpSection]) -> Group:
    """Build the list of keys: a title and a table per section."""
    blocks: list[Text | Table] = []
    for title, classes in sections:
        rows = section_bindings(app, classes)
        if not rows:
            continue
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True, min_width=12)
        table.add_column(min_width=24)
        table.add_column(style="dim", no_wrap=True)
        for keys, description, binding_id in rows:
            table.add_row(Text(keys), Text(description), Text(binding_id))
        blocks += [Text(title, style="bold underline"), table, Text("")]
    return Group(*blocks)


class HelpScreen(ModalScreen[None]):
    """Lists the keys of every part of the browser, and the filter syntax."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False, id="help.up"),
        Binding("space,pagedown", "page(1)", "Page down", show=False, id="help.page_down"),
        Binding("b,pageup", "page(-1)", "Page up", show=False, id="help.page_up"),
        Binding("g,home", "edge(False)", "Go to the top", show=False, id="help.top"),
        Binding("G,end", "edge(True)", "Go to the end", show=False, id="help.bottom"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen > VerticalScroll {
        width: 95%;
        max-width: 110;
        height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen .help-text { height: auto; }
    """

    def __init__(self, sections: Sequence[HelpSection]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("Keys (remap them in the [keys] table of the config file, by id)", style="bold"), classes="help-text")
            yield Static(help_table(self.app, self.sections), classes="help-text", id="help-keys")
            yield Static(Text("Filter syntax", style="bold"), classes="help-text")
            yield Static(Text(FILTER_SYNTAX), classes="help-text")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, step: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=step, animate=False)

    def action_page(self, direction: int) -> None:
        scroll = self.query_one(VerticalScroll)
        scroll.scroll_relative(y=direction * max(scroll.scrollable_content_region.height - 1, 1), animate=False)

    def action_edge(self, end: bool) -> None:
        scroll = self.query_one(VerticalScroll)
        if end:
            scroll.scroll_end(animate=False)
        else:
            scroll.scroll_home(animate=False)
