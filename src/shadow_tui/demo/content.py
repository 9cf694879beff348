"""Chat text of the demo sessions: user prompts and Markdown replies from the agent.

Texts are assembled from fragments with placeholders in «guillemets», which
`fill` replaces from a task's names, so one fragment reads naturally in
every repository.
"""

from __future__ import annotations

import random
import re

from shadow_tui.demo.catalog import DemoRepo
from shadow_tui.demo.snippets import FENCES_BY_LANGUAGE, SNIPPETS

_PLACEHOLDER = re.compile("«([A-Za-z_]+)»")

# Main file, test file, function name and test command by repository language.
_FILES: dict[str, tuple[str, str, str, str]] = {
    "python": ("src/«package»/«nouns».py", "tests/test_«nouns».py", "fetch_«nouns»", "pytest -q"),
    "typescript": ("src/api/«nouns».ts", "src/api/«nouns».test.ts", "fetch«Nouns»", "npm test"),
    "css": ("src/components/«Noun»Card.module.css", "src/components/«Noun»Card.test.tsx",
            "render«Noun»Card", "npm test"),
    "go": ("internal/«noun»/«noun».go", "internal/«noun»/«noun»_test.go", "List«Nouns»",
           "go test ./..."),
    "rust": ("src/«noun».rs", "tests/«noun»_test.rs", "list_«nouns»", "cargo test"),
    "sql": ("models/«nouns».sql", "tests/assert_«nouns»_unique.sql", "stg_«nouns»", "dbt test"),
    "markdown": ("docs/«nouns».md", "docs/index.md", "«nouns»", "npx markdownlint-cli2 docs"),
    "yaml": ("deploy/«noun»-worker.yaml", ".github/workflows/ci.yml", "«noun»-worker",
             "yamllint ."),
}

_DOC_LINKS: dict[str, tuple[tuple[str, str], ...]] = {
    "python": (("pytest parametrize", "https://docs.pytest.org/en/stable/how-to/parametrize.html"),
               ("dataclasses", "https://docs.python.org/3/library/dataclasses.html")),
    "typescript": (("narrowing", "https://www.typescriptlang.org/docs/handbook/2/narrowing.html"),
                   ("AbortController", "https://developer.mozilla.org/en-US/docs/Web/API/AbortController")),
    "css": (("CSS grid", "https://developer.mozilla.org/en-US/docs/Web/CSS/CSS_grid_layout"),),
    "go": (("context", "https://pkg.go.dev/context"),
           ("errors.Is", "https://pkg.go.dev/errors#Is")),
    "rust": (("Result", "https://doc.rust-lang.org/std/result/"),
             ("rusqlite", "https://docs.rs/rusqlite/latest/rusqlite/")),
    "sql": (("CREATE INDEX", "https://www.postgresql.org/docs/current/sql-createindex.html"),
            ("window functions", "https://www.postgresql.org/docs/current/tutorial-window.html")),
    "markdown": (("CommonMark", "https://commonmark.org/help/"),),
    "yaml": (("Deployments", "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/"),),
}


def task_names(repo: DemoRepo, noun: str, branch: str, title: str) -> dict[str, str]:
    """Build the placeholder values of one task from its repository, noun and branch."""
    names = {
        "noun": noun,
        "nouns": noun + "s",
        "Noun": noun.capitalize(),
        "Nouns": noun.capitalize() + "s",
        "repo": repo.name,
        "repo_url": repo.url,
        "package": repo.package,
        "branch": branch,
        "title": title,
    }
    main_file, test_file, func, test_command = _FILES[repo.language]
    names["file"] = fill(main_file, names)
    names["test_file"] = fill(test_file, names)
    names["func"] = fill(func, names)
    names["test_command"] = test_command
    return names


def fill(template: str, names: dict[str, str]) -> str:
    """Replace every «name» placeholder. An unknown name raises KeyError."""
    return _PLACEHOLDER.sub(lambda match: names[match[1]], template)


_PROMPT_CONTEXT = (
    "Customers reported this on the support channel yesterday. The logs point at `«file»`.",
    "This shows up about once a day in Sentry, always from `«func»`.",
    "We need this before the next release. The relevant code is in `«file»`.",
    "Product asked for this in the planning meeting; keep the change small.",
    "I started on `«branch»` but did not get far. Please pick it up from there.",
    "See the failing run on CI: https://github.com/acme/«repo»/actions/runs/«run_id»",
)

_PROMPT_CONSTRAINTS = (
    "Constraints:\n- keep the public API of `«func»` unchanged\n- add tests for the new behaviour\n"
    "- run `«test_command»` before you finish",
    "Please:\n1. reproduce it first with a failing test\n2. fix it\n3. summarise what you changed",
    "Don't touch the database schema in this change.",
    "",
)

