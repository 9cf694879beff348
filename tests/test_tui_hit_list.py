"""HitList: two-line rows drawn on demand, the highlight, keys, clicks and styles."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip

from shadow_tui.tui.widgets.hit_list import ROW_HEIGHT, HitList

WIDTH = 30
HEIGHT = 8


def row_text(index: int) -> Text:
    return Text(f"row {index} title\n  snippet of row {index}")


class ListApp(App[None]):
    CSS = "HitList { height: 1fr; }"

    def __init__(self) -> None:
        super().__init__()
        self.selected: list[int] = []
        self.rendered: list[int] = []

    def compose(self) -> ComposeResult:
        yield HitList()

    def on_hit_list_selected(self, event: HitList.Selected) -> None:
        self.selected.append(event.index)

    def show(self, count: int, render: object = None) -> HitList:
        def render_row(index: int) -> Text:
            self.rendered.append(index)
            return row_text(index)

        hit_list = self.query_one(HitList)
        hit_list.set_rows(count, render or render_row)  # type: ignore[arg-type]
        return hit_list


def plain(strip: Strip) -> str:
    return "".join(segment.text for segment in strip)


async def test_rows_drawn_on_screen_only() -> None:
    app = ListApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        app.show(100)
        await pilot.pause()
        visible_rows = HEIGHT // ROW_HEIGHT
        assert set(app.rendered) == set(range(visible_rows))
        # A repaint reuses the rendered lines.
        count = len(app.rendered)
        app.query_one(HitList).refresh()
        await pilot.pause()
        assert len(app.rendered) == count


async def test_row_lines_padded_to_width() -> None:
    app = ListApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        hit_list = app.show(3)
        await pilot.pause()
        width = hit_list.scrollable_content_region.width
        assert plain(hit_list.render_line(0)) == "row 0 title".ljust(width)
        assert plain(hit_list.render_line(1)) == "  snippet of row 0".ljust(width)
        assert plain(hit_list.render_line(2)) == "row 1 title".ljust(width)
        assert plain(hit_list.render_line(6)) == " " * width


async def test_long_line_cut_with_ellipsis() -> None:
    app = ListApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        hit_list = app.show(1, lambda index: Text("x" * 100 + "\nshort"))
        await pilot.pause()
        width = hit_list.scrollable_content_region.width
        first = plain(hit_list.render_line(0))
        assert len(first) == width
        assert first.endswith("…")


async def test_row_height_fixed() -> None:
    app = ListApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        texts = [Text("only one line"), Text("one\ntwo\nthree")]
        hit_list = app.show(2, lambda index: texts[index])
        await pilot.pause()
        assert plain(hit_list.render_line(1)).strip() == ""
        assert plain(hit_list.render_line(2)).strip() == "one"
        assert plain(hit_list.render_line(3)).strip() == "two"
        assert hit_list.virtual_size.height == 2 * ROW_HEIGHT


async def test_keys_move_and_scroll() -> None:
    app = ListApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        hit_list = app.show(50)
        hit_list.focus()
        await pilot.pause()
        assert hit_list.highlighted == 0
        await pilot.press("down", "down")
        assert hit_list.highlighted == 2
        await pilot.press("up")
        assert hit_list.highlighted == 1
        await pilot.press("end")
        await pilot.pause()
        assert hit_list.highlighted == 49
        height = hit_list.scrollable_content_region.height
        assert hit_list.scroll_y == 50 * ROW_HEIGHT - height
        await pilot.press("down")
        assert hit_list.highlighted == 49
        await pilot.press("home")
        await pilot.pause()
        assert hit_list.highlighted == 0
        assert hit_list.scroll_y == 0
        await pilot.press("pagedown")
        assert hit_list.highlighted == height // ROW_HEIGHT - 1
        await pilot.press("pageup")
        assert hit_list.highlighted == 0


async def test_enter_and_click_select() -> None:
    app = ListApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        hit_list = app.show(5)
        hit_list.focus()
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.selected == [1]
        await pilot.click(HitList, offset=(2, 2 * ROW_HEIGHT + 1))
        await pilot.pause()
        assert app.selected == [1, 2]
        assert hit_list.highlighted == 2


async def test_empty_list_selects_nothing() -> None:
    app = ListApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        hit_list = app.show(0)
        hit_list.focus()
        await pilot.pause()
        assert hit_list.highlighted is None
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.selected == []
        assert hit_list.highlighted is None


async def test_highlight_has_own_background() -> None:
    app = ListApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        hit_list = app.show(3)
        await pilot.pause()

        def background(y: int) -> object:
            style = list(hit_list.render_line(y))[-1].style
            assert style is not None
            return style.bgcolor

        assert background(0) == background(1)
        assert background(0) != background(2)
        hit_list.move_highlight(1)
        assert background(2) == background(3)
        assert background(0) != background(2)


async def test_new_rows_reset_position() -> None:
    app = ListApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        hit_list = app.show(50)
        await pilot.pause()
        hit_list.move_highlight(40)
        await pilot.pause()
        assert hit_list.scroll_y > 0
        app.show(10)
        await pilot.pause()
        assert hit_list.highlighted == 0
        assert hit_list.scroll_y == 0
        assert plain(hit_list.render_line(0)).strip() == "row 0 title"
