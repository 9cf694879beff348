"""The task filter syntax."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shadow_tui.errors import QuerySyntaxError
from shadow_tui.queries.filter import format_filter, parse_date, parse_filter
from shadow_tui.queries.fts import first_match_start, highlight_offsets, parse_search

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def test_filter_every_field() -> None:
    parsed = parse_filter(
        'status:error,running repo:shadow branch:main model:claude user:alice since:7d '
        'until:2026-11-30 id:ab12 free words "a phrase"', now=NOW,
    )
    assert parsed.statuses == ("error", "running")
    assert parsed.repos == ("shadow",)
    assert parsed.branches == ("main",)
    assert parsed.models == ("claude",)
    assert parsed.users == ("alice",)
    assert parsed.ids == ("ab12",)
    assert parsed.since == datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    assert parsed.until == datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=timezone.utc)
    assert parsed.text == ("free", "words", "a phrase")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("today", datetime(2026, 11, 30, tzinfo=timezone.utc)),
        ("yesterday", datetime(2026, 11, 29, tzinfo=timezone.utc)),
        ("2w", datetime(2026, 11, 16, 12, tzinfo=timezone.utc)),
        ("1m", datetime(2026, 10, 31, 12, tzinfo=timezone.utc)),
        ("2026-01-02", datetime(2026, 1, 2, tzinfo=timezone.utc)),
        ("2026-01-02T03:04:05+01:00", datetime(2026, 1, 2, 2, 4, 5, tzinfo=timezone.utc)),
    ],
)
def test_parse_date_forms(value: str, expected: datetime) -> None:
    assert parse_date(value, now=NOW) == expected


@pytest.mark.parametrize(
    ("query", "named"),
    [("colour:red", "'colour'"), ("since:soon", "'soon'"), ("status:", "'status:'"), ('"open', "not closed")],
)
def test_invalid_token_is_named(query: str, named: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_filter(query)
    assert named in str(caught.value)


def test_urls_and_paths_are_text() -> None:
    parsed = parse_filter("https://github.com/acme src/app.py:42")
    assert parsed.text == ("https://github.com/acme", "src/app.py:42")


def test_format_round_trip() -> None:
    parsed = parse_filter('status:error repo:"my repo" since:2026-11-01 word', now=NOW)
    assert parse_filter(format_filter(parsed), now=NOW) == parsed


@given(st.text(max_size=60))
def test_parse_filter_raises_only_syntax_errors(query: str) -> None:
    try:
        parse_filter(query, now=NOW)
    except QuerySyntaxError:
        pass


@given(
    st.text(alphabet="ab c.悬空\nİ", max_size=40),
    st.sampled_from(["a", "ab*", '"a b"', "悬空", "c ab", "b.c", "i"]),
)
def test_first_match_start_agrees(text: str, query: str) -> None:
    terms = parse_search(query)
    spans = highlight_offsets(text, terms)
    assert first_match_start(text, terms) == (spans[0][0] if spans else None)


def test_highlight_marks_phrase_not_words() -> None:
    text = "- uses: actions/checkout@v3\n+ uses: actions/checkout@v4"
    terms = parse_search("checkout@v4")
    start = text.index("checkout@v4")
    assert highlight_offsets(text, terms) == [(start, start + len("checkout@v4"))]
    assert first_match_start(text, terms) == start


def test_highlight_phrase_across_separators() -> None:
    text = "see list_uploads, and the uploads list"
    assert highlight_offsets(text, parse_search("list_uploads")) == [(4, 16)]
    assert highlight_offsets(text, parse_search('"uploads list"')) == [(26, 38)]
    assert highlight_offsets(text, parse_search("list_up*")) == [(4, 16)]


def test_highlight_falls_back_to_words() -> None:
    # The words occur apart, as in a snippet cut from the middle of a phrase.
    text = "time passes in every zone"
    assert highlight_offsets(text, parse_search('"time zone"')) == [(0, 4), (21, 25)]
