"""The settings file and the log file setup."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shadow_tui.config import (
    DEFAULT_REFRESH_INTERVAL,
    MIN_REFRESH_INTERVAL,
    Config,
    ConfigError,
    config_path,
    dump_config,
    load_config,
    load_config_or_defaults,
    parse_config,
    save_setting,
    toml_value,
)
from shadow_tui.errors import ShadowTuiError
from shadow_tui.logging_setup import open_log_file, setup_logging

FULL = """\
# my settings
database = "~/work/history.db"
theme = "nord"
refresh_interval = 5
redact_patterns = ["sk-[A-Za-z0-9]+", "ghp_\\\\w+"]

[keys]
"main.search" = "ctrl+s"
"app.quit" = "ctrl+q"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config == Config()


def test_load_full_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FULL))
    assert config.database == "~/work/history.db"
    assert config.theme == "nord"
    assert config.refresh_interval == 5.0
    assert config.redact_patterns == ["sk-[A-Za-z0-9]+", "ghp_\\w+"]
    assert config.keys == {"main.search": "ctrl+s", "app.quit": "ctrl+q"}
    assert config.warnings == ()


def test_defaults_values() -> None:
    config = Config()
    assert config.refresh_interval == DEFAULT_REFRESH_INTERVAL
    assert config.database is None
    assert config.keys == {}
    assert config.redact_patterns == []


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'theme = "nord"\nrefresh_interval = = 2\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    assert "line 2" in message
    assert "delete the file" in message


@pytest.mark.parametrize(
    ("text", "line", "fix"),
    [
        ('theme = "x"\nrefresh_interval = "fast"\n', 2, "number of seconds"),
        ("refresh_interval = -1\n", 1, "number of seconds"),
        ("refresh_interval = true\n", 1, "number of seconds"),
        ('\n\nredact_patterns = ["(unclosed"]\n', 3, "invalid regular expression"),
        ('redact_patterns = "sk-"\n', 1, "list of strings"),
        ("theme = 3\n", 1, "theme name in quotes"),
        ('database = ""\n', 1, "path or URL"),
        ('[keys]\n"app.quit" = 3\n', 2, "key string"),
        ('keys = "q"\n', 1, "[keys] table"),
    ],
)
def test_invalid_value_names_line_and_fix(tmp_path: Path, text: str, line: int, fix: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert f"{path}, line {line}" in message
    assert fix in message


def test_unknown_setting_is_a_warning(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'theme = "nord"\ncolour = "red"\n'))
    assert config.theme == "nord"
    assert len(config.warnings) == 1
    assert "line 2" in config.warnings[0]
    assert "'colour'" in config.warnings[0]


def test_tiny_refresh_interval_is_raised(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "refresh_interval = 0.01\n"))
    assert config.refresh_interval == MIN_REFRESH_INTERVAL
    assert len(config.warnings) == 1


def test_zero_refresh_interval_turns_refresh_off(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "refresh_interval = 0\n"))
    assert config.refresh_interval == 0.0


def test_load_or_defaults_returns_error(tmp_path: Path) -> None:
    config, error = load_config_or_defaults(write(tmp_path, "refresh_interval = [\n"))
    assert config == Config()
    assert error is not None
    assert "config.toml" in error


def test_env_variable_overrides_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "elsewhere.toml"
    monkeypatch.setenv("SHADOW_TUI_CONFIG", str(target))
    assert config_path() == target


def test_default_path_in_config_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHADOW_TUI_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config_path() == tmp_path / "shadow-tui" / "config.toml"


def test_save_setting_creates_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    save_setting("theme", "gruvbox", path)
    assert load_config(path).theme == "gruvbox"


