"""Applying the config file's theme and key overrides to the running app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import App


def apply_theme(app: App[Any], theme: str) -> None:
    """Switch to the config file's theme; an unknown name gives a notification that lists the themes."""
    if not theme:
        return
    if theme in app.available_themes:
        app.theme = theme
        return
    names = ", ".join(sorted(app.available_themes))
    app.notify(
        f"Unknown theme {theme!r} in the config file; use one of: {names}.",
        severity="warning",
        timeout=10,
        markup=False,
    )


def apply_keymap(app: App[Any], overrides: Mapping[str, str]) -> None:
    """Apply the config file's `[keys]` table; unknown binding ids give a notification and are left out."""
    keys = dict(overrides)
    if not keys:
        return
    # Imported here: the help sections import every screen, which the first frame does not need.
    from shadow_tui.tui.help_sections import known_binding_ids

    known = known_binding_ids()
    unknown = sorted(set(keys) - known)
    for binding_id in unknown:
        keys.pop(binding_id)
    if unknown:
        app.notify(
            f"Unknown binding ids in the [keys] table of the config file: {', '.join(unknown)}. "
            "Press ? to see every id.",
            severity="warning",
            timeout=10,
            markup=False,
        )
    if keys:
        app.set_keymap(keys)
