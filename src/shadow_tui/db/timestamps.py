"""Timestamp parsing and formatting, without SQLAlchemy.

The column type in `db.types` and the `sqlite3` search path share these, so
both read stored timestamps the same way.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

logger = logging.getLogger(__name__)

# SQLite has no timestamp type. Values are stored as UTC text in this one
# format, which sorts in time order and which SQLite's date functions parse.
SQLITE_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def parse_timestamp(value: Any) -> datetime | None:
    """Parse a stored timestamp into an aware UTC datetime.

    Accepts datetimes (naive ones are taken as UTC), ISO 8601 text with or
    without a zone, and epoch numbers in seconds or milliseconds, because
    databases written by other tools hold all of these. Returns None for
    NULL, for values that are none of these and for instants outside the
    years 1-9999 in UTC (each logged once per call).
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _to_utc(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(float(value))
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if len(text) >= 10 and text[4] == "-":
            # Text that SQLite columns store, "2025-07-01 12:00:00.000000". Tried first because
            # raising ValueError from float() for every row doubles the time of a 10,000-row load.
            try:
                return _to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
            except ValueError:
                pass
        try:
            return _from_epoch(float(text))
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            logger.warning("Ignoring a timestamp that is not ISO 8601 or epoch: %r", text[:80])
            return None
        return _to_utc(parsed)
    logger.warning("Ignoring a timestamp of unexpected type %s", type(value).__name__)
    return None


def _to_utc(value: datetime) -> datetime | None:
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        # 0001-01-01T00:00:00+01:00 is before datetime.min in UTC.
        logger.warning("Ignoring a timestamp outside the years 1-9999 in UTC: %s", value.isoformat())
        return None


def _from_epoch(number: float) -> datetime | None:
    # Epoch milliseconds pass 1e11 in 1973; seconds will not reach it for millennia.
    seconds = number / 1000 if abs(number) >= 1e11 else number
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        logger.warning("Ignoring an epoch timestamp out of range: %r", number)
        return None


def format_sqlite_timestamp(value: datetime) -> str:
    """Format a datetime as the UTC text that SQLite columns store."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    # isoformat, unlike strftime("%Y") on glibc, pads years before 1000 to four digits.
    return value.isoformat(sep=" ", timespec="microseconds")
