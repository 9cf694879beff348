"""Redaction: built-in secret patterns, patterns from the settings file, and `show --redact` in every format."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from factories import make_session, write_sessions
from shadow_tui.cli import main
from shadow_tui.db.writer import ArtifactData, CommandData
from shadow_tui.redact import MASK, build_redactor, load_redactor

# (planted text, secret part that must disappear, text that must remain)
PLANTED = [
    ("key sk-ant-api03-Qm9vYmFyQmF6UXV4Q29yZ2U1", "api03-Qm9vYmFyQmF6UXV4Q29yZ2U1", "sk-ant-REDACTED"),
    ("key sk-proj-Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1", "Zx8Yw7Vu6Ts5Rq4Po3Nm2Lk1", "sk-proj-REDACTED"),
    ("key sk-T3BlbkFJaBcDeFgHiJkLmNoP", "T3BlbkFJaBcDeFgHiJkLmNoP", "sk-REDACTED"),
    ("token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "ghp_REDACTED"),
    ("token gho_16C7e42F292c6912E7710c838347Ae178B4a", "16C7e42F292c6912E7710c838347Ae178B4a", "gho_REDACTED"),
    ("token ghs_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210", "ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210", "ghs_REDACTED"),
    ("pat github_pat_11ABCDEFG0123456789_abcdefghijKLMNOP", "11ABCDEFG0123456789_abcdefghijKLMNOP", "github_pat_REDACTED"),
    ("slack xoxb-2048-4096-AbCdEfGhIjKl", "2048-4096-AbCdEfGhIjKl", "xoxb-REDACTED"),
    ("slack xoxp-1111-2222-3333-aaaabbbbcccc", "1111-2222-3333-aaaabbbbcccc", "xoxp-REDACTED"),
    ("aws AKIAIOSFODNN7EXAMPLE here", "IOSFODNN7EXAMPLE", "AKIAREDACTED"),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig", "eyJhbGciOiJIUzI1NiJ9.e30.sig", "Authorization: Bearer REDACTED"),
    ("curl -H 'bearer Zm9vYmFyYmF6cXV4'", "Zm9vYmFyYmF6cXV4", "bearer REDACTED"),
    ("postgresql://app:hunter2-Secret@db.internal/prod", "hunter2-Secret", "postgresql://app:REDACTED@db.internal/prod"),
    ("https://bot:p4ss%21word@github.com/acme/api.git", "p4ss%21word", "https://bot:REDACTED@github.com/acme/api.git"),
]

UNTOUCHED = [
    "desk-reservation-system-for-the-office",
    "risk-assessment-framework-document",
    "http://localhost:8000/path@section",
    "ssh://git@github.com:22/acme/api.git",
    "the bearer of bad news",
    "AKIA-not-a-key",
    "sk-short",
]


@pytest.mark.parametrize(("planted", "secret", "kept"), PLANTED)
def test_builtin_pattern_masks(planted: str, secret: str, kept: str) -> None:
    redacted = build_redactor().redact(planted)
    assert secret not in redacted
    assert kept in redacted


@pytest.mark.parametrize("text", UNTOUCHED)
def test_builtin_pattern_spares(text: str) -> None:
    assert build_redactor().redact(text) == text


def test_extra_pattern_whole_match() -> None:
    redactor = build_redactor([r"internal-[0-9a-f]{8}"])
    assert redactor.redact("id internal-deadbeef end") == f"id {MASK} end"


def test_extra_pattern_secret_group() -> None:
    redactor = build_redactor([r"session=(?P<secret>[A-Za-z0-9]+)"])
    assert redactor.redact("cookie session=abc123XYZ;") == f"cookie session={MASK};"


def test_extra_pattern_invalid() -> None:
    with pytest.raises(ValueError, match="invalid redact pattern"):
        build_redactor(["(unclosed"])


def test_config_patterns_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('redact_patterns = ["corp-[0-9]{6}"]\n', encoding="utf-8")
    monkeypatch.setenv("SHADOW_TUI_CONFIG", str(config))
    assert load_redactor().redact("ticket corp-123456") == f"ticket {MASK}"


# Every field that an export shows gets a secret of its own.
FIELD_SECRETS = {
    "message": "sk-ant-api03-MessageSecretAbcdefghij",
    "output": "ghp_OutputSecretAbcdefghijklmnopqrstu",
    "command": "xoxb-9999-CommandSecret",
    "diff": "AKIAZZZZYYYYXXXXWWWW",
    "title": "github_pat_TitleSecret_abcdefghijklmnop",
    "error": "sk-proj-ErrorSecretAbcdefghijklm",
    "repo": "RepoPassw0rd",
    "artifact": "ArtifactPassw0rd",
}
SGR = re.compile(r"\x1b\[[0-9;]*m")
MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _secret_session():  # type: ignore[no-untyped-def]
    session = make_session(
        1, status="error",
        message=f"Use {FIELD_SECRETS['message']} for the API.",
        output=f"token={FIELD_SECRETS['output']}\nok",
        diff=f"@@ -1 +1 @@\n-KEY = None\n+KEY = '{FIELD_SECRETS['diff']}'\n",
        repo=f"https://bot:{FIELD_SECRETS['repo']}@github.com/acme/api",
    )
    session.task.title = f"Rotate {FIELD_SECRETS['title']}"
    session.task.error_message = f"auth failed for {FIELD_SECRETS['error']}"
    created = session.task.created_at
    session.commands.append(
        CommandData("task0001-c9", f"curl -H 'Authorization: Bearer {FIELD_SECRETS['command']}' x", "", created)
    )
    session.artifacts.append(
        ArtifactData("task0001-a9", "log", f"https://ci:{FIELD_SECRETS['artifact']}@logs.example.com/1", created)
    )
    return session


@pytest.fixture(scope="module")
def secret_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    database = str(tmp_path_factory.mktemp("redact") / "secrets.db")
    asyncio.run(write_sessions(database, [_secret_session()]))
    return database


def _export(database: str, output_format: str, *extra: str) -> str:
    result = CliRunner().invoke(main, ["show", "task0001", "--db", database, "--format", output_format, *extra])
    assert result.exit_code == 0, result.output
    # Secrets are compared with the text as a reader sees it: without colors or Markdown escapes.
    text = SGR.sub("", result.stdout)
    return MARKDOWN_ESCAPE.sub(r"\1", text) if output_format == "md" else text


@pytest.mark.parametrize("output_format", ["text", "ansi", "md", "html", "json"])
@pytest.mark.parametrize("field", sorted(FIELD_SECRETS))
def test_export_shows_secret_unredacted(secret_database: str, output_format: str, field: str) -> None:
    # The planted secret is in every format without --redact, so the redaction test below can fail.
    assert FIELD_SECRETS[field] in _export(secret_database, output_format)


@pytest.mark.parametrize("output_format", ["text", "ansi", "md", "html", "json"])
@pytest.mark.parametrize("field", sorted(FIELD_SECRETS))
def test_export_redacts_secret(secret_database: str, output_format: str, field: str) -> None:
    exported = _export(secret_database, output_format, "--redact")
    assert FIELD_SECRETS[field] not in exported
    assert MASK in exported


def test_redacted_json_keeps_ids(secret_database: str) -> None:
    exported = _export(secret_database, "json", "--redact")
    assert '"task_id": "task0001"' in exported
    assert '"command_id": "task0001-c9"' in exported


def test_redact_invalid_config(secret_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('redact_patterns = ["(unclosed"]\n', encoding="utf-8")
    monkeypatch.setenv("SHADOW_TUI_CONFIG", str(config))
    result = CliRunner().invoke(main, ["show", "task0001", "--db", secret_database, "--redact"])
    assert result.exit_code == 2
    assert "redact_patterns" in result.stderr


# Two masks in one paragraph, where masks made of `*` would pair up into Markdown emphasis.
MARKDOWN_MESSAGE = (
    "Call the API with:\n\n"
    'curl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig" https://api.example.com\n\n'
    "The database is postgresql://bob:hunter2@db.example.com/x and the cache\n"
    "is redis://:s3cret@cache:6379/0."
)
MARKDOWN_MESSAGE_MASKED = [
    f"Bearer {MASK}",
    f"postgresql://bob:{MASK}@db.example.com/x",
    f"redis://:{MASK}@cache:6379/0",
]


@pytest.fixture(scope="module")
def markdown_message_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    database = str(tmp_path_factory.mktemp("redact-message") / "message.db")
    asyncio.run(write_sessions(database, [make_session(2, message=MARKDOWN_MESSAGE)]))
    return database


@pytest.mark.parametrize("output_format", ["text", "ansi", "md", "html", "json"])
def test_message_mask_shown(markdown_message_database: str, output_format: str) -> None:
    result = CliRunner().invoke(
        main, ["show", "task0002", "--db", markdown_message_database, "--format", output_format, "--redact"],
    )
    assert result.exit_code == 0, result.output
    exported = SGR.sub("", result.stdout)
    if output_format == "md":
        # What a Markdown viewer shows, not only what the file contains.
        exported = MarkdownIt("commonmark").render(exported)
    for secret in ("eyJhbGciOiJIUzI1NiJ9.e30.sig", "hunter2", "s3cret"):
        assert secret not in exported
    for masked in MARKDOWN_MESSAGE_MASKED:
        assert masked in exported
