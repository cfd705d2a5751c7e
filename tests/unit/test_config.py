"""Settings come from the environment; a bad value stops the program with one readable line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import DEFAULT_DATABASE_URL, ConfigError, Settings, load_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _is_setting(name: str) -> bool:
    # pydantic-settings matches variable names case-insensitively.
    return name.lower() in Settings.model_fields


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the developer's shell, and no stray .env is in reach."""
    for name in list(os.environ):
        if _is_setting(name):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    settings = load_settings(_env_file=None)

    assert settings.bot_token is None
    assert settings.bot_api_url is None
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.db_url.drivername == "sqlite+aiosqlite"
    assert settings.redis_url is None
    assert settings.admin_ids == frozenset()
    assert settings.webhook_url is None
    assert settings.webhook_secret is None
    assert (settings.webhook_host, settings.webhook_port) == ("127.0.0.1", 8080)
    assert settings.health_port is None
    assert settings.default_timezone == "UTC"
    assert settings.leaderboard_refresh_seconds == 300
    assert settings.broadcast_rate == 25.0
    assert settings.log_level == "INFO"
    assert settings.log_format == "text"
    assert settings.shutdown_grace_seconds == 10


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("DATABASE_URL", "mysql+aiomysql://bot:secret@db:3306/learnbot")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("BROADCAST_RATE", "10.5")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("LOG_FORMAT", " JSON ")

    settings = load_settings(_env_file=None)

    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == "123:abc"
    assert "123:abc" not in repr(settings)
    assert settings.db_url.drivername == "mysql+aiomysql"
    assert settings.default_timezone == "Europe/Berlin"
    assert settings.broadcast_rate == 10.5
    assert settings.log_level == "DEBUG"
    assert settings.log_format == "json"


def test_blank_optional_values_are_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "")
    monkeypatch.setenv("WEBHOOK_URL", "  ")
    # As .env.example leaves it: `HEALTH_PORT=` means no health server, not a bad number.
    monkeypatch.setenv("HEALTH_PORT", "")

    settings = load_settings(_env_file=None)

    assert settings.bot_token is None
    assert settings.webhook_url is None
    assert settings.health_port is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1, 2,3", {1, 2, 3}), ("42", {42}), ("", set()), (" 7 ,, 7 ", {7})],
)
def test_admin_ids_parse(monkeypatch: pytest.MonkeyPatch, raw: str, expected: set[int]) -> None:
    monkeypatch.setenv("ADMIN_IDS", raw)

    settings = load_settings(_env_file=None)

    assert settings.admin_ids == frozenset(expected)
    for admin in expected:
        assert settings.is_admin(admin)
    assert not settings.is_admin(999)


def test_overrides_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "1")

    settings = load_settings(_env_file=None, admin_ids="5,6", default_timezone="Asia/Tokyo")

    assert settings.admin_ids == frozenset({5, 6})
    assert settings.default_timezone == "Asia/Tokyo"


