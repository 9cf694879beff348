"""Copying text to the system clipboard over the terminal (OSC 52), also inside tmux and SSH."""

from __future__ import annotations

import base64
import logging
import os

from textual.app import App

logger = logging.getLogger(__name__)


def osc52_sequence(text: str) -> str:
    """Return the OSC 52 escape sequence that puts `text` on the clipboard."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{payload}\a"


def tmux_passthrough(sequence: str) -> str:
    """Wrap an escape sequence so tmux passes it to the outer terminal.

    tmux forwards the body of `ESC P tmux; ... ESC \\` unchanged, with every
    ESC inside doubled. tmux 3.3 and later do so only with
    `set -g allow-passthrough on`.
    """
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def copy_text(app: App[object], text: str) -> None:
    """Copy text to the clipboard of the terminal that shows the app.

    Textual's `copy_to_clipboard` writes plain OSC 52. tmux accepts that
    from applications only with `set -g set-clipboard on` (its default,
    "external", ignores it), so inside tmux the passthrough form is written
    as well, which reaches the outer terminal when passthrough is allowed.
    """
    app.copy_to_clipboard(text)
    driver = app._driver
    if os.environ.get("TMUX") and driver is not None:
        driver.write(tmux_passthrough(osc52_sequence(text)))
    logger.debug("Copied %d characters to the clipboard", len(text))
