"""Locating the app's style sheet in an installed package or a source checkout."""

from __future__ import annotations

from pathlib import Path

import shadow_tui

STYLESHEET_NAME = "app.tcss"


def stylesheet_path() -> Path:
    """Return `app.tcss`: from the installed package's `styles/` folder, else the checkout's.

    A wheel ships the repository's `styles/` folder as `shadow_tui/styles/`;
    an editable install or a source checkout keeps it at `<repo>/styles/`.
    """
    package_dir = Path(shadow_tui.__file__).resolve().parent
    installed = package_dir / "styles" / STYLESHEET_NAME
    if installed.is_file():
        return installed
    # src/shadow_tui -> src -> repository root
    checkout = package_dir.parent.parent / "styles" / STYLESHEET_NAME
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(
        f"style sheet {STYLESHEET_NAME} not found in {installed.parent} or {checkout.parent}: "
        "reinstall shadow-tui"
    )