def test_save_setting_keeps_comments_and_keys(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    save_setting("theme", "dracula", path)
    text = path.read_text(encoding="utf-8")
    config = load_config(path)
    assert config.theme == "dracula"
    assert "# my settings" in text
    assert config.keys == {"main.search": "ctrl+s", "app.quit": "ctrl+q"}
    assert text.count("theme =") == 1


def test_save_setting_before_first_table(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\n"app.quit" = "ctrl+q"\n')
    save_setting("theme", "nord", path)
    config = load_config(path)
    assert config.theme == "nord"
    assert config.keys == {"app.quit": "ctrl+q"}


def test_save_setting_rejects_invalid_file(tmp_path: Path) -> None:
    broken = 'theme = "nord"\nrefresh_interval = [\n'
    path = write(tmp_path, broken)
    with pytest.raises(ConfigError):
        save_setting("theme", "dracula", path)
    assert path.read_text(encoding="utf-8") == broken


def test_save_unknown_setting_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        save_setting("colour", "red", tmp_path / "config.toml")


def test_dump_config_round_trip() -> None:
    config = Config(
        database="/data/h.db", theme="nord", refresh_interval=3.5,
        keys={"main.search": "ctrl+s"}, redact_patterns=['a"b\\d'],
    )
    loaded = parse_config(dump_config(config), Path("config.toml"))
    assert loaded == config


@given(st.text())
def test_toml_string_round_trip(value: str) -> None:
    assert tomllib.loads(f"value = {toml_value(value)}")["value"] == value


def test_toml_value_rejects_dict() -> None:
    with pytest.raises(TypeError):
        toml_value({"a": 1})


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    logging.captureWarnings(False)


@pytest.mark.usefixtures("restore_logging")
def test_logging_goes_to_file(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "shadow-tui.log"
    setup_logging("info", path)
    logging.getLogger("shadow_tui.test").info("hello from the test")
    for handler in logging.getLogger().handlers:
        handler.flush()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert f"Logging at INFO to {path}" in lines[0]
    assert "hello from the test" in lines[1]


@pytest.mark.usefixtures("restore_logging")
def test_log_file_opened_at_first_record(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "shadow-tui.log"
    setup_logging("warning", path)
    logging.getLogger("shadow_tui.test").info("below the level")
    assert not path.parent.exists()
    logging.getLogger("shadow_tui.test").warning("at the level")
    assert "at the level" in path.read_text(encoding="utf-8")


@pytest.mark.usefixtures("restore_logging")
def test_log_header_dated_like_first_record(tmp_path: Path) -> None:
    path = tmp_path / "shadow-tui.log"
    setup_logging("info", path)
    record = logging.makeLogRecord({"name": "shadow_tui.test", "levelno": logging.INFO, "levelname": "INFO",
                                    "msg": "made before the file was opened", "created": 1_000_000_000.5})
    logging.getLogger().handle(record)
    header, first = path.read_text(encoding="utf-8").splitlines()
    assert header[:23] == first[:23]
    assert "Logging at INFO" in header


@pytest.mark.usefixtures("restore_logging")
def test_open_log_file_opens_now(tmp_path: Path) -> None:
    path = tmp_path / "shadow-tui.log"
    setup_logging("info", path)
    assert open_log_file() is None
    assert path.exists()


@pytest.mark.usefixtures("restore_logging")
def test_unopenable_log_warns_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be", encoding="utf-8")
    path = blocker / "shadow-tui.log"
    setup_logging("info", path)
    problem = open_log_file()
    assert problem is not None
    assert problem.startswith(f"cannot open log file {path}")
    logging.getLogger("shadow_tui.test").warning("first")
    logging.getLogger("shadow_tui.test").warning("second")
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == 1
    assert f"cannot open log file {path}" in warnings[0]
    assert "Logging is off" in warnings[0]


@pytest.mark.usefixtures("restore_logging")
def test_logging_setup_replaces_own_handler(tmp_path: Path) -> None:
    setup_logging("info", tmp_path / "one.log")
    setup_logging("debug", tmp_path / "two.log")
    names = [handler.get_name() for handler in logging.getLogger().handlers]
    assert names.count("shadow-tui-file") == 1


def test_logging_level_invalid() -> None:
    with pytest.raises(ShadowTuiError) as caught:
        setup_logging("loud")
    assert "loud" in str(caught.value)
