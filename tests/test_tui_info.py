"""The Info tab's wording."""

from __future__ import annotations

import pytest

from shadow_tui.tui.panes.info import _count as info_count


@pytest.mark.parametrize(("number", "expected"), [(0, "0 artifacts"), (1, "1 artifact"), (2, "2 artifacts"),
                                                  (1200, "1,200 artifacts")])
def test_count_singular_plural(number: int, expected: str) -> None:
    assert info_count(number, "artifact") == expected
