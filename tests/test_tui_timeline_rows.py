"""Timeline rows, made as `Text` only when drawn: their text, styles and plain text."""

from __future__ import annotations

from datetime import datetime, timezone

from shadow_tui.queries.records import CommandSummary, EditRecord, MessageRecord
from shadow_tui.tui.panes.timeline import command_item, edit_item, message_item, rows_source

MOMENT = datetime(2025, 7, 1, 12, 30, 5, tzinfo=timezone.utc)


def _style_at(text: object, offset: int) -> str:
    styles = [str(span.style) for span in text.spans if span.start <= offset < span.end]  # type: ignore[attr-defined]
    return " ".join(styles)


def test_message_row_text() -> None:
    item = message_item(MessageRecord("m1", "t1", "user", "\n\n  Fix the 日本 parser\nsecond", MOMENT, 0))
    text = item.text
    assert text.plain == "12:30:05 user   Fix the 日本 parser"
    assert item.plain == text.plain
    assert _style_at(text, 0) == "bright_black"
    assert _style_at(text, 9) == "bold cyan"
    assert text.no_wrap


def test_command_and_edit_rows() -> None:
    command = command_item(CommandSummary("c1", "t1", "make test\nmore", 2, None, 1.0, None))
    edit = edit_item(EditRecord("e1", "t1", "src/app.py", MOMENT, 0, "@@ -1 +1,2 @@\n-a\n+b\n+c\n"))
    assert command.text.plain.startswith("--:--:-- $      make test  exit ")
    assert command.plain == command.text.plain
    assert edit.text.plain == "12:30:05 edit   src/app.py  +2 -1"
    assert edit.plain == edit.text.plain
    assert _style_at(edit.text, len("12:30:05 edit   src/app.py  +")) == "green"


def test_rows_source_serves_items() -> None:
    items = [
        message_item(MessageRecord("m1", "t1", "agent", "", MOMENT, 0)),
        edit_item(EditRecord("e1", "t1", "日本.md", MOMENT, 0, "")),
    ]
    source = rows_source(items)
    assert source.count() == 2
    assert source.plain(0) == "12:30:05 agent  (empty message)"
    assert source.get(1).plain == "12:30:05 edit   日本.md  +0 -0"
    assert source.width_hint() == len("12:30:05 agent  (empty message)")
    # The ten wide characters take two cells each: 16 + 20 + 3 + 7 cells.
    wide = rows_source([edit_item(EditRecord("e2", "t1", "日本日本日本日本日本.md", MOMENT, 0, ""))])
    assert wide.width_hint() == 46
