"""The sqlite3 search path returns what the SQLAlchemy path returns, and opens only current SQLite files."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from factories import make_session, write_sessions
from shadow_tui.db.access import open_reader
from shadow_tui.db.models import TABLES
from shadow_tui.db.writer import CommandData, EditData, MessageData
from shadow_tui.db.schema_version import REQUIRED_COLUMNS
from shadow_tui.db.sqlite_reader import open_current_sqlite
from shadow_tui.demo import write_demo_database
from shadow_tui.queries.search_records import SEARCH_KINDS, SearchHit, SearchKind
from shadow_tui.queries.fts import parse_search
from shadow_tui.queries.search import search
from shadow_tui.queries.search_hits import SNIPPET_SOURCE_CHARS, make_snippet, snippet_from_chunks
from shadow_tui.queries.search_sqlite import search_sqlite

NOW = datetime(2025, 7, 1, 12, 0, tzinfo=timezone.utc)

# Words, phrases, prefixes, CJK text of every length, operators typed as words, and no match.
QUERIES = [
    "error", "pytest", "retry", "test failed", '"assert result"', "build*", "fix*", "the", "TypeError",
    "translate", "翻译", "错误信息", "中文", "请把 fetch", "src/app.py:42", "C++", "NOT", "don't", "(x",
    "xylophonequartz", "", "   ", "*", '"', "a",
]
KIND_SETS: list[tuple[SearchKind, ...]] = [SEARCH_KINDS, ("message",), ("command",), ("output",), ("diff",),
                                           ("command", "diff")]


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search-sqlite") / "demo.db"
    asyncio.run(write_demo_database(str(path), tasks=40, seed=3, now=NOW))
    return path


def _engine_hits(database: Path, query: str, kinds: tuple[SearchKind, ...], limit: int) -> list[SearchHit]:
    async def run() -> list[SearchHit]:
        async with open_reader(str(database)) as (_target, engine):
            return await search(engine, query, kinds=kinds, limit=limit)

    return asyncio.run(run())


def _sqlite_hits(database: Path, query: str, kinds: tuple[SearchKind, ...], limit: int) -> list[SearchHit]:
    connection = open_current_sqlite(str(database))
    assert connection is not None
    try:
        return search_sqlite(connection, query, kinds=kinds, limit=limit)
    finally:
        connection.close()


@pytest.mark.parametrize("query", QUERIES)
def test_sqlite_path_matches_engine(demo_database: Path, query: str) -> None:
    for limit in (1, 7, 50, 1000):
        expected = _engine_hits(demo_database, query, SEARCH_KINDS, limit)
        assert _sqlite_hits(demo_database, query, SEARCH_KINDS, limit) == expected, (query, limit)


@pytest.mark.parametrize("kinds", KIND_SETS, ids=lambda kinds: "+".join(kinds))
def test_sqlite_path_matches_engine_per_kind(demo_database: Path, kinds: tuple[SearchKind, ...]) -> None:
    for query in ("error", "pytest", "diff", "错误信息", "fix*"):
        expected = _engine_hits(demo_database, query, kinds, 50)
        assert _sqlite_hits(demo_database, query, kinds, 50) == expected, (query, kinds)


def test_sqlite_path_finds_hits(demo_database: Path) -> None:
    # Guards the comparisons above against two empty result lists.
    hits = _sqlite_hits(demo_database, "error", SEARCH_KINDS, 50)
    assert len(hits) == 50
    assert {hit.kind for hit in hits} >= {"message", "output"}
    assert all(hit.created_at is not None and hit.created_at.tzinfo is not None for hit in hits)
    assert _sqlite_hits(demo_database, "错误信息", SEARCH_KINDS, 50)


def test_sqlite_path_edge_rows(tmp_path: Path) -> None:
    path = tmp_path / "hostile.db"
    output = "line one\n\x1b[31mFAILED\x1b[0m needle \x9b2J\ttabbed needle"
    sessions = [
        make_session(1, message="needle in a message", output=output, diff="@@ -1 +1 @@\n-a\n+needle\n"),
        make_session(2, message="请把renderJobCard的错误信息也翻译成中文"),
    ]
    asyncio.run(write_sessions(str(path), sessions))
    # The CJK queries with a two-character term take the substring scan, which ignores case.
    for query in ("needle", "FAILED", "failed needle", "needl*", "请把 RenderJobCard", "错误信息 RENDERJOBCARD"):
        expected = _engine_hits(path, query, SEARCH_KINDS, 50)
        assert expected, query
        assert _sqlite_hits(path, query, SEARCH_KINDS, 50) == expected, query


def test_sqlite_path_long_outputs(tmp_path: Path) -> None:
    # Outputs of several pages, stored with escape sequences so that
    # output_search is filled too. They are equal in several tasks, so bm25
    # scores tie, and the order and the hits depend on the created_at values.
    path = tmp_path / "long.db"
    colored = "\x1b[32mok\x1b[0m walrus step\n" * 12_000 + "last line walrus\n"
    sessions = [make_session(index, output=colored, days_ago=index / 10) for index in range(1, 7)]
    for index, session in enumerate(sessions, start=1):
        created = session.task.created_at
        assert created is not None
        # More matching commands in the same task, some with equal scores.
        session.commands.extend(
            CommandData(f"task{index:04d}-x{extra}", f"echo walrus {extra}", "walrus\n" * (extra + 1),
                        created + timedelta(seconds=10 + extra), exit_code=0)
            for extra in range(4)
        )
    asyncio.run(write_sessions(str(path), sessions))
    for query in ("walrus", "step", "walrus step", "last line", "echo walrus", "walr*"):
        for limit in (1, 3, 50):
            expected = _engine_hits(path, query, SEARCH_KINDS, limit)
            assert expected, (query, limit)
            assert _sqlite_hits(path, query, SEARCH_KINDS, limit) == expected, (query, limit)


def test_sqlite_path_long_multibyte_values(tmp_path: Path) -> None:
    # Longer than the snippet source, in characters of 1 to 4 bytes, with
    # the match near the start, and beyond the end of the source.
    path = tmp_path / "multibyte.db"
    outputs = ["é" * 10 + " walrus " + "漢字😀" * 100_000, "a😀" * 140_000 + " walrus tail", "\x1b[31m" + "ü" * 50 + " walrus"]
    sessions = [make_session(index, output=output, diff="@@ -1 +1 @@\n+" + output) for index, output in enumerate(outputs, 1)]
    asyncio.run(write_sessions(str(path), sessions))
    for query in ("walrus", "tail"):
        expected = _engine_hits(path, query, SEARCH_KINDS, 50)
        assert len(expected) >= 2, query
        assert _sqlite_hits(path, query, SEARCH_KINDS, 50) == expected, query


def test_match_past_snippet_source(tmp_path: Path) -> None:
    # The only match lies past the first SNIPPET_SOURCE_CHARS characters, in
    # an output, a diff and a message. The snippet, line and spans still
    # show it, the same on both paths.
    path = tmp_path / "far.db"
    filler = "".join(f"filler line {number} lorem ipsum ünïcödé 漢字\n" for number in range(9_000))
    session = make_session(1, output=filler + "the quuxmark is here\n", diff="@@ -1 +1 @@\n" + filler + "+quuxmark\n",
                           message=filler + "a quuxmark at last")
    asyncio.run(write_sessions(str(path), [session]))
    assert len(filler) > SNIPPET_SOURCE_CHARS
    engine = _engine_hits(path, "quuxmark", SEARCH_KINDS, 50)
    assert _sqlite_hits(path, "quuxmark", SEARCH_KINDS, 50) == engine
    assert sorted(hit.kind for hit in engine) == ["diff", "message", "output"]
    for hit in engine:
        assert len(hit.offsets) == 1
        start, end = hit.offsets[0]
        assert hit.snippet[start:end] == "quuxmark"
        assert hit.snippet.startswith("…")
        assert hit.line == (9_001 if hit.kind == "diff" else 9_000)


@pytest.mark.parametrize("chunk_size", [1, 7, 1_000, 1_024, 1_025, 5_000, 100_000])
def test_chunk_scanner_matches_whole_text(chunk_size: int) -> None:
    text = "".join(f"line {number} with words\n" for number in range(3_000)) + "the walrus tail\nend"
    terms = parse_search("walrus")
    chunks = [text[start:start + chunk_size] for start in range(0, len(text), chunk_size)]
    assert snippet_from_chunks(chunks, terms) == make_snippet(text, terms)
    assert snippet_from_chunks(chunks, parse_search("xylophonequartz")) is None


def test_equal_scores_rank_newest_first(tmp_path: Path) -> None:
    # Six tasks with the same message, written newest first, so the rowid
    # order is the opposite of the time order. Equal bm25 scores must be
    # ordered by created_at, and a limit keeps the newest of them.
    path = tmp_path / "ties.db"
    sessions = [make_session(index, days_ago=index) for index in range(1, 7)]
    for session in sessions:
        created = session.task.created_at
        assert created is not None
        session.messages.append(MessageData(f"{session.task.task_id}-walrus", "agent", "walrus", created, 2))
    asyncio.run(write_sessions(str(path), sessions))
    for limit in (1, 3, 6):
        expected = [f"task{index:04d}-walrus" for index in range(1, limit + 1)]
        for hits in (_engine_hits(path, "walrus", ("message",), limit), _sqlite_hits(path, "walrus", ("message",), limit)):
            assert [hit.item_id for hit in hits] == expected, limit


def test_cjk_substring_hits_newest_first(tmp_path: Path) -> None:
    # Substring matches in CJK text have no score. Stored out of time order,
    # a limit must still keep the newest of them, for trigram terms (three
    # characters or more) and for the scan of shorter ones.
    path = tmp_path / "cjk.db"
    sessions = [make_session(index, days_ago=days) for index, days in ((1, 5), (2, 1), (3, 3))]
    for session in sessions:
        created = session.task.created_at
        assert created is not None
        session.messages.append(MessageData(f"{session.task.task_id}-cjk", "user", "请检查数据库连接配置", created, 2))
    asyncio.run(write_sessions(str(path), sessions))
    for query in ("数据库连接", "连接"):
        for limit, expected in ((1, ["task0002-cjk"]), (3, ["task0002-cjk", "task0003-cjk", "task0001-cjk"])):
            for hits in (_engine_hits(path, query, ("message",), limit), _sqlite_hits(path, query, ("message",), limit)):
                assert [hit.item_id for hit in hits] == expected, (query, limit)


def test_output_kind_with_matching_command(tmp_path: Path) -> None:
    # `grep -r quokka .` printed lines with quokka. With only outputs
    # requested, the row is an output hit, though its command line matches too.
    path = tmp_path / "kinds.db"
    session = make_session(1)
    created = session.task.created_at
    assert created is not None
    session.commands = [CommandData("task0001-grep", "grep -r quokka .", "src/a.py: quokka = 1\n", created)]
    asyncio.run(write_sessions(str(path), [session]))
    for hits in (_engine_hits(path, "quokka", ("output",), 50), _sqlite_hits(path, "quokka", ("output",), 50)):
        assert [(hit.item_id, hit.kind) for hit in hits] == [("task0001-grep", "output")]
        assert "quokka = 1" in hits[0].snippet
    for hits in (_engine_hits(path, "quokka", SEARCH_KINDS, 50), _sqlite_hits(path, "quokka", SEARCH_KINDS, 50)):
        assert [(hit.item_id, hit.kind) for hit in hits] == [("task0001-grep", "command")]


def test_cross_table_ties_newest_first(tmp_path: Path) -> None:
    # A command and an edit per task whose indexed texts are the same, so
    # both tables give them the same score. The texts differ in length from
    # task to task, so no two rows of one table tie, and only created_at
    # orders the command and the edit of a task.
    path = tmp_path / "cross-ties.db"
    sessions = [make_session(index, days_ago=index) for index in range(1, 5)]
    for session_index, session in enumerate(sessions, start=1):
        created = session.task.created_at
        assert created is not None
        task_id = session.task.task_id
        text = "walrus" + " x" * session_index
        session.commands = [CommandData(f"{task_id}-cmd", text, "", created + timedelta(seconds=1))]
        session.edits = [EditData(f"{task_id}-edit", text, "", created + timedelta(seconds=2))]
    asyncio.run(write_sessions(str(path), sessions))
    expected = [f"task{index:04d}-{kind}" for index in range(1, 5) for kind in ("edit", "cmd")]
    for limit in (3, 8):
        for hits in (_engine_hits(path, "walrus", SEARCH_KINDS, limit), _sqlite_hits(path, "walrus", SEARCH_KINDS, limit)):
            assert [hit.item_id for hit in hits] == expected[:limit], limit


def test_reader_is_read_only(demo_database: Path) -> None:
    connection = open_current_sqlite(str(demo_database))
    assert connection is not None
    try:
        with pytest.raises(sqlite3.OperationalError):
            connection.execute("DELETE FROM tasks")
    finally:
        connection.close()


def test_reader_skips_missing_file(tmp_path: Path) -> None:
    assert open_current_sqlite(str(tmp_path / "missing.db")) is None
    assert not (tmp_path / "missing.db").exists()


def test_reader_skips_other_files(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database", encoding="utf-8")
    assert open_current_sqlite(str(text_file)) is None
    assert open_current_sqlite(str(tmp_path)) is None


def test_reader_skips_other_schema_versions(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
    connection.execute("INSERT INTO alembic_version VALUES ('0000')")
    connection.commit()
    connection.close()
    assert open_current_sqlite(str(path)) is None
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert open_current_sqlite(str(empty)) is None


@pytest.mark.parametrize("change", ["DROP TABLE artifacts", "ALTER TABLE tasks DROP COLUMN title"])
def test_reader_skips_missing_schema_parts(tmp_path: Path, change: str) -> None:
    path = tmp_path / "changed.db"
    asyncio.run(write_sessions(str(path), [make_session(1, message="words")]))
    connection = sqlite3.connect(path)
    connection.execute(change)
    connection.commit()
    connection.close()
    assert open_current_sqlite(str(path)) is None


def test_required_columns_match_models() -> None:
    expected = {table.name: tuple(column.name for column in table.columns) for table in TABLES}
    assert REQUIRED_COLUMNS == expected


def test_reader_skips_urls(demo_database: Path) -> None:
    assert open_current_sqlite(f"sqlite:///{demo_database}") is None
    assert open_current_sqlite("postgresql://user@127.0.0.1/db") is None


def test_reader_uses_environment(demo_database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHADOW_TUI_DB", str(demo_database))
    connection = open_current_sqlite(None)
    assert connection is not None
    connection.close()