# Values that may carry a token or a password (MARK stands for it): no message repeats them.
MARK = "hunter2"
BAD_SECRET_BEARING_VALUES = [
    ("BOT_TOKEN", "123456"),
    ("BOT_TOKEN", f"abc:{MARK}"),
    ("BOT_TOKEN", f":{MARK}"),
    ("BOT_TOKEN", "123456:"),
    ("BOT_TOKEN", f"123456:{MARK} with space"),
    ("BOT_TOKEN", f"123456:{MARK}\nsecond-line"),
    ("BOT_API_URL", "api.telegram.org"),
    ("BOT_API_URL", f"ftp://127.0.0.1/{MARK}"),
    ("BOT_API_URL", "http://"),
    ("BOT_API_URL", f"http://exa mple/{MARK}"),
    ("BOT_API_URL", f"http://host:port/{MARK}"),
    ("BOT_API_URL", f"http://host/?token={MARK}"),
    ("WEBHOOK_URL", "not a url"),
    ("WEBHOOK_URL", "https://"),
    ("WEBHOOK_URL", f"ftp://example.com/{MARK}"),
    # Telegram posts only to HTTPS; BOT_API_URL is Telegram's here.
    ("WEBHOOK_URL", f"http://example.com/{MARK}"),
    ("WEBHOOK_SECRET", f"{MARK} space"),
    ("WEBHOOK_SECRET", f"{MARK};"),
    ("WEBHOOK_SECRET", f"{MARK}ü"),
    ("WEBHOOK_SECRET", MARK * 40),
    ("WEBHOOK_HOST", "   "),
    ("REDIS_URL", "localhost:6379"),
    ("REDIS_URL", "http://redis.example/0"),
    ("REDIS_URL", f"redis://:{MARK}@host:port/0"),
    ("REDIS_URL", f"redis://:{MARK}@host/zero"),
    ("REDIS_URL", f"redis://:{MARK}@/0"),
    ("REDIS_URL", f"redis://:{MARK}@host/0?socket_timeout=soon"),
    ("REDIS_URL", "unix://"),
    ("DATABASE_URL", f"mysql+aiomysql://bot:{MARK}@db/learnbot?charset=bogus"),
    ("DATABASE_URL", f"mysql+aiomysql://bot:{MARK}@db/learnbot?colour=blue"),
    ("DATABASE_URL", f"mysql+aiomysql://bot:{MARK}@db/learnbot?connect_timeout=soon"),
    ("DATABASE_URL", "sqlite+aiosqlite:///learnbot.db?timeout=soon"),
]


@pytest.mark.parametrize(("variable", "value"), BAD_SECRET_BEARING_VALUES)
def test_a_bad_value_that_may_hold_a_secret_is_not_repeated(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as info:
        load_settings(_env_file=None)

    assert MARK not in str(info.value), info.value


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ADMIN_IDS", "1, two, 3"),
        ("DATABASE_URL", "not a database url"),
        ("DATABASE_URL", "postgresql://bot@db/learnbot"),
        ("DATABASE_URL", "sqlite:///learnbot.db"),
        ("DEFAULT_TIMEZONE", "Mars/Olympus"),
        # A directory of the time zone database, and a name too long for a file: not zones.
        ("DEFAULT_TIMEZONE", "Europe"),
        ("DEFAULT_TIMEZONE", "A" * 300),
        ("BROADCAST_RATE", "-1"),
        ("BROADCAST_RATE", "0"),
        ("BROADCAST_RATE", "fast"),
        ("WEBHOOK_PORT", "70000"),
        ("WEBHOOK_PORT", "0"),
        ("WEBHOOK_PORT", "http"),
        ("HEALTH_PORT", "70000"),
        ("HEALTH_PORT", "0"),
        ("HEALTH_PORT", "http"),
        ("LOG_LEVEL", "chatty"),
        ("LOG_FORMAT", "xml"),
        ("SHUTDOWN_GRACE_SECONDS", "-1"),
        ("SHUTDOWN_GRACE_SECONDS", "3600"),
        ("SHUTDOWN_GRACE_SECONDS", "soon"),
        ("LEADERBOARD_REFRESH_SECONDS", "5"),
        ("LEADERBOARD_REFRESH_SECONDS", "10000000"),
        ("LEADERBOARD_REFRESH_SECONDS", "1.5"),
        ("BROADCAST_RATE", "100000"),
        *BAD_SECRET_BEARING_VALUES,
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as info:
        load_settings(_env_file=None)

    message = str(info.value)
    assert message.startswith(f"{variable}: "), message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("variable", "value", "detail"),
    [
        ("ADMIN_IDS", "1, two, 3", "'two'"),
        ("DATABASE_URL", "not a database url", "cannot be parsed"),
        ("DATABASE_URL", "postgresql://bot@db/learnbot", "'postgresql'"),
        ("DEFAULT_TIMEZONE", "Mars/Olympus", "'Mars/Olympus'"),
        ("BROADCAST_RATE", "-1", "greater than 0"),
    ],
)
def test_bad_value_message_says_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, detail: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError, match=f"^{variable}: .*{detail}"):
        load_settings(_env_file=None)


