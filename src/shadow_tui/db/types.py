"""Column types shared by both backends."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import DateTime, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from shadow_tui.db.timestamps import SQLITE_TIMESTAMP_FORMAT, format_sqlite_timestamp, parse_timestamp

__all__ = ["SQLITE_TIMESTAMP_FORMAT", "Timestamp", "format_sqlite_timestamp", "parse_timestamp"]


class Timestamp(TypeDecorator[datetime]):
    """A UTC timestamp: `timestamptz` on PostgreSQL, sortable text on SQLite.

    Reads are lenient (see `parse_timestamp`), so a database whose rows hold
    epoch numbers or zone-less text still loads.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Text())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = parse_timestamp(value)
            if value is None:
                raise ValueError("invalid timestamp: expected ISO 8601 text")
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if dialect.name == "sqlite":
            return format_sqlite_timestamp(value)
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return parse_timestamp(value)
