"""KeyFooter: the same keys and colours as Textual's Footer, redrawn on focus changes, and clickable keys."""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer

from shadow_tui.tui.widgets.key_footer import KeyFooter

MOVE = Binding.Group("Move")


class Pane(Widget, can_focus=True):
    """A focusable widget whose bindings the footer shows while it has the focus."""

    DEFAULT_CSS = "Pane { height: 1fr; }"

    BINDINGS = [
        Binding("x", "press('x')", "Failed only"),
        Binding("y", "press('y')", "Copy command"),
        Binding("Y", "press('Y')", "Copy output"),
        Binding("o", "press('o')", "Output", show=False),
        Binding("d", "press('d')", "Disabled"),
        Binding("[", "press('[')", "Previous", key_display="[", group=MOVE),
        Binding("]", "press(']')", "Next", key_display="]", group=MOVE),
    ]

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.pressed: list[str] = []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None shows the key dimmed and disabled, as the Footer does.
        if action == "press" and parameters == ("d",):
            return None
        return True

    def action_press(self, key: str) -> None:
        self.pressed.append(key)


class Other(Widget, can_focus=True):
    DEFAULT_CSS = "Other { height: 1fr; }"
    BINDINGS = [Binding("v", "toggle", "Side by side")]

    def action_toggle(self) -> None:
        pass


class FooterApp(App[None]):
    BINDINGS = [Binding("q", "quit", "Quit"), Binding("question_mark", "help", "Help", key_display="?")]

    def __init__(self, footer: type[Widget]) -> None:
        super().__init__()
        self.footer_class = footer

    def compose(self) -> ComposeResult:
        yield Pane(id="pane")
        yield Other(id="other")
        yield self.footer_class()

    def action_help(self) -> None:
        pass


def _cells(app: App[Any]) -> list[tuple[str, str | None, str | None, bool, bool]]:
    strip = app.screen._compositor.render_strips()[-1]
    cells = []
    for segment in strip:
        style = segment.style
        for character in segment.text:
            cells.append((
                character,
                str(style.color) if style and style.color else None,
                str(style.bgcolor) if style and style.bgcolor else None,
                bool(style and style.bold),
                bool(style and style.dim),
            ))
    return cells


async def _bottom_lines(footer: type[Widget], width: int, theme: str) -> list[list[Any]]:
    app = FooterApp(footer)
    lines = []
    async with app.run_test(size=(width, 10)) as pilot:
        app.theme = theme
        for target in ("#pane", "#other", "#pane"):
            app.query_one(target).focus()
            await pilot.pause()
            await pilot.pause()
            lines.append(_cells(app))
    return lines


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "nord"])
async def test_key_footer_draws_footer_cells(theme: str) -> None:
    expected = await _bottom_lines(Footer, 100, theme)
    drawn = await _bottom_lines(KeyFooter, 100, theme)
    for position, (footer_line, key_footer_line) in enumerate(zip(expected, drawn, strict=True)):
        footer_text = "".join(cell[0] for cell in footer_line)
        key_footer_text = "".join(cell[0] for cell in key_footer_line)
        assert key_footer_text == footer_text, f"focus change {position}"
        assert key_footer_line == footer_line, f"styles after focus change {position}: {footer_text!r}"


@pytest.mark.parametrize("theme", ["textual-dark", "nord"])
@pytest.mark.parametrize("width", [60, 30])
async def test_key_footer_drops_overflow_keys(width: int, theme: str) -> None:
    """Where Footer cuts the last key mid-word, KeyFooter draws the same cells up to the last whole key, then blanks."""
    expected = await _bottom_lines(Footer, width, theme)
    drawn = await _bottom_lines(KeyFooter, width, theme)
    lines_with_keys_left_out = 0
    for position, (footer_line, key_footer_line) in enumerate(zip(expected, drawn, strict=True)):
        footer_text = "".join(cell[0] for cell in footer_line)
        key_footer_text = "".join(cell[0] for cell in key_footer_line)
        palette_start = footer_text.rindex("▏")
        keys_end = len(key_footer_text[:palette_start].rstrip())
        lines_with_keys_left_out += footer_text[:palette_start].rstrip() != footer_text[:keys_end]
        # Each key ends with a space of padding, so a whole key ends where Footer's text has a space.
        assert footer_text[keys_end] == " ", f"cut mid-key after focus change {position}: {key_footer_text!r}"
        assert key_footer_line[:keys_end] == footer_line[:keys_end], f"focus change {position}"
        assert key_footer_line[palette_start:] == footer_line[palette_start:], f"focus change {position}"
        assert set(key_footer_text[keys_end:palette_start]) <= {" "}
    assert lines_with_keys_left_out > 0