def test_token_and_secret_are_stored_without_surrounding_white_space(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_TOKEN", "  123456:AA-bb_CC\n")
    monkeypatch.setenv("WEBHOOK_SECRET", "\tsecret-42_x ")
    monkeypatch.setenv("WEBHOOK_HOST", " 0.0.0.0 ")

    settings = load_settings(_env_file=None)

    assert settings.bot_token is not None
    assert settings.bot_token.get_secret_value() == "123456:AA-bb_CC"
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == "secret-42_x"
    assert settings.webhook_host == "0.0.0.0"


@pytest.mark.parametrize(
    ("values", "accepted"),
    [
        ({"WEBHOOK_URL": "https://bot.example.com/hook"}, True),
        ({"WEBHOOK_URL": "http://bot.example.com/hook"}, False),
        ({"WEBHOOK_URL": "http://127.0.0.1:8443/h", "BOT_API_URL": "http://127.0.0.1:8081"}, True),
        ({"WEBHOOK_URL": "http://bot:8443/h", "BOT_API_URL": "http://localhost:8081"}, True),
        ({"WEBHOOK_URL": "http://bot:8443/h", "BOT_API_URL": "https://api.example.com"}, False),
    ],
)
def test_plain_http_webhooks_only_with_a_local_bot_api(
    monkeypatch: pytest.MonkeyPatch, values: dict[str, str], accepted: bool
) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)

    if accepted:
        assert load_settings(_env_file=None).webhook_url == values["WEBHOOK_URL"]
    else:
        with pytest.raises(ConfigError, match=r"^WEBHOOK_URL: must be an https:// URL"):
            load_settings(_env_file=None)


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/15",
        "rediss://user:pw@redis.example:6380",
        "unix:///run/redis.sock",
        "redis://localhost",
    ],
)
def test_good_redis_urls_are_accepted(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("REDIS_URL", url)

    assert load_settings(_env_file=None).redis_url == url


def test_known_mysql_options_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "mysql+aiomysql://bot:pw@db:3306/learnbot?charset=utf8mb4&connect_timeout=5"
    monkeypatch.setenv("DATABASE_URL", url)

    assert load_settings(_env_file=None).database_url == url


def test_env_file_is_read_unless_disabled(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DEFAULT_TIMEZONE=Europe/Paris\nADMIN_IDS=9\n", encoding="utf-8")

    assert load_settings().default_timezone == "Europe/Paris"
    assert load_settings().admin_ids == frozenset({9})
    assert load_settings(_env_file=None).default_timezone == "UTC"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEFAULT_TIMEZONE", "Mars/Olympus"),
        ("BOT_TOKEN", f"123456:{MARK} with space\n"),
        ("REDIS_URL", f"redis://:{MARK}@host:port/0"),
        ("WEBHOOK_SECRET", f"{MARK};with;semicolons"),
        ("DATABASE_URL", f"mysql+aiomysql://bot:{MARK}@db/learnbot?charset=bogus"),
    ],
)
def test_cli_reports_a_bad_setting_in_one_line(tmp_path: Path, variable: str, value: str) -> None:
    env = {name: value for name, value in os.environ.items() if not _is_setting(name)}
    env[variable] = value
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))

    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "current"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"learnbot: configuration error: {variable}: "), lines[0]
    assert MARK not in lines[0]
    assert result.stdout == ""


def test_cli_repeats_a_bad_time_zone(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if not _is_setting(name)}
    env["DEFAULT_TIMEZONE"] = "Mars/Olympus"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))

    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "current"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert "'Mars/Olympus' is not a known IANA time zone" in result.stderr
