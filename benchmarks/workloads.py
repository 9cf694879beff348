"""The fixed inputs of the measures: 20 filters and 20 search words.

Dates are relative to the demo's fixed `--now` (2025-07-01), which the
app is given too, so `since:7d` means the same days in every run. The
words mix frequent ones (in tens of thousands of rows of the large
database), rarer ones, and ones that match nothing.
"""

from __future__ import annotations

FILTER_QUERIES: tuple[str, ...] = (
    "status:error",
    "status:running,pending",
    "repo:payments-api",
    "repo:web",
    "model:opus",
    "user:mchen",
    "branch:fix/",
    "since:7d",
    "since:2025-06-01 until:2025-06-07",
    "status:completed repo:search-engine",
    "flaky",
    '"time zone"',
    "timeout status:error",
    "migration repo:billing",
    "id:ab",
    "user:praman since:30d",
    "status:error model:sonnet since:14d",
    "deadlock",
    "repo:infra branch:main status:completed",
    "webhook until:2025-05-01",
)

SEARCH_WORDS: tuple[str, ...] = (
    "timeout",
    "migration",
    "deprecated",
    "KeyError",
    "webhook",
    "checkout",
    "flaky",
    "latency",
    "segfault",
    "refactor",
    "pytest",
    "fixture",
    "retry",
    "lint",
    "idempotency",
    "connection",
    "schema",
    "docker",
    "invoice",
    "deadlock",
)
