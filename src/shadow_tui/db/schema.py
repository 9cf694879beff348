"""Schema versions, migrations and the printed DDL."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.schema import CreateIndex, CreateTable

from shadow_tui.db.fulltext import fulltext_ddl
from shadow_tui.db.models import TABLES
from shadow_tui.errors import DatabaseError, SchemaVersionError

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
REQUIRED_TABLES = frozenset(table.name for table in TABLES)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_version() -> int:
    """Return the schema version this release writes and reads."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "the migrations folder has no revision"
    return int(head)


def _version_of(connection: Connection) -> int | None:
    names = set(inspect(connection).get_table_names())
    if "alembic_version" not in names:
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    if row is None:
        return None
    try:
        return int(row[0])
    except ValueError:
        raise SchemaVersionError(
            f"unknown schema revision {row[0]!r}: this database was written by another tool"
        ) from None


def _check(connection: Connection, upgrade_hint: str) -> int:
    names = set(inspect(connection).get_table_names())
    version = _version_of(connection)
    missing = sorted(REQUIRED_TABLES - names)
    if version is None:
        if missing == sorted(REQUIRED_TABLES):
            raise DatabaseError(
                "not a shadow-tui database: it has none of the tables users, tasks, "
                "chat_messages, task_commands, file_edits, artifacts"
            )
        raise SchemaVersionError(
            f"the database has no schema version (missing tables: {', '.join(missing) or 'none'}). "
            f"Run `{upgrade_hint}` to bring it up to version {head_version()}"
        )
    head = head_version()
    if version > head:
        raise SchemaVersionError(
            f"the database schema is version {version}, newer than version {head} that this "
            "shadow-tui reads. Upgrade shadow-tui"
        )
    if version < head:
        raise SchemaVersionError(
            f"the database schema is version {version}, older than version {head}. "
            f"Run `{upgrade_hint}` to upgrade it"
        )
    if missing:
        raise DatabaseError(
            f"the database is damaged: tables {', '.join(missing)} are missing. "
            "Restore it from a backup or create a new one"
        )
    return version


async def check_schema(engine: AsyncEngine, database_display: str) -> int:
    """Raise a clear error unless the database has this release's schema."""
    hint = f"shadow-tui db upgrade --db {database_display}"
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_check, hint)
    except DBAPIError as error:
        raise DatabaseError(f"cannot read the database schema: {error.orig}") from None


def _upgrade(connection: Connection) -> tuple[int | None, int]:
    before = _version_of(connection)
    names = set(inspect(connection).get_table_names())
    if before is None and names & REQUIRED_TABLES:
        raise SchemaVersionError(
            "the database has shadow-tui tables but no schema version, so it cannot be "
            "upgraded safely. Import its data into a new database instead"
        )
    if before is not None and before > head_version():
        raise SchemaVersionError(
            f"the database schema is version {before}, newer than version {head_version()} "
            "that this shadow-tui writes. Upgrade shadow-tui"
        )
    config = _alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    return before, head_version()


async def upgrade_schema(engine: AsyncEngine) -> tuple[int | None, int]:
    """Apply every pending migration; return the versions before and after."""
    async with engine.begin() as connection:
        before, after = await connection.run_sync(_upgrade)
    if before != after:
        logger.info("Upgraded the schema from version %s to %s", before, after)
    return before, after


def schema_ddl(dialect_name: str) -> str:
    """Return the complete DDL of the current schema for `sqlite` or `postgresql`."""
    dialect = {"sqlite": sqlite.dialect(), "postgresql": postgresql.dialect()}.get(dialect_name)
    if dialect is None:
        raise ValueError(f"unsupported dialect {dialect_name!r}: use sqlite or postgresql")
    statements: list[str] = []
    for table in TABLES:
        statements.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda item: item.name or ""):
            statements.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    statements += fulltext_ddl(dialect_name)
    return ";\n\n".join(statements) + ";\n"
