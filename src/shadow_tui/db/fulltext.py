"""Full-text index DDL for both backends.

SQLite: an FTS5 external-content table per searchable table, tokenised by
unicode61 (words, case-folded, diacritics kept) and kept in sync by
triggers. Rows that contain CJK text are also indexed by a trigram FTS5
table, because unicode61 treats a run of CJK characters as one token and so
finds neither `悬空` inside `itgc后50条悬空引用清零` nor `itgc`.

PostgreSQL: a generated tsvector column with a GIN index per table, built
from the same word split as unicode61 (every run of letters and digits is a
word), plus a generated `has_cjk` flag with a partial index for the
substring fallback.

NOTE: the FTS5 tables address rows by SQLite's implicit rowid, which
`VACUUM` may renumber in tables without an INTEGER PRIMARY KEY. After a
VACUUM, run `shadow-tui db rebuild-search` to rebuild the indexes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Kana, CJK ideographs (with extension A) and Hangul syllables.
CJK_RANGES = ("\u3040", "\u30ff"), ("\u3400", "\u9fff"), ("\uac00", "\ud7af")

# PostgreSQL rejects a tsvector over 1 MB, so only the first 256 Ki
# characters of each text column are indexed there.
# NOTE: on PostgreSQL, words past that point of a long output are not found.
PG_INDEXED_CHARS = 262_144


@dataclass(frozen=True, slots=True)
class SearchableTable:
    table: str
    columns: tuple[str, ...]
    sources: tuple[str, ...] = ()
    """SQL expressions indexed for each column, with `{row}` standing for the
    row (`new`, `old` or the table name) before each stored column it reads;
    empty means the columns themselves."""

    def source(self, index: int, row: str) -> str:
        if not self.sources:
            return f"{row}.{self.columns[index]}" if row else self.columns[index]
        return self.sources[index].format(row=f"{row}." if row else "")

    def stored_columns(self, index: int) -> tuple[str, ...]:
        """Return the stored columns that a column's source reads, in `coalesce` order."""
        if not self.sources:
            return (self.columns[index],)
        return tuple(re.findall(r"\{row\}(\w+)", self.sources[index]))

    def values(self, row: str) -> str:
        return ", ".join(self.source(index, row) for index in range(len(self.columns)))

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    @property
    def cjk(self) -> str:
        return f"{self.table}_cjk"


SEARCHABLE_TABLES = (
    SearchableTable("chat_messages", ("content",)),
    # Outputs are indexed without escape sequences where the writer stored
    # that text, so a word right after a color code (`\x1b[31mFAILED`) is found.
    SearchableTable(
        "task_commands",
        ("command_text", "output"),
        ("{row}command_text", "coalesce({row}output_search, {row}output)"),
    ),
    SearchableTable("file_edits", ("file_path", "diff")),
)


def _sqlite_glob_cjk() -> str:
    return "*[" + "".join(f"{low}-{high}" for low, high in CJK_RANGES) + "]*"


def _pg_regex_cjk() -> str:
    return "[" + "".join(f"{low}-{high}" for low, high in CJK_RANGES) + "]"


