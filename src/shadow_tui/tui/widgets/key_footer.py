"""The key bar at the bottom of the main screen, drawn by one widget.

Textual's `Footer` (8.2) mounts one widget per key, and mounts them all
again after every focus change, twice per change because `Screen.set_focus`
refreshes the bindings twice. A tab switch moves the focus, so this work
competed with the new pane's queries for the UI thread. In traces of a press
of 3 or 4 on the heaviest benchmark task, each remount took 17 to 65 ms
(2-core VM, load average 1.5 to 3). `KeyFooter` draws the same keys with
the same styles on one line, and redraws it only when the keys shown change.

Unlike `Footer` it has no compact mode, the key under the mouse pointer
is highlighted without Textual's hover transition, and a key that does not
fit is left out whole instead of cut.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

SCROLL_STEP = 4
"""Cells that the mouse wheel scrolls the keys by, when they do not fit."""


@dataclass(frozen=True, slots=True)
class FooterItem:
    """One entry of the key bar: a key with its description, or a group's description."""

    key: str | None
    """The key that a click sends, or None for a group's description."""
    key_display: str
    description: str
    enabled: bool = True
    tooltip: str = ""
    grouped: bool = False
    """Whether the key belongs to a group, which shows its description once after its keys."""


@dataclass(frozen=True, slots=True)
class _Span:
    """The cells that one item occupies, as drawn."""

    start: int
    end: int
    item: FooterItem


def footer_items(screen: Screen[object]) -> tuple[list[FooterItem], FooterItem | None]:
    """Return the keys that Textual's `Footer` would show for a screen's bindings, and the command palette key.

    Bindings with `show=False` are left out, and several keys bound to one
    action show as the first of them. Consecutive actions in one
    `Binding.Group` show their keys and then the group's description once.
    """
    app = screen.app
    active = screen.active_bindings
    by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
    for _node, binding, enabled, tooltip in active.values():
        if binding.show:
            by_action[binding.action].append((binding, enabled, tooltip))

    items: list[FooterItem] = []
    for group, actions in groupby(by_action.values(), lambda bindings: bindings[0][0].group):
        grouped = list(actions)
        if group is not None and len(grouped) > 1:
            for bindings in grouped:
                binding, enabled, tooltip = bindings[0]
                items.append(FooterItem(binding.key, app.get_key_display(binding), "", enabled,
                                        tooltip or binding.description, grouped=True))
            items.append(FooterItem(None, "", group.description))
        else:
            for bindings in grouped:
                binding, enabled, tooltip = bindings[0]
                items.append(FooterItem(binding.key, app.get_key_display(binding), binding.description, enabled,
                                        tooltip))

    palette: FooterItem | None = None
    if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
        _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
        palette = FooterItem(binding.key, app.get_key_display(binding), binding.description, enabled,
                             binding.tooltip or binding.description)
    return items, palette


