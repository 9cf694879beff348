"""LineView: the cached base style follows theme and class changes."""

from __future__ import annotations

from rich.color import ColorTriplet
from rich.text import Text
from textual.app import App, ComposeResult

from shadow_tui.tui.widgets.line_source import LineSource
from shadow_tui.tui.widgets.line_view import LineView


class ViewApp(App[None]):
    CSS = "LineView.-alert { background: red; }"

    def compose(self) -> ComposeResult:
        yield LineView(LineSource.from_texts([Text("first line"), Text("second line")]))


def _background(view: LineView) -> ColorTriplet | None:
    segments = list(view.render_line(0))
    style = segments[-1].style
    assert style is not None
    assert style.bgcolor is not None
    return style.bgcolor.get_truecolor()


async def test_line_view_style_follows_theme() -> None:
    app = ViewApp()
    async with app.run_test(size=(40, 6)) as pilot:
        view = app.query_one(LineView)
        app.theme = "textual-dark"
        await pilot.pause()
        dark = _background(view)
        app.theme = "textual-light"
        await pilot.pause()
        light = _background(view)

    assert dark != light


async def test_line_view_style_follows_class() -> None:
    app = ViewApp()
    async with app.run_test(size=(40, 6)) as pilot:
        view = app.query_one(LineView)
        await pilot.pause()
        before = _background(view)
        view.add_class("-alert")
        await pilot.pause()
        after = _background(view)

    assert before != after
    assert after == ColorTriplet(255, 0, 0)
