"""An Input that applies its own key bindings in the order the keys arrive.

Textual 8.2 inserts a printable key as soon as the Input receives it, but a
bound key such as ctrl+u, ctrl+w, backspace or left travels up the widget
tree to the app, which runs the binding's action later. When several keys
arrive in one read (fast typing, a paste of keystrokes over SSH, a tmux
`send-keys`), characters typed after a bound key were inserted before its
action ran: "pq", ctrl+u, "rs" left an empty line instead of "rs". Source:
Textual issue 6605, still open for Textual 8.2.x.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class OrderedInput(Input):
    """An Input whose own non-priority bindings run when their key arrives."""

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            # The focused widget's own bindings come first in the app's binding
            # chain, so running them here picks the action the app would pick.
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)
