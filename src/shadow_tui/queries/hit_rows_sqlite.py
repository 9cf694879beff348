"""Reading matched rows for search hits through `sqlite3`, without loading long values whole.

A hit needs the start of its row's text for the snippet
(`SNIPPET_SOURCE_CHARS` characters) and the row's created_at. In SQL both
are costly for a long output or diff: `substr(output, 1, N)` loads the
whole value first, and created_at is stored after that value, so SQLite
reaches it only through the value's chain of overflow pages. For the 20 MB
output of the benchmark's heaviest task that took 14 to 28 ms per hit.

So outputs and diffs are read through SQLite's incremental blob I/O, which
reads only the requested bytes (7 ms for that output). The created_at of
commands and edits comes from their `(task_id, created_at)` index, which
contains it next to the rowid. Messages keep plain SQL: a task can have 10,000
of them, which that index would scan for each hit, and they are short.
`tests/test_search_sqlite.py` compares the hits with the SQLAlchemy path's.
"""

from __future__ import annotations

import codecs
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from shadow_tui.db.fulltext import SearchableTable
from shadow_tui.queries.search_hits import KEY_COLUMNS, SNIPPET_SOURCE_CHARS

# Text columns read through blob handles, and tables whose created_at is read from the index.
LONG_COLUMNS = {("task_commands", "output"), ("file_edits", "diff")}
TIME_FROM_INDEX = {"task_commands", "file_edits"}
# A UTF-8 character takes at most 4 bytes.
UTF8_MAX_BYTES = 4
# Characters (or bytes, through a blob handle) read per step when a long field is scanned for its first match.
SCAN_CHUNK_CHARS = 1 << 20


@dataclass(frozen=True, slots=True)
class HitRowReader:
    """Reads one table's matched rows by primary key: key, task_id, task title, indexed texts, created_at."""

    connection: sqlite3.Connection
    spec: SearchableTable
    blobs: bool
    """Read long columns through blob handles; needs a UTF-8 database."""

    def rows(self, keys: list[str]) -> Iterator[dict[str, Any]]:
        """Yield a dict per matched row, with the table's indexed column names as keys of their texts."""
        names = ["key", "task_id", "title", "rowid", "created_at"]
        for index, column in enumerate(self.spec.columns):
            if self._long(column):
                names += [f"{stored}:type" for stored in self.spec.stored_columns(index)]
            else:
                names.append(column)
        for values in self.connection.execute(self._sql(len(keys)), keys):
            row = dict(zip(names, values, strict=True))
            for index, column in enumerate(self.spec.columns):
                if self._long(column):
                    row[column] = self._read_long(index, row)
            yield row

    def chunks(self, index: int, row: dict[str, Any]) -> Iterator[str]:
        """Yield the whole text of an indexed column of a row, from its start, a chunk at a time."""
        table = self.spec.table
        column = self.spec.columns[index]
        if self._long(column):
            for stored in self.spec.stored_columns(index):
                if row[f"{stored}:type"] != "null":
                    yield from read_text_chunks(self.connection, table, stored, row["rowid"])
                    return
            return
        start = 1
        while True:
            found = self.connection.execute(
                f"SELECT substr({self.spec.source(index, table)}, ?, ?) FROM {table} WHERE rowid = ?",
                (start, SCAN_CHUNK_CHARS, row["rowid"]),
            ).fetchone()
            text = None if found is None else found[0]
            if not text:
                return
            yield text
            start += len(text)

    def _long(self, column: str) -> bool:
        return self.blobs and (self.spec.table, column) in LONG_COLUMNS

    def _sql(self, key_count: int) -> str:
        table = self.spec.table
        key = f"{table}.{KEY_COLUMNS[table]}"
        if table in TIME_FROM_INDEX:
            # `+rowid` keeps SQLite off the rowid lookup, which would read the row, and on the index.
            created_at = (
                f"(SELECT inner_row.created_at FROM {table} AS inner_row "
                f"WHERE inner_row.task_id = {table}.task_id AND +inner_row.rowid = {table}.rowid)"
            )
        else:
            created_at = f"{table}.created_at"
        columns = [key, f"{table}.task_id", "tasks.title", f"{table}.rowid", created_at]
        for index, column in enumerate(self.spec.columns):
            if self._long(column):
                columns += [f"typeof({table}.{stored})" for stored in self.spec.stored_columns(index)]
            else:
                columns.append(f"substr({self.spec.source(index, table)}, 1, {SNIPPET_SOURCE_CHARS})")
        placeholders = ", ".join("?" * key_count)
        return (
            f"SELECT {', '.join(columns)} FROM {table} JOIN tasks ON tasks.task_id = {table}.task_id "
            f"WHERE {key} IN ({placeholders})"
        )

    def _read_long(self, index: int, row: dict[str, Any]) -> str | None:
        """Return the start of the first stored column that is not NULL, as the index's `coalesce` takes it.

        Columns of TEXT affinity hold only NULL, text and blobs; a blob is read as UTF-8 text.
        """
        for stored in self.spec.stored_columns(index):
            if row[f"{stored}:type"] != "null":
                return read_text_start(self.connection, self.spec.table, stored, row["rowid"], SNIPPET_SOURCE_CHARS)
        return None


def read_text_start(connection: sqlite3.Connection, table: str, column: str, rowid: int, chars: int) -> str:
    """Return the first `chars` characters of a stored UTF-8 value, reading at most 4 bytes per character.

    A character cut at the end of the bytes read is dropped, and bytes that
    are not UTF-8 become U+FFFD.
    """
    byte_count = chars * UTF8_MAX_BYTES
    with connection.blobopen(table, column, rowid, readonly=True) as blob:
        data = blob.read(byte_count)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    return decoder.decode(data, final=len(data) < byte_count)[:chars]


def read_text_chunks(connection: sqlite3.Connection, table: str, column: str, rowid: int) -> Iterator[str]:
    """Yield a stored UTF-8 value as text, SCAN_CHUNK_CHARS bytes at a time, decoded as `read_text_start` decodes."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    with connection.blobopen(table, column, rowid, readonly=True) as blob:
        while data := blob.read(SCAN_CHUNK_CHARS):
            yield decoder.decode(data)
    yield decoder.decode(b"", final=True)


def utf8_database(connection: sqlite3.Connection) -> bool:
    """Tell whether the database stores text as UTF-8, which `read_text_start` expects."""
    row = connection.execute("PRAGMA encoding").fetchone()
    return row is not None and str(row[0]).upper() == "UTF-8"
