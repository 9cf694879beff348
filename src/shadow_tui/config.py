"""The user's settings file: a small TOML file in the user config folder.

Keys, all optional:

    database = "~/work/history.db"     # default database path or URL
    theme = "textual-dark"             # Textual theme name
    refresh_interval = 2               # seconds between live refreshes; 0 turns them off
    redact_patterns = ["sk-[A-Za-z0-9]+"]

    [keys]                             # binding id = key string (press ? in the app for the ids)
    "app.quit" = "ctrl+q"

`SHADOW_TUI_CONFIG` names another file. This module is part of the core,
so it never imports Textual.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from shadow_tui.errors import ShadowTuiError

logger = logging.getLogger(__name__)

APP_NAME = "shadow-tui"
ENV_CONFIG = "SHADOW_TUI_CONFIG"
DEFAULT_REFRESH_INTERVAL = 2.0
# A live refresh more often than this would keep the database busy for nothing.
MIN_REFRESH_INTERVAL = 0.2

_KNOWN_KEYS = ("database", "theme", "refresh_interval", "redact_patterns", "keys")


class ConfigError(ShadowTuiError):
    """The settings file cannot be read or has an invalid value."""


@dataclass(frozen=True, slots=True)
class Config:
    """Settings from the config file, with defaults for what it leaves out."""

    database: str | None = None
    """Database path or URL used when none is given on the command line."""
    theme: str | None = None
    """Textual theme name, or None for Textual's default."""
    refresh_interval: float = DEFAULT_REFRESH_INTERVAL
    """Seconds between live refreshes of the list and of a running task; 0 turns them off."""
    keys: dict[str, str] = field(default_factory=dict)
    """Key overrides: binding id to key string, such as `{"app.quit": "ctrl+q"}`."""
    redact_patterns: list[str] = field(default_factory=list)
    """Regular expressions for secrets, read by the redaction of shown and exported text."""
    warnings: tuple[str, ...] = ()
    """Problems found while loading that did not stop it, such as unknown keys."""


def config_path() -> Path:
    """Return the settings file: `$SHADOW_TUI_CONFIG`, else `config.toml` in the user config folder."""
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def _line_of(text: str, key: str, table: str | None = None) -> int | None:
    """Return the 1-based line where `key = ...` is set, inside `[table]` when given."""
    current: str | None = None
    pattern = re.compile(rf"^\s*(?:\"{re.escape(key)}\"|'{re.escape(key)}'|{re.escape(key)})\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            current = header.group(1).strip()
            continue
        if current == table and pattern.match(line):
            return number
    return None


def _where(path: Path, text: str, key: str, table: str | None = None) -> str:
    line = _line_of(text, key, table)
    return f"{path}, line {line}" if line else str(path)


def parse_config(text: str, path: Path) -> Config:
    """Parse settings text; an invalid value raises ConfigError naming the file, line and fix."""
    # Imported here: without a settings file the browser starts without it.
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # The message ends with "(at line N, column M)".
        raise ConfigError(
            f"invalid settings file {path}: {error}. Fix the TOML syntax there, "
            f"or delete the file to use the defaults"
        ) from None

    warnings: list[str] = []
    for key in data:
        if key not in _KNOWN_KEYS:
            warnings.append(
                f"{_where(path, text, key)}: unknown setting {key!r} is ignored; "
                f"known settings are {', '.join(_KNOWN_KEYS)}"
            )

    database = data.get("database")
    if database is not None and (not isinstance(database, str) or not database.strip()):
        raise ConfigError(
            f"{_where(path, text, 'database')}: invalid database {database!r}: "
            'use a path or URL in quotes, such as database = "~/history.db"'
        )

    theme = data.get("theme")
    if theme is not None and (not isinstance(theme, str) or not theme.strip()):
        raise ConfigError(
            f"{_where(path, text, 'theme')}: invalid theme {theme!r}: "
            'use a theme name in quotes, such as theme = "textual-dark"'
        )

    interval = data.get("refresh_interval", DEFAULT_REFRESH_INTERVAL)
    if isinstance(interval, bool) or not isinstance(interval, int | float) or interval < 0:
        raise ConfigError(
            f"{_where(path, text, 'refresh_interval')}: invalid refresh_interval {interval!r}: "
            "use a number of seconds such as 2, or 0 to turn live refresh off"
        )
    if 0 < interval < MIN_REFRESH_INTERVAL:
        warnings.append(
            f"{_where(path, text, 'refresh_interval')}: refresh_interval {interval} is below "
            f"{MIN_REFRESH_INTERVAL} seconds; using {MIN_REFRESH_INTERVAL}"
        )
        interval = MIN_REFRESH_INTERVAL

    patterns = data.get("redact_patterns", [])
    if not isinstance(patterns, list) or not all(isinstance(item, str) for item in patterns):
        raise ConfigError(
            f"{_where(path, text, 'redact_patterns')}: invalid redact_patterns: "
            'use a list of strings, such as redact_patterns = ["sk-[A-Za-z0-9]+"]'
        )
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ConfigError(
                f"{_where(path, text, 'redact_patterns')}: invalid regular expression "
                f"{pattern!r} in redact_patterns: {error}. Fix or remove it"
            ) from None

    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise ConfigError(
            f"{_where(path, text, 'keys')}: invalid keys: use a [keys] table of "
            'binding id = "key", such as quit = "ctrl+q"'
        )
    for binding_id, key in keys.items():
        if not isinstance(key, str) or not key.strip():
            raise ConfigError(
                f"{_where(path, text, binding_id, 'keys')}: invalid key {key!r} for {binding_id!r}: "
                'use a key string in quotes, such as "ctrl+q", or several separated by commas'
            )

    return Config(
        database=database.strip() if database else None,
        theme=theme.strip() if theme else None,
        refresh_interval=float(interval),
        keys={str(name): str(value).strip() for name, value in keys.items()},
        redact_patterns=list(patterns),
        warnings=tuple(warnings),
    )


def load_config(path: Path | None = None) -> Config:
    """Load the settings file; a missing file gives the defaults, an invalid one raises ConfigError."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read settings file {path}: {error}. Fix its permissions or encoding") from None
    config = parse_config(text, path)
    for warning in config.warnings:
        logger.warning("%s", warning)
    return config


def load_config_or_defaults(path: Path | None = None) -> tuple[Config, str | None]:
    """Load the settings file, or return the defaults and the error message when it is invalid."""
    try:
        return load_config(path), None
    except ConfigError as error:
        logger.warning("Using default settings: %s", error)
        return Config(), str(error)


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(
        f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char for char in escaped
    )
    return f'"{escaped}"'


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def toml_value(value: Any) -> str:
    """Render a simple value (str, bool, int, float, list of those) as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} {value!r} to TOML: use str, bool, int, float or a list")