async def test_key_footer_follows_focus() -> None:
    app = FooterApp(KeyFooter)
    async with app.run_test(size=(100, 10)) as pilot:
        footer = app.query_one(KeyFooter)
        app.query_one("#pane").focus()
        await pilot.pause()
        pane_keys = [item.key for item in footer.items]
        app.query_one("#other").focus()
        await pilot.pause()
        other_keys = [item.key for item in footer.items]

    assert pane_keys[:3] == ["x", "y", "Y"]
    assert "o" not in pane_keys
    assert "v" not in pane_keys
    assert other_keys[0] == "v"
    assert "x" not in other_keys
    assert "q" in other_keys


async def test_key_footer_click_presses_key() -> None:
    app = FooterApp(KeyFooter)
    async with app.run_test(size=(100, 10)) as pilot:
        pane = app.query_one(Pane)
        pane.focus()
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        y_span = next(span for span in footer._spans if span.item.key == "y")
        disabled_span = next(span for span in footer._spans if span.item.key == "d")

        await pilot.click(KeyFooter, offset=(y_span.start + 1, 0))
        await pilot.pause()
        await pilot.click(KeyFooter, offset=(disabled_span.start + 1, 0))
        await pilot.pause()

    assert pane.pressed == ["y"]


async def test_key_footer_unchanged_keys_skip_redraw() -> None:
    app = FooterApp(KeyFooter)
    async with app.run_test(size=(100, 10)) as pilot:
        footer = app.query_one(KeyFooter)
        app.query_one("#pane").focus()
        await pilot.pause()
        items = footer._items
        footer.bindings_changed(app.screen)
        same_items = footer._items
        app.query_one("#other").focus()
        await pilot.pause()
        other_items = footer._items

    assert same_items is items
    assert other_items is not items


async def test_key_footer_wheel_scrolls_keys() -> None:
    app = FooterApp(KeyFooter)
    async with app.run_test(size=(30, 10)) as pilot:
        app.query_one("#pane").focus()
        await pilot.pause()
        before = "".join(cell[0] for cell in _cells(app))
        footer = app.query_one(KeyFooter)
        footer.post_message(events.MouseScrollDown(footer, 1, 0, 0, 0, 0, False, False, False))
        await pilot.pause()
        await pilot.pause()
        scrolled = "".join(cell[0] for cell in _cells(app))
        footer.post_message(events.MouseScrollUp(footer, 1, 0, 0, 0, 0, False, False, False))
        await pilot.pause()
        await pilot.pause()
        back = "".join(cell[0] for cell in _cells(app))

    assert scrolled != before
    assert scrolled.endswith("▏^p palette ")
    # The keys have the 18 cells left of the 12-cell palette key: " x Failed only " fits, " y Copy command " not.
    assert before[:18] == " x Failed only    "
    # One wheel step scrolls the keys by 4 cells.
    assert scrolled[:18] == "ailed only        "
    assert back == before


async def test_key_footer_hover_highlights_key() -> None:
    app = FooterApp(KeyFooter)
    async with app.run_test(size=(100, 10)) as pilot:
        app.query_one("#pane").focus()
        await pilot.pause()
        before = _cells(app)
        footer = app.query_one(KeyFooter)
        y_span = next(span for span in footer._spans if span.item.key == "y")
        await pilot.hover(KeyFooter, offset=(y_span.start + 1, 0))
        await pilot.pause()
        hovered = _cells(app)
        hovered_item = footer._hover

    assert hovered_item is not None
    assert hovered_item.key == "y"
    assert hovered[y_span.start] != before[y_span.start]
    assert hovered[: y_span.start] == before[: y_span.start]
