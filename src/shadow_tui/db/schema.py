"""Schema versions, migrations and the printed DDL."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.schema import CreateIndex, CreateTable

from shadow_tui.db.engine import create_schema_hint
from shadow_tui.db.fulltext import fulltext_ddl
from shadow_tui.db.models import TABLES
from shadow_tui.db.schema_version import MIGRATIONS_DIR, head_version
from shadow_tui.errors import DatabaseError, SchemaVersionError

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)
# Alembic 1.20 logs one "setup plugin" line per built-in plugin when it is
# imported, which filled the log file with lines no reader needs.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

REQUIRED_TABLES = frozenset(table.name for table in TABLES)

# SQLite's messages for a file whose pages are not valid database pages.
_DAMAGED_SQLITE = ("database disk image is malformed", "file is not a database")


def _alembic_config() -> Config:
    # Alembic is imported only to migrate: importing it costs about 0.1 s,
    # which every command and the browser would pay before their first output.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


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


def _check(connection: Connection, database_display: str) -> int:
    upgrade_hint = f"shadow-tui db upgrade --db {database_display}"
    inspector = inspect(connection)
    names = set(inspector.get_table_names())
    version = _version_of(connection)
    missing = sorted(REQUIRED_TABLES - names)

    if version is None:
        if not names:
            raise DatabaseError(f"the database {database_display} has no tables. {create_schema_hint(database_display)}")
        if missing == sorted(REQUIRED_TABLES):
            raise DatabaseError(
                f"not a shadow-tui database: {database_display} has none of the tables users, tasks, "
                "chat_messages, task_commands, file_edits, artifacts. Check that it is the right database, "
                f"or run `{upgrade_hint}` to add these tables to it"
            )
        raise SchemaVersionError(
            f"the database {database_display} has no schema version (missing tables: "
            f"{', '.join(missing) or 'none'}). Run `{upgrade_hint}` to bring it up to version {head_version()}"
        )

    head = head_version()
    if version > head:
        raise SchemaVersionError(
            f"the schema of {database_display} is version {version}, newer than version {head} that this "
            "shadow-tui reads. Upgrade shadow-tui"
        )
    if version < head:
        raise SchemaVersionError(
            f"the schema of {database_display} is version {version}, older than version {head}. "
            f"Run `{upgrade_hint}` to upgrade it"
        )

    if missing:
        raise DatabaseError(
            f"the database {database_display} is damaged: {_plural(missing, 'table')} {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing. "
            "Restore it from a backup or create a new one"
        )

    missing_columns: list[str] = []
    for table in TABLES:
        present = {info["name"] for info in inspector.get_columns(table.name)}
        missing_columns += [f"{table.name}.{column.name}" for column in table.columns if column.name not in present]
    if missing_columns:
        raise DatabaseError(
            f"the database {database_display} is damaged or was written by another version of "
            f"shadow-tui: {_plural(missing_columns, 'column')} {', '.join(missing_columns)} "
            f"{'is' if len(missing_columns) == 1 else 'are'} missing. "
            "Import its sessions into a new database"
        )
    return version


def _plural(items: list[str], noun: str) -> str:
    return noun if len(items) == 1 else f"{noun}s"


def is_damaged_file_message(detail: str) -> bool:
    """Tell whether a SQLite error message means that the file's pages are not valid."""
    return any(text in detail for text in _DAMAGED_SQLITE)


async def check_schema(engine: AsyncEngine, database_display: str) -> int:
    """Raise a clear error, naming `database_display`, unless the database has this release's schema."""
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_check, database_display)
    except DBAPIError as error:
        detail = str(error.orig).splitlines()[0] if str(error.orig) else type(error.orig).__name__
        if is_damaged_file_message(detail):
            raise DatabaseError(
                f"the database file {database_display} is damaged ({detail}). "
                "Restore it from a backup, or import the sessions into a new database"
            ) from None
        raise DatabaseError(f"cannot read the schema of {database_display}: {detail}") from None


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
    from alembic import command

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
    # Imported here because only printing the DDL needs the PostgreSQL dialect module,
    # which the browser on a SQLite file would otherwise import before its first frame.
    from sqlalchemy.dialects import postgresql, sqlite

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
