"""Chat message rows: placeholder bodies folded only when drawn, and the spans that a search or find marks."""

from __future__ import annotations

import pytest

from shadow_tui.queries.fts import parse_search
from shadow_tui.tui.widgets.message_render import FoldedRows, estimate_height, placeholder_strips, term_spans


def texts(rows: FoldedRows) -> list[str]:
    return [strip.text for strip in rows]


def test_short_message_folds_by_line() -> None:
    rows = placeholder_strips("abcdefgh\n\nxy", 3)
    assert texts(rows) == ["abc", "def", "gh", "", "xy"]
    assert len(rows) == estimate_height("abcdefgh\n\nxy", 3)


def test_short_message_controls_visible() -> None:
    rows = placeholder_strips("a\x1b]52;c;eA==\x07b", 80)
    assert len(rows) == 1
    assert "\x1b" not in rows[0].text
    assert "\x07" not in rows[0].text


def test_wide_table_rows_lazy() -> None:
    table = "| " + " | ".join(f"c{column}" for column in range(10_000)) + " |"
    rows = placeholder_strips(table, 100)
    assert len(rows) == estimate_height(table, 100)
    assert rows[0].text == table[:100]
    assert rows[-1].text == table[(len(rows) - 1) * 100 :]


def test_long_message_matches_estimate() -> None:
    content = ("x" * 150 + "\n") * 2_000
    rows = placeholder_strips(content, 80)
    assert len(content) > 200_000
    assert len(rows) == estimate_height(content, 80)
    assert all(len(strip.text) <= 80 for strip in rows[:50])
    assert "\n" not in "".join(texts(rows))


def test_long_message_controls_visible() -> None:
    content = ("\x1b[2J\x9b" + "y" * 98) * 3_000
    rows = placeholder_strips(content, 100)
    shown = "".join(texts(rows))
    assert "\x1b" not in shown
    assert "\x9b" not in shown


def test_folded_rows_indexing() -> None:
    rows = FoldedRows(3, lambda number: f"row {number}")
    assert rows[-1].text == "row 2"
    assert [strip.text for strip in rows[1:]] == ["row 1", "row 2"]
    with pytest.raises(IndexError):
        rows[3]


def test_term_spans_search_and_find() -> None:
    text = "At last the okapi shows up near the river bank."
    okapi = (text.index("okapi"), text.index("okapi") + 5)
    bank = (text.index("bank"), text.index("bank") + 4)
    # A global search matches each word; a prefix with a trailing * marks the whole word it begins.
    assert term_spans(text, "okapi bank", parse_search("okapi bank")) == [okapi, bank]
    assert term_spans(text, "oka*", parse_search("oka*")) == [okapi]
    # Find matches the typed text as one string, in any case.
    assert term_spans(text, "okapi bank", None) == []
    assert term_spans(text, "OKAPI", None) == [okapi]
