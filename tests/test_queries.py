"""Task pages, facets, id prefixes and global search, on both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from factories import BOB, NOW, make_session, write_sessions
from shadow_tui.db.writer import EditData, MessageData
from shadow_tui.db.access import open_reader
from shadow_tui.errors import NotFoundError
from shadow_tui.queries.filter import parse_filter
from shadow_tui.queries.items import (
    command_key,
    count_through,
    edit_key,
    load_command_output,
    load_commands,
    load_edits,
    load_first_output,
    load_messages,
    load_output_sizes,
    message_key,
    text_size,
)
from shadow_tui.queries import items as items_module
from shadow_tui.queries.diffs import load_edit_diffs
from shadow_tui.queries import tasks as tasks_module
from shadow_tui.queries.search import search
from shadow_tui.queries.tasks import count_tasks, fetch_facets, fetch_task_page, resolve_task_id

MESSAGES = [
    "fix the app.py crash on ubuntu 20.04",
    "don't ask-codex about C++ --error-on-warnings",
    "步2 重跑gen-itgc后50条悬空引用清零",
    "plain words: NOT a OR (x body: foo\"bar src/app.py:42",
]


@pytest.fixture
async def seeded(database_url: str) -> str:
    sessions = [
        make_session(0, status="error", message=MESSAGES[0], output="FAILED tests/test_io.py::test_read"),
        make_session(1, status="completed", message=MESSAGES[1], user=BOB),
        make_session(2, status="running", message=MESSAGES[2], repo="https://github.com/acme/web"),
        make_session(3, status="pending", message=MESSAGES[3], repo="https://github.com/acme/web"),
    ]
    sessions += [make_session(10 + i, days_ago=40 + i) for i in range(6)]
    await write_sessions(database_url, sessions)
    return database_url


async def test_page_counts(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        page = await fetch_task_page(engine, parse_filter("id:task0000"))
    row = page.rows[0]
    assert row.message_count == 2
    assert row.command_count == 3
    assert row.failed_command_count == 1
    assert row.edit_count == 1
    assert row.artifact_count == 1
    assert row.duration_seconds == 300


async def test_keyset_pages_cover_all(seeded: str) -> None:
    seen: list[str] = []
    async with open_reader(seeded) as (_target, engine):
        cursor = None
        while True:
            page = await fetch_task_page(engine, parse_filter(""), limit=3, after=cursor)
            seen += [row.task_id for row in page.rows]
            cursor = page.next_cursor
            if cursor is None:
                break
        total = await count_tasks(engine, parse_filter(""))
    assert len(seen) == 10
    assert len(set(seen)) == 10
    assert total == 10
    assert seen[0] == "task0000"


async def test_keyset_pages_with_scanned_filter(seeded: str) -> None:
    task_filter = parse_filter("repo:acme user:alice")
    seen: list[str] = []
    async with open_reader(seeded) as (_target, engine):
        cursor = None
        while True:
            page = await fetch_task_page(engine, task_filter, limit=3, after=cursor)
            seen += [row.task_id for row in page.rows]
            cursor = page.next_cursor
            if cursor is None:
                break
        total = await count_tasks(engine, task_filter)
        oldest = await fetch_task_page(engine, task_filter, limit=2, offset=1, sort="oldest")
    assert len(seen) == total
    assert len(set(seen)) == total
    assert seen[0] == "task0000"
    assert [row.task_id for row in oldest.rows] == [seen[-2], seen[-3]]


@pytest.mark.parametrize("window", [2, 4, 6, 1_000_000])
async def test_first_page_window_matches_scan(
    seeded: str, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    queries = ["repo:acme", "repo:acme/api user:alice", "model:sonnet status:completed", "user:bob"]
    async with open_reader(seeded) as (_target, engine):
        expected = {query: await fetch_task_page(engine, parse_filter(query), limit=100) for query in queries}
        monkeypatch.setattr(tasks_module, "NEWEST_WINDOW", window)
        pages = {query: await fetch_task_page(engine, parse_filter(query), limit=2) for query in queries}
    for query in queries:
        assert [row.task_id for row in pages[query].rows] == [row.task_id for row in expected[query].rows[:2]]


async def test_offset_page_reaches_end(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        page = await fetch_task_page(engine, parse_filter(""), limit=5, offset=8)
    assert [row.task_id for row in page.rows] == ["task0014", "task0015"]
    assert page.next_cursor is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status:error", {"task0000"}),
        ("status:error,running", {"task0000", "task0002"}),
        ("repo:acme/web", {"task0002", "task0003"}),
        ("user:bob", {"task0001"}),
        ("model:SONNET status:pending", {"task0003"}),
        ("id:task001", {f"task00{10 + i}" for i in range(6)}),
        ("id:TASK001", set()),
        ("id:task0003,task0012", {"task0003", "task0012"}),
        ("id:task000\U0010ffff", set()),
        ("id:task000\ud7ff", set()),
        ("id:task001 repo:acme/api", {f"task00{10 + i}" for i in range(6)}),
        ("until:2026-10-19", {"task0012", "task0013", "task0014", "task0015"}),
        ("ubuntu", {"task0000"}),
        ('"app.py crash"', {"task0000"}),
        ("test_read", {"task0000"}),
        ("悬空", {"task0002"}),
        ('"Task number 3"', {"task0003"}),
    ],
)
async def test_filter_narrows(seeded: str, query: str, expected: set[str]) -> None:
    async with open_reader(seeded) as (_target, engine):
        page = await fetch_task_page(engine, parse_filter(query, now=NOW))
    assert {row.task_id for row in page.rows} == expected


async def test_since_relative(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        page = await fetch_task_page(engine, parse_filter("since:7d", now=NOW))
    assert {row.task_id for row in page.rows} == {"task0000", "task0001", "task0002", "task0003"}


async def test_facets(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        facets = await fetch_facets(engine, parse_filter(""))
    assert facets.total == 10
    assert facets.by_status == {"error": 1, "completed": 7, "running": 1, "pending": 1}
    assert facets.top_repos[0] == ("https://github.com/acme/api", 8)
    assert facets.top_models == [("claude-sonnet-4", 10)]


async def test_resolve_prefix(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        assert await resolve_task_id(engine, "task0003") == "task0003"
        with pytest.raises(NotFoundError) as ambiguous:
            await resolve_task_id(engine, "task001")
        with pytest.raises(NotFoundError) as missing:
            await resolve_task_id(engine, "zzz")
    assert "task0010" in str(ambiguous.value)
    assert "ambiguous" in str(ambiguous.value)
    assert "zzz" in str(missing.value)


async def test_loaders(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        messages = await load_messages(engine, "task0000")
        commands = await load_commands(engine, "task0000")
        edits = await load_edits(engine, "task0000", with_diff=True)
        output = await load_command_output(engine, "task0000-c1")
    assert [m.sender for m in messages] == ["user", "agent"]
    assert [c.exit_code for c in commands] == [1, 0, None]
    assert commands[0].output_size == len(output)
    assert commands[0].failed
    assert not commands[2].failed
    assert edits[0].diff == "@@ -1 +1 @@\n-a\n+b\n"


async def test_loaders_after_key(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        messages = await load_messages(engine, "task0000")
        commands = await load_commands(engine, "task0000")
        edits = await load_edits(engine, "task0000")
        later_messages = await load_messages(engine, "task0000", after=message_key(messages[0]))
        later_commands = await load_commands(engine, "task0000", after=command_key(commands[0]))
        none_after_last = await load_commands(engine, "task0000", after=command_key(commands[-1]))
        later_edits = await load_edits(engine, "task0000", after=edit_key(edits[0]))
    assert later_messages == messages[1:]
    assert later_commands == commands[1:]
    assert none_after_last == []
    assert later_edits == []


async def test_count_through_key(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        messages = await load_messages(engine, "task0000")
        commands = await load_commands(engine, "task0000")
        edits = await load_edits(engine, "task0000")
        assert await count_through(engine, "message", "task0000", message_key(messages[0])) == 1
        assert await count_through(engine, "message", "task0000", message_key(messages[-1])) == 2
        assert await count_through(engine, "command", "task0000", command_key(commands[1])) == 2
        assert await count_through(engine, "edit", "task0000", edit_key(edits[0])) == 1
        assert await count_through(engine, "command", "task0000", None) == 0


async def test_commands_without_sizes(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        with_sizes = await load_commands(engine, "task0000")
        without = await load_commands(engine, "task0000", with_sizes=False)
        sizes = await load_output_sizes(engine, "task0000")
    assert [command.output_size for command in without] == [None, None, None]
    assert [replace(command, output_size=sizes[command.command_id]) for command in without] == with_sizes
    assert sizes == {"task0000-c1": len("FAILED tests/test_io.py::test_read"), "task0000-c2": 5, "task0000-c3": 1}


async def test_output_head(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        head = await load_command_output(engine, "task0000-c1", limit=6)
        whole = await load_command_output(engine, "task0000-c1", limit=10_000)
        first = await load_first_output(engine, "task0000", limit=6)
        none = await load_first_output(engine, "no-such-task", limit=6)
        with pytest.raises(ValueError, match="at least 1"):
            await load_command_output(engine, "task0000-c1", limit=0)
    assert head == "FAILED"
    assert whole == "FAILED tests/test_io.py::test_read"
    assert first == ("task0000-c1", "FAILED")
    assert none is None


async def test_output_head_counts_characters(database_url: str) -> None:
    output = "é☃" * 10 + "\n" + "tail"
    await write_sessions(database_url, [make_session(0, output=output)])
    async with open_reader(database_url) as (_target, engine):
        head = await load_command_output(engine, "task0000-c1", limit=21)
    assert head == output[:21]


async def test_message_pages_cover_all(database_url: str) -> None:
    session = make_session(0)
    messages = [
        MessageData(f"task0000-p{index:03d}", "agent", f"page message {index}", NOW, index)
        for index in range(25)
    ]
    await write_sessions(database_url, [replace(session, messages=messages)])
    async with open_reader(database_url) as (_target, engine):
        whole = await load_messages(engine, "task0000")
        first = await load_messages(engine, "task0000", limit=10)
        rest = await load_messages(engine, "task0000", offset=10)
        middle = await load_messages(engine, "task0000", offset=10, limit=5)
    assert [message.message_id for message in whole] == [message.message_id for message in messages]
    assert first + rest == whole
    assert middle == whole[10:15]


# Inputs that raise a syntax error in a raw FTS5 MATCH or to_tsquery.
HOSTILE_QUERIES = [
    "ask-codex", "don't", 'foo"bar', "app.py", "src/app.py:42", "ubuntu 20.04", "C++",
    "--error-on-warnings", "NOT", "a OR", "*", "(x", "body:", "", "   ",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
async def test_search_hostile_query_is_safe(seeded: str, query: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        hits = await search(engine, query)
    assert isinstance(hits, list)


@pytest.mark.parametrize(
    ("query", "kind", "task_id"),
    [
        ("ask-codex", "message", "task0001"),
        ("don't", "message", "task0001"),
        ("app.py", "message", "task0000"),
        ("ubuntu 20.04", "message", "task0000"),
        ("--error-on-warnings", "message", "task0001"),
        ("src/app.py:42", "message", "task0003"),
        ("test_read", "output", "task0000"),
        ("pytest", "command", "task0000"),
        ("悬空", "message", "task0002"),
        ("itgc", "message", "task0002"),
        ("重跑gen", "message", "task0002"),
    ],
)
async def test_search_finds(seeded: str, query: str, kind: str, task_id: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        hits = await search(engine, query, limit=100)
    found = {(hit.kind, hit.task_id) for hit in hits}
    assert (kind, task_id) in found


async def test_search_snippet_offsets(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        hits = await search(engine, "ubuntu", kinds=["message"])
    hit = hits[0]
    start, end = hit.offsets[0]
    assert hit.snippet[start:end].lower() == "ubuntu"
    assert hit.item_id == "task0000-m1"


async def test_search_prefix_and_phrase(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        prefix = await search(engine, "ubun*")
        phrase = await search(engine, '"crash on ubuntu"')
        wrong_order = await search(engine, '"ubuntu crash"')
    assert {hit.task_id for hit in prefix} == {"task0000"}
    assert {hit.task_id for hit in phrase} == {"task0000"}
    assert wrong_order == []


async def test_search_limit_across_tables(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        every = await search(engine, "app", limit=100)
        first = await search(engine, "app", limit=3)
        commands = await search(engine, "pytest", kinds=["command"], limit=1)
    assert len(first) == 3
    assert [hit.item_id for hit in first] == [hit.item_id for hit in every[:3]]
    assert [hit.kind for hit in commands] == ["command"]


async def test_search_kind_and_filter(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        diffs = await search(engine, "app", kinds=["diff"], limit=100)
        filtered = await search(engine, "pytest", task_filter=parse_filter("status:error"))
    assert {hit.kind for hit in diffs} == {"diff"}
    assert len(diffs) == 10
    assert {hit.task_id for hit in filtered} == {"task0000"}


async def test_search_same_on_both_backends(tmp_path, pg_database: str) -> None:  # type: ignore[no-untyped-def]
    sessions = [make_session(i, message=MESSAGES[i % 4]) for i in range(8)]
    sqlite_path = str(tmp_path / "same.db")
    await write_sessions(sqlite_path, sessions)
    await write_sessions(pg_database, sessions)
    for query in ["app.py", "ubuntu", "悬空", "itgc", "pytest", "ask*", "hello", "C++", "b"]:
        results = []
        for database in (sqlite_path, pg_database):
            async with open_reader(database) as (_target, engine):
                hits = await search(engine, query, limit=1000)
            results.append(sorted((hit.kind, hit.item_id, hit.line) for hit in hits))
        assert results[0] == results[1], query


async def test_search_line_of_match(tmp_path) -> None:  # type: ignore[no-untyped-def]
    output = "\n".join(f"line {n}" for n in range(50)) + "\nneedle here\n"
    path = str(tmp_path / "line.db")
    await write_sessions(path, [make_session(0, output=output)])
    async with open_reader(path) as (_target, engine):
        hits = await search(engine, "needle")
    assert hits[0].kind == "output"
    assert hits[0].line == 50
    assert hits[0].created_at is not None
    assert hits[0].created_at - NOW < timedelta(days=1)


async def test_search_word_after_color_code(database_url: str) -> None:
    output = "\x1b[31mFAILED\x1b[0m tests/test_io.py\r\nprogress 10%\rprogress 100%\n"
    await write_sessions(database_url, [make_session(0, output=output)])
    async with open_reader(database_url) as (_target, engine):
        failed = await search(engine, "FAILED", kinds=["output"])
        progress = await search(engine, "100", kinds=["output"])
    assert [hit.item_id for hit in failed] == ["task0000-c1"]
    assert failed[0].snippet.startswith("FAILED")
    assert [hit.item_id for hit in progress] == ["task0000-c1"]
    assert failed[0].line == 0
    assert progress[0].line == 1


async def test_edit_diffs_in_order(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    session = make_session(0)
    created = session.task.created_at
    # Equal times are ordered by id, and the ids are written out of that order.
    session.edits = [
        EditData(f"task0000-e{number:02d}", f"src/f{number}.py", f"@@ -1 +1 @@\n-{number}\n+{number + 1}\n",
                 created + timedelta(seconds=number // 3))
        for number in (7, 3, 11, 0, 5, 9, 1, 10, 2, 8, 4, 6)
    ]
    await write_sessions(database_url, [session])
    # Batches of 5 keys make the rows arrive in three reads.
    monkeypatch.setattr(items_module, "IN_LIST_BATCH", 5)
    async with open_reader(database_url) as (_target, engine):
        without_diffs = await load_edits(engine, "task0000")
        with_diffs = await load_edits(engine, "task0000", with_diff=True)
        for_tab = await load_edit_diffs(engine, "task0000")
        after_fourth = await load_edits(engine, "task0000", with_diff=True, after=edit_key(with_diffs[3]))
    expected = [f"task0000-e{number:02d}" for number in range(12)]
    assert [edit.edit_id for edit in without_diffs] == expected
    assert [edit.edit_id for edit in with_diffs] == expected
    assert [edit.edit_id for edit in for_tab] == expected
    assert [edit.edit_id for edit in after_fourth] == expected[4:]
    assert [edit.diff_size for edit in with_diffs] == [edit.diff_size for edit in without_diffs]
    assert [edit.diff_size for edit in for_tab] == [edit.diff_size for edit in without_diffs]
    assert with_diffs[0].diff == "@@ -1 +1 @@\n-0\n+1\n"


async def test_output_sizes_skip_loaded(seeded: str) -> None:
    async with open_reader(seeded) as (_target, engine):
        sizes = await load_output_sizes(engine, "task0000")
        skipped = await load_output_sizes(engine, "task0000", skip={"task0000-c1"})
        output = await load_command_output(engine, "task0000-c1")
    assert skipped == {command_id: size for command_id, size in sizes.items() if command_id != "task0000-c1"}
    assert text_size(output) == sizes["task0000-c1"]


def test_text_size_counts_bytes_with_nul() -> None:
    assert text_size("abc") == 3
    assert text_size("é") == 1
    assert text_size("é\x00") == 3
