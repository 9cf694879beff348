"""The result of an import: counts of sessions and rows, warnings and failures."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from shadow_tui.importers.base import ImportProblem

TABLE_NAMES = ("tasks", "chat_messages", "task_commands", "file_edits", "artifacts")


@dataclass(frozen=True, slots=True)
class SessionFailure:
    """A session, or a whole source, that could not be imported."""

    source: str
    task_id: str | None
    """The task the session would have become, or None when the source could not be read."""
    reason: str

    def __str__(self) -> str:
        where = f"{self.source} ({self.task_id})" if self.task_id else self.source
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file in a searched folder that is not in a known format, or not in the requested one."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class DefaultPlace:
    """A default session folder, searched when no source is given."""

    path: str
    exists: bool


@dataclass(slots=True)
class ImportSummary:
    """Counts of sessions and rows of one import, with its warnings and failures."""

    database: str = ""
    """The database written to, as shown to people (a URL's password is masked)."""
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLE_NAMES, 0))
    """Rows inserted per table."""
    formats: dict[str, int] = field(default_factory=dict)
    """Sessions read per format."""
    warnings: list[ImportProblem] = field(default_factory=list)
    failures: list[SessionFailure] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    default_places: list[DefaultPlace] = field(default_factory=list)
    """The default folders searched, or an empty list when sources were given."""
    database_removed: bool = False
    """True when the import created a SQLite file, imported nothing into it, and removed it."""

    @property
    def sessions(self) -> int:
        return self.new + self.updated + self.unchanged + self.failed

    def add_rows(self, rows: dict[str, int]) -> None:
        for table, count in rows.items():
            self.rows[table] = self.rows.get(table, 0) + count

    def to_dict(self) -> dict[str, object]:
        return {
            "database": self.database,
            "database_removed": self.database_removed,
            "sessions": {
                "total": self.sessions, "new": self.new, "updated": self.updated,
                "unchanged": self.unchanged, "failed": self.failed,
            },
            "rows": dict(self.rows),
            "formats": dict(self.formats),
            "warnings": [{**asdict(problem), "text": str(problem)} for problem in self.warnings],
            "failures": [asdict(failure) for failure in self.failures],
            "skipped": [asdict(item) for item in self.skipped],
            "default_places": [asdict(place) for place in self.default_places],
        }

    def to_json(self) -> str:
        """Return the summary as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
