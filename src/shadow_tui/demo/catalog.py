"""The fixed cast of the demo database: people, repositories, models and task topics."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    email: str
    display_name: str
    weight: int
    """Relative share of the tasks this user starts."""


@dataclass(frozen=True, slots=True)
class DemoRepo:
    name: str
    language: str
    """Main language: python, typescript, go, rust, sql, markdown, yaml or css."""
    weight: int

    @property
    def url(self) -> str:
        return f"https://github.com/acme/{self.name}"

    @property
    def package(self) -> str:
        """The repository name as a Python or Rust module name."""
        return self.name.replace("-", "_")


@dataclass(frozen=True, slots=True)
class DemoModel:
    name: str
    input_usd_per_million: float
    output_usd_per_million: float
    weight: int


USERS = (
    DemoUser("mchen", "maya.chen@acme.dev", "Maya Chen", 9),
    DemoUser("jweber", "jonas.weber@acme.dev", "Jonas Weber", 7),
    DemoUser("praman", "priya.raman@acme.dev", "Priya Raman", 8),
    DemoUser("talvarez", "tomas.alvarez@acme.dev", "Tomás Álvarez", 5),
    DemoUser("atanaka", "aiko.tanaka@acme.dev", "田中 愛子 (Aiko Tanaka)", 4),
    DemoUser("sokafor", "sam.okafor@acme.dev", "Sam Okafor", 6),
    DemoUser("release-bot", "release-bot@acme.dev", "Release Bot", 2),
)

REPOS = (
    DemoRepo("payments-api", "python", 10),
    DemoRepo("billing-service", "python", 7),
    DemoRepo("ml-pipeline", "python", 5),
    DemoRepo("data-platform", "python", 4),
    DemoRepo("web-dashboard", "typescript", 9),
    DemoRepo("checkout-web", "typescript", 6),
    DemoRepo("mobile-bff", "typescript", 4),
    DemoRepo("status-page", "typescript", 2),
    DemoRepo("design-system", "css", 4),
    DemoRepo("ingest-worker", "go", 7),
    DemoRepo("auth-gateway", "go", 5),
    DemoRepo("k8s-operator", "go", 3),
    DemoRepo("search-engine", "rust", 6),
    DemoRepo("edge-proxy", "rust", 4),
    DemoRepo("cli-tools", "rust", 3),
    DemoRepo("warehouse-sql", "sql", 4),
    DemoRepo("analytics-dbt", "sql", 3),
    DemoRepo("docs", "markdown", 3),
    DemoRepo("infra", "yaml", 4),
    DemoRepo("platform-helm", "yaml", 2),
)

# Approximate list prices in US dollars per million tokens, as the vendors
# published them in mid-2025. They only make the demo costs plausible.
MODELS = (
    DemoModel("claude-sonnet-4", 3.0, 15.0, 12),
    DemoModel("claude-opus-4", 15.0, 75.0, 3),
    DemoModel("claude-3-7-sonnet", 3.0, 15.0, 2),
    DemoModel("gpt-5-codex", 1.25, 10.0, 6),
    DemoModel("gpt-4.1", 2.0, 8.0, 4),
    DemoModel("o3", 2.0, 8.0, 3),
)

# Singular nouns whose plural is the noun plus "s". Task titles, file names
# and identifiers are built from them.
NOUNS = (
    "invoice", "webhook", "session", "refund", "subscription", "upload", "report",
    "order", "customer", "token", "schedule", "notification", "shipment", "coupon",
    "payout", "tenant", "job", "metric", "event", "export",
)

# Task kinds with their branch prefix and title templates. `«noun»` and
# `«nouns»` are replaced by a noun from NOUNS.
TITLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "fix": ("fix", (
        "Fix «noun» retry loop that never gives up",
        "Fix race in «noun» cache invalidation",
        "Fix off-by-one in «noun» pagination",
        "Handle an empty «noun» list in the export",
        "Fix flaky «noun» test on CI",
        "Fix time zone bug in «noun» timestamps",
        "Stop double-sending «noun» emails",
        "Fix 500 error when a «noun» has no owner",
    )),
    "feature": ("feature", (
        "Add pagination to the «nouns» endpoint",
        "Add a --dry-run flag to the «noun» sync",
        "Support filtering «nouns» by date range",
        "Add metrics for «noun» processing latency",
        "Add bulk delete for «nouns»",
        "Expose «noun» status in the admin view",
        "Add CSV export of «nouns»",
    )),
    "refactor": ("refactor", (
        "Split the «noun» module into smaller files",
        "Replace the hand-written «noun» parser",
        "Move «noun» validation into one place",
        "Remove the deprecated «noun» v1 client",
    )),
    "chore": ("chore", (
        "Bump dependencies and fix new lint warnings",
        "Upgrade CI to the new runner image",
        "Speed up the «noun» test suite",
        "Clean up unused «noun» feature flags",
    )),
    "docs": ("docs", (
        "Document the «noun» API",
        "Write a runbook for «noun» incidents",
    )),
}

TASK_KIND_WEIGHTS = {"fix": 40, "feature": 30, "refactor": 12, "chore": 12, "docs": 6}

ERROR_MESSAGES = (
    "Sandbox timed out after 1800 s without finishing the task",
    "Model API returned 529 Overloaded three times; giving up",
    "git push rejected: the branch is protected and requires a pull request",
    "Context window exceeded: 212,431 tokens requested, limit 200,000",
    "Container exited with code 137 (out of memory) while running the tests",
    "Cannot clone repository: authentication failed for https://github.com/acme",
    "Tool call failed: the file is not valid UTF-8",
    "Rate limit exceeded for the organization; retry after 60 s",
)
