"""Settings read from the environment (and an optional `.env` file).

Nothing here runs at import time: call `load_settings()` where the program starts.
"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "mysql+aiomysql")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///learnbot.db"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class ConfigError(Exception):
    """A bad environment value, worded for the operator (one line, names the variable)."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    bot_api_url: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    default_timezone: str = "UTC"
    leaderboard_refresh_seconds: int = Field(default=300, ge=10)
    broadcast_rate: float = Field(default=25.0, gt=0, le=1000)
    log_level: str = "INFO"

    @field_validator(
        "bot_token", "webhook_secret", "bot_api_url", "redis_url", "webhook_url", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            # The value is not echoed: it may hold a password.
            raise ValueError("cannot be parsed as a database URL") from None
        if url.drivername not in SUPPORTED_DRIVERS:
            raise ValueError(
                f"driver {url.drivername!r} is not supported; use one of "
                + ", ".join(SUPPORTED_DRIVERS)
            )
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        ids: set[int] = set()
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise ValueError(f"{part!r} is not a numeric Telegram user id")
            ids.add(int(part))
        return frozenset(ids)

    @field_validator("default_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        # OSError: a tzdata directory ("Europe") or an over-long name is not a zone either.
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"{value!r} is not a known IANA time zone") from None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _check_log_level(cls, value: object) -> object:
        if isinstance(value, str):
            level = value.strip().upper()
            if level not in LOG_LEVELS:
                raise ValueError(f"{value!r} is not one of " + ", ".join(LOG_LEVELS))
            return level
        return value

    @property
    def db_url(self) -> URL:
        return make_url(self.database_url)

    @property
    def uses_embedded_database(self) -> bool:
        return self.db_url.get_backend_name() == "sqlite"

    def is_admin(self, telegram_id: int) -> bool:
        return telegram_id in self.admin_ids


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into one readable ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from None