def dump_config(config: Config) -> str:
    """Render settings as TOML text, leaving out the values that are defaults."""
    lines: list[str] = []
    if config.database is not None:
        lines.append(f"database = {toml_value(config.database)}")
    if config.theme is not None:
        lines.append(f"theme = {toml_value(config.theme)}")
    if config.refresh_interval != DEFAULT_REFRESH_INTERVAL:
        lines.append(f"refresh_interval = {toml_value(config.refresh_interval)}")
    if config.redact_patterns:
        lines.append(f"redact_patterns = {toml_value(config.redact_patterns)}")
    if config.keys:
        lines += ["", "[keys]"]
        lines += [f"{_toml_key(name)} = {toml_value(key)}" for name, key in config.keys.items()]
    return "\n".join(lines) + "\n"


def set_top_level_value(text: str, key: str, value: Any) -> str:
    """Return settings text with one top-level key set, keeping comments and other lines."""
    rendered = f"{_toml_key(key)} = {toml_value(value)}"
    lines = text.splitlines()
    line = _line_of(text, key)
    if line is not None:
        lines[line - 1] = rendered
    else:
        # Top-level keys must come before the first table header.
        first_table = next((index for index, item in enumerate(lines) if re.match(r"^\s*\[", item)), len(lines))
        lines.insert(first_table, rendered)
    return "\n".join(lines) + "\n"


def save_setting(key: str, value: Any, path: Path | None = None) -> Path:
    """Set one top-level setting in the file, creating the file and its folder if needed.

    The rest of the file, comments included, stays as it was. The file is
    replaced atomically, so a crash never leaves half of it written.
    """
    if key not in _KNOWN_KEYS or key == "keys":
        raise ConfigError(f"cannot save setting {key!r}: use one of database, theme, refresh_interval, redact_patterns")
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read settings file {path}: {error}. Fix its permissions or encoding") from None
    updated = set_top_level_value(text, key, value)
    # Check that the result still parses, so the app never writes a file it cannot read.
    parse_config(updated, path)
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(updated, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        raise ConfigError(f"cannot write settings file {path}: {error.strerror}. Check the folder's permissions") from None
    logger.info("Saved %s to %s", key, path)
    return path

