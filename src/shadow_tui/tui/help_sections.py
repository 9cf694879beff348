"""The help screen's sections, and the ids of every binding that the config may remap."""

from __future__ import annotations

from collections.abc import Sequence

from textual.dom import DOMNode

from shadow_tui.tui.screens.error import ErrorScreen
from shadow_tui.tui.screens.help import HelpScreen, HelpSection
from shadow_tui.tui.screens.main import MainScreen
from shadow_tui.tui.screens.search import SearchInput, SearchScreen
from shadow_tui.tui.widgets.detail import TABS, DetailView, pane_class
from shadow_tui.tui.widgets.find_bar import FindInput
from shadow_tui.tui.widgets.line_list import LineList
from shadow_tui.tui.widgets.line_view import LineView
from shadow_tui.tui.widgets.query_bar import QueryInput
from shadow_tui.tui.widgets.task_list import TaskList


def help_sections() -> list[HelpSection]:
    """Return the help screen's sections: a title and the classes whose bindings it lists."""
    from shadow_tui.tui.app import ShadowTuiApp

    sections: list[HelpSection] = [
        ("Everywhere", [ShadowTuiApp]),
        ("Browser", [MainScreen]),
        ("Task list", [TaskList]),
        ("Filter bar", [QueryInput]),
        ("Detail", [DetailView, FindInput]),
    ]
    sections += [(f"{label} tab", [pane_class(key)]) for key, label, _location in TABS]
    sections += [
        ("Text and item views in the tabs", [LineView, LineList]),
        ("Search screen", [SearchScreen, SearchInput]),
        ("Error screen", [ErrorScreen]),
        ("Help screen", [HelpScreen]),
    ]
    return sections


def known_binding_ids(sections: Sequence[HelpSection] | None = None) -> set[str]:
    """Return the ids of every binding in the sections, for checking the config's [keys]."""
    ids: set[str] = set()
    for _title, classes in sections or help_sections():
        for node_class in classes:
            ids |= _ids_of(node_class)
    return ids


def _ids_of(node_class: type[DOMNode]) -> set[str]:
    return {
        binding.id
        for _key, bindings in node_class._merge_bindings().key_to_bindings.items()
        for binding in bindings
        if binding.id is not None
    }