def sqlite_fulltext_ddl() -> list[str]:
    """Return the statements that create the FTS5 tables and their triggers."""
    statements: list[str] = []
    glob = _sqlite_glob_cjk()
    for spec in SEARCHABLE_TABLES:
        cols = ", ".join(spec.columns)
        new_vals = spec.values("new")
        old_vals = spec.values("old")
        new_has_cjk = " OR ".join(f"{spec.source(i, 'new')} GLOB '{glob}'" for i in range(len(spec.columns)))
        old_has_cjk = " OR ".join(f"{spec.source(i, 'old')} GLOB '{glob}'" for i in range(len(spec.columns)))
        statements += [
            f"CREATE VIRTUAL TABLE {spec.fts} USING fts5({cols}, content='{spec.table}', "
            f"content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')",
            f"CREATE VIRTUAL TABLE {spec.cjk} USING fts5({cols}, content='{spec.table}', "
            f"content_rowid='rowid', tokenize='trigram')",
            f"CREATE TRIGGER {spec.table}_fts_insert AFTER INSERT ON {spec.table} BEGIN "
            f"INSERT INTO {spec.fts}(rowid, {cols}) VALUES (new.rowid, {new_vals}); END",
            f"CREATE TRIGGER {spec.table}_fts_delete AFTER DELETE ON {spec.table} BEGIN "
            f"INSERT INTO {spec.fts}({spec.fts}, rowid, {cols}) "
            f"VALUES ('delete', old.rowid, {old_vals}); END",
            f"CREATE TRIGGER {spec.table}_fts_update AFTER UPDATE ON {spec.table} BEGIN "
            f"INSERT INTO {spec.fts}({spec.fts}, rowid, {cols}) "
            f"VALUES ('delete', old.rowid, {old_vals}); "
            f"INSERT INTO {spec.fts}(rowid, {cols}) VALUES (new.rowid, {new_vals}); END",
            f"CREATE TRIGGER {spec.table}_cjk_insert AFTER INSERT ON {spec.table} "
            f"WHEN {new_has_cjk} BEGIN "
            f"INSERT INTO {spec.cjk}(rowid, {cols}) VALUES (new.rowid, {new_vals}); END",
            f"CREATE TRIGGER {spec.table}_cjk_delete AFTER DELETE ON {spec.table} "
            f"WHEN {old_has_cjk} BEGIN "
            f"INSERT INTO {spec.cjk}({spec.cjk}, rowid, {cols}) "
            f"VALUES ('delete', old.rowid, {old_vals}); END",
            f"CREATE TRIGGER {spec.table}_cjk_update_old AFTER UPDATE ON {spec.table} "
            f"WHEN {old_has_cjk} BEGIN "
            f"INSERT INTO {spec.cjk}({spec.cjk}, rowid, {cols}) "
            f"VALUES ('delete', old.rowid, {old_vals}); END",
            f"CREATE TRIGGER {spec.table}_cjk_update_new AFTER UPDATE ON {spec.table} "
            f"WHEN {new_has_cjk} BEGIN "
            f"INSERT INTO {spec.cjk}(rowid, {cols}) VALUES (new.rowid, {new_vals}); END",
        ]
    return statements


def sqlite_rebuild_statements() -> list[str]:
    """Return the statements that rebuild every FTS5 index from its table."""
    # Both indexes are refilled from the table rather than rebuilt, because
    # they index expressions (and, for trigrams, only the CJK rows).
    statements = []
    for spec in SEARCHABLE_TABLES:
        cols = ", ".join(spec.columns)
        values = spec.values("")
        has_cjk = " OR ".join(
            f"{spec.source(i, '')} GLOB '{_sqlite_glob_cjk()}'" for i in range(len(spec.columns))
        )
        for index in (spec.fts, spec.cjk):
            statements.append(f"INSERT INTO {index}({index}) VALUES ('delete-all')")
        statements.append(f"INSERT INTO {spec.fts}(rowid, {cols}) SELECT rowid, {values} FROM {spec.table}")
        statements.append(
            f"INSERT INTO {spec.cjk}(rowid, {cols}) SELECT rowid, {values} FROM {spec.table} WHERE {has_cjk}"
        )
    return statements


def pg_word_text(column: str) -> str:
    """Return the SQL expression that splits a column into words like unicode61."""
    return f"regexp_replace(left({column}, {PG_INDEXED_CHARS}), '[^[:alnum:]]+', ' ', 'g')"


def pg_fulltext_ddl() -> list[str]:
    """Return the statements that add tsvector and CJK columns with their indexes."""
    statements: list[str] = []
    regex = _pg_regex_cjk()
    for spec in SEARCHABLE_TABLES:
        sources = [spec.source(index, "") for index in range(len(spec.columns))]
        vector = " || ".join(f"to_tsvector('simple'::regconfig, {pg_word_text(c)})" for c in sources)
        has_cjk = " OR ".join(f"{c} ~ '{regex}'" for c in sources)
        statements += [
            f"ALTER TABLE {spec.table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({vector}) STORED",
            f"ALTER TABLE {spec.table} ADD COLUMN has_cjk boolean "
            f"GENERATED ALWAYS AS ({has_cjk}) STORED",
            f"CREATE INDEX ix_{spec.table}_search_vector ON {spec.table} USING gin (search_vector)",
            f"CREATE INDEX ix_{spec.table}_has_cjk ON {spec.table} (task_id) WHERE has_cjk",
        ]
    return statements


def fulltext_ddl(dialect_name: str) -> list[str]:
    """Return the full-text DDL for a dialect name (`sqlite` or `postgresql`)."""
    if dialect_name == "sqlite":
        return sqlite_fulltext_ddl()
    if dialect_name == "postgresql":
        return pg_fulltext_ddl()
    raise ValueError(f"unsupported database dialect {dialect_name!r}: use sqlite or postgresql")