class KeyFooter(Widget, can_focus=False):
    """The active key bindings on one line, docked at the bottom. A click on a key presses it."""

    ALLOW_SELECT = False

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--item",
        "key-footer--key",
        "key-footer--description",
        "key-footer--separator",
        "key-footer--hover",
    }

    # The colours and padding of Textual's Footer and FooterKey.
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    KeyFooter > .key-footer--item { background: $footer-item-background; }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyFooter > .key-footer--separator { color: $foreground 20%; }
    KeyFooter > .key-footer--hover { color: $footer-key-foreground; background: $block-hover-background; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._items: list[FooterItem] = []
        self._palette: FooterItem | None = None
        self._spans: list[_Span] = []
        """Where each item was drawn at the last render, in cells from the left edge."""
        self._hover: FooterItem | None = None
        self._scroll = 0
        """Cells of the keys scrolled out on the left, when they do not fit."""

    @property
    def items(self) -> list[FooterItem]:
        """The items shown left to right, without the command palette key."""
        return list(self._items)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Take the screen's bindings, and redraw when the keys shown changed."""
        # As Textual's Footer: while the terminal is not focused the keys stay as they were.
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        items, palette = footer_items(screen)
        if items == self._items and palette == self._palette:
            return
        self._items = items
        self._palette = palette
        self._hover = None
        self.refresh()

    # Drawing

    def _item_text(self, item: FooterItem, *, after_grouped: bool = False) -> Text:
        """Render one item as FooterKey and FooterLabel draw it, with their padding and margins.

        `after_grouped` is true when the item follows a key of the same group,
        because Textual collapses that key's right margin with this key's left margin.
        """
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        # Textual draws margins with the background only.
        margin = Text(" ", style=Style(bgcolor=self.rich_style.bgcolor))
        if item.key is None:
            # A group's description, with the right margin of FooterLabel.
            return Text.assemble((item.description, description_style), margin)
        if item.grouped:
            # A key of a group has no padding and a margin of one cell on each side.
            key = self._style_key(Text.assemble((item.key_display, key_style)), item)
            return Text.assemble(margin if not after_grouped else "", key, margin)
        if item.description:
            text = Text.assemble((f" {item.key_display} ", key_style), (f"{item.description} ", description_style))
        else:
            text = Text.assemble((item.key_display, key_style))
        return self._style_key(text, item)

    def _style_key(self, text: Text, item: FooterItem, start: int = 0) -> Text:
        """Add the item background, the hover highlight and the dimming of a disabled key, from `start` on.

        The key and description styles must be spans of `text`, not its base style, to stay above the background.
        """
        text.stylize_before(self.get_component_rich_style("key-footer--item"), start)
        if item is self._hover:
            text.stylize(self.get_component_rich_style("key-footer--hover"), start)
        if not item.enabled:
            text.stylize(Style(dim=True), start)
        return text

    def _palette_text(self) -> Text:
        """Render the command palette key as Footer draws it: compact, after a left border, with one cell of padding."""
        palette = self._palette
        assert palette is not None
        text = Text()
        text.append("▏", style=self.get_component_rich_style("key-footer--separator"))
        text.append(palette.key_display, style=self.get_component_rich_style("key-footer--key"))
        text.append(f" {palette.description}", style=self.get_component_rich_style("key-footer--description"))
        self._style_key(text, palette, start=1)
        # The padding cell has the background only, as Textual draws padding.
        text.append(" ", style=Style(bgcolor=self.rich_style.bgcolor))
        return text

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        console = self.app.console
        palette = Strip(self._palette_text().render(console)) if self._palette is not None else Strip([])
        keys_width = max(0, width - palette.cell_length)

        keys = Text()
        spans: list[_Span] = []
        previous: FooterItem | None = None
        for item in self._items:
            start = keys.cell_len
            keys.append_text(self._item_text(item, after_grouped=previous is not None and previous.grouped))
            spans.append(_Span(start, keys.cell_len, item))
            previous = item
        keys_strip = Strip(keys.render(console))
        self._scroll = max(0, min(self._scroll, keys_strip.cell_length - keys_width))
        spans = [_Span(span.start - self._scroll, span.end - self._scroll, span.item) for span in spans]
        shown_width = keys_width
        if keys_strip.cell_length - self._scroll > keys_width:
            # Keys that do not fit are left out whole, not cut mid-word. The mouse wheel scrolls to them.
            shown_width = max((span.end for span in spans if 0 < span.end <= keys_width), default=keys_width)
        # The cells past the keys have the footer's background and no colour, as in Footer.
        blank = Style(bgcolor=base.bgcolor)
        keys_strip = keys_strip.crop_extend(self._scroll, self._scroll + shown_width, blank)
        keys_strip = keys_strip.crop_extend(0, keys_width, blank)
        spans = [span for span in spans if span.end > 0 and span.start < shown_width]
        if self._palette is not None:
            spans.append(_Span(keys_width, keys_width + palette.cell_length, self._palette))
        self._spans = spans
        return Strip.join([keys_strip, palette]).crop_extend(0, width, blank)

    # Mouse

    def _item_at(self, x: int) -> FooterItem | None:
        return next((span.item for span in self._spans if span.start <= x < span.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        item = self._item_at(event.x)
        hover = item if item is not None and item.key is not None else None
        if hover is not self._hover:
            self._hover = hover
            self.tooltip = (hover.tooltip or None) if hover is not None else None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        item = self._item_at(event.x)
        if item is None or item.key is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._scroll_keys(SCROLL_STEP, event)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._scroll_keys(-SCROLL_STEP, event)

    def _scroll_keys(self, cells: int, event: events.MouseEvent) -> None:
        previous = self._scroll
        self._scroll = max(0, self._scroll + cells)
        # `render_line` limits the scroll to the keys that do not fit.
        self.refresh()
        if self._scroll != previous:
            event.stop()