# Follow-up messages, each with the kind of reply it calls for: "explain"
# (a longer reply), "sql" (a reply with a query) or "any".
_FOLLOW_UPS = (
    ("Looks good. Can you also add a test for the empty case?", "any"),
    ("CI failed on lint, please fix it.", "any"),
    ("Why did you change `«file»`? I thought the bug was elsewhere.", "any"),
    ("Please keep the public API unchanged; other teams import `«func»`.", "any"),
    ("Can you rename `«func»` to something clearer while you're at it?", "any"),
    ("Run the full test suite again, not just `«test_file»`.", "any"),
    ("That's not quite it: the problem only happens when there are more than 100 «nouns».", "any"),
    ("Nice. Please also update the docs page for «nouns».", "any"),
    ("What happens if the upstream service times out?", "explain"),
    ("lgtm, push it to `«branch»` and open a PR.", "any"),
    ("Can you show me the SQL it generates now?", "sql"),
    ("Please undo the formatting changes in unrelated files.", "any"),
    ("Use the existing retry helper instead of writing a new loop.", "any"),
    ("The test is flaky on my machine: it passed once and failed twice.", "any"),
    ("Add a log line when we skip a «noun», with its id.", "any"),
    ("请把 `«func»` 的错误信息也翻译成中文，谢谢。", "any"),
    ("Great work 🎉 one more thing: bump the version in the changelog.", "any"),
    ("Could you explain the trade-off between these two approaches?", "explain"),
)

_PLAN_INTROS = (
    "I'll start by reading the code around `«func»` and the existing tests.",
    "Let me look at how «nouns» flow through `«file»` before changing anything.",
    "First I'll reproduce the problem with a test, then fix it.",
)

_PLAN_STEPS = (
    "Read `«file»` and find where «nouns» are loaded",
    "Write a failing test in `«test_file»`",
    "Fix `«func»` so it handles the edge case",
    "Run `«test_command»` and the linters",
    "Check the callers of `«func»` for assumptions that change",
    "Update the docs and the changelog",
    "Open a pull request against `main` from `«branch»`",
)

# Openings and closings of a reply around a code block, by the kind of block.
_FINDING_TEXTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "code": (
        ("Found it. `«func»` stops after the first page because it never reads the cursor:",
         "The bug is in `«file»`. Here is the relevant part:",
         "The test fails because the «noun» fixture has no owner. This is the code path:",
         "Here is the new version:"),
        ("The fix is to keep going while the server returns a `next_cursor`.",
         "This also explains the timeouts: each retry starts from scratch.",
         "Callers never relied on the old behaviour, so the change is safe.",
         "I kept the signature the same, so no caller needs to change.",
         "With **«count»** «nouns» in the fixture, the old code returned only 100."),
    ),
    "sql": (
        ("This is the query the endpoint runs now:",
         "Here is the query I used to check the data:",
         "The migration adds this:"),
        ("On a copy of production data it returns in about «count» ms.",
         "It touches only the «nouns» table, so no other team is affected.",
         "I checked the plan with `EXPLAIN ANALYZE`; it uses the new index."),
    ),
    "bash": (
        ("To reproduce it locally:",
         "These are the commands I ran:"),
        ("With that, the failure shows up on the first run.",
         "Everything passes after these steps."),
    ),
    "docs": (
        ("I updated the page like this:",
         "Here is the new section:"),
        ("The rest of the file is unchanged.",
         "I kept the existing headings so old links still work."),
    ),
}
_FINDING_GROUP = {"sql": "sql", "bash": "bash", "markdown": "docs", "yaml": "docs"}

_PROGRESS = (
    "Running the tests now.",
    "The tests pass locally. Running the linters next.",
    "`«test_command»` reports one failure in `«test_file»`; looking into it.",
    "I updated `«file»` and added two tests to `«test_file»`.",
    "Lint found an unused import, which I removed.",
    "Checking the other callers of `«func»`:\n\n- `«file»`: unchanged\n- `«test_file»`: updated\n"
    "- the admin view: not affected",
    "The failure was an ordering issue in the test, not in the code. I sort the «nouns» by id "
    "before comparing.",
)

_SUMMARY_POINTS = (
    "`«func»` now follows the pagination cursor until the last page",
    "Added tests for zero, one and many «nouns» in `«test_file»`",
    "Logged a warning with the «noun» id when a row is skipped",
    "Removed the unused `legacy_«noun»_client` helper",
    "Documented the new behaviour in `docs/«nouns».md`",
    "No schema or API changes",
)

_ERROR_REPLIES = (
    "I could not finish: the test database did not start inside the sandbox "
    "(`connection refused` on port 5432).",
    "I'm stuck: `«test_command»` hangs after the first test file, and the sandbox kills it.",
    "The push failed because `«branch»` is protected. The changes are committed locally.",
)


def first_prompt(rng: random.Random, names: dict[str, str]) -> str:
    """Write the user's opening request for a task."""
    parts = [names["title"] + ".", rng.choice(_PROMPT_CONTEXT)]
    constraints = rng.choice(_PROMPT_CONSTRAINTS)
    if constraints:
        parts.append(constraints)
    return fill("\n\n".join(parts), {**names, "run_id": str(rng.randrange(10**9, 10**10))})


def follow_ups(rng: random.Random, names: dict[str, str], count: int) -> list[tuple[str, str]]:
    """Write `count` user follow-ups with the kind of reply each calls for.

    No text repeats within a task unless `count` exceeds the number of
    different follow-ups.
    """
    order = list(range(len(_FOLLOW_UPS)))
    rng.shuffle(order)
    chosen = [_FOLLOW_UPS[order[index % len(order)]] for index in range(count)]
    return [(fill(text, names), kind) for text, kind in chosen]


def _code_block(fence: str, rng: random.Random, names: dict[str, str]) -> str:
    return f"```{fence}\n{fill(rng.choice(SNIPPETS[fence]), names)}\n```"


def _doc_link(rng: random.Random, language: str) -> str:
    label, url = rng.choice(_DOC_LINKS[language])
    return f"See the [{label} documentation]({url}) for details."


def plan_message(rng: random.Random, names: dict[str, str]) -> str:
    """Write the agent's plan: an intro and a numbered list."""
    picked = sorted(rng.sample(range(len(_PLAN_STEPS)), rng.randint(3, 5)))
    steps = [_PLAN_STEPS[index] for index in picked]
    numbered = "\n".join(f"{number}. {step}" for number, step in enumerate(steps, start=1))
    return fill(f"{rng.choice(_PLAN_INTROS)}\n\n## Plan\n\n{numbered}", names)


def finding_message(
    rng: random.Random, names: dict[str, str], language: str, fence: str | None = None
) -> str:
    """Write an agent reply built around a fenced code block.

    The block is in `fence`, or else in a random fence language of the repository.
    """
    if fence is None:
        fence = rng.choice(FENCES_BY_LANGUAGE[language])
    intros, outros = _FINDING_TEXTS[_FINDING_GROUP.get(fence, "code")]
    parts = [rng.choice(intros), _code_block(fence, rng, names), rng.choice(outros)]
    if rng.random() < 0.35:
        parts.append(_doc_link(rng, language))
    return fill("\n\n".join(parts), {**names, "count": str(rng.randint(101, 5000))})


def progress_message(rng: random.Random, names: dict[str, str]) -> str:
    """Write a short status update from the agent."""
    return fill(rng.choice(_PROGRESS), names)


def summary_message(rng: random.Random, names: dict[str, str], passed: int) -> str:
    """Write the agent's closing summary with a heading, a list and a PR link."""
    points = rng.sample(_SUMMARY_POINTS, rng.randint(2, 4))
    bullets = "\n".join(f"- {point}" for point in points)
    pull = rng.randint(120, 4800)
    text = (
        f"## Summary\n\n{bullets}\n\n"
        f"All {passed} tests pass (`«test_command»`). "
        f"Opened [#{pull}](https://github.com/acme/«repo»/pull/{pull}) from `«branch»`."
    )
    return fill(text, names)


def error_reply(rng: random.Random, names: dict[str, str]) -> str:
    """Write the agent's last message of a task that ended with an error."""
    return fill(rng.choice(_ERROR_REPLIES), names)


def explanation_message(rng: random.Random, names: dict[str, str], language: str) -> str:
    """Write a longer reply to a question, with headings, inline code, a code block and a link."""
    options = (
        "### Option A: retry inside `«func»`\n\nSimple, but every caller waits for the retries.\n\n"
        "### Option B: queue the «noun» and retry in the worker\n\nCallers return at once, "
        "and the worker owns backoff and dead-lettering."
    )
    parts = [
        "Good question. There are two ways to handle it:",
        options,
        _code_block(rng.choice(FENCES_BY_LANGUAGE[language]), rng, names),
        "I went with **option B** because it keeps request latency flat under load.",
        _doc_link(rng, language),
    ]
    return fill("\n\n".join(parts), names)
