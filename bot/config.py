"""Settings read from the environment (and an optional `.env` file).

Nothing here runs at import time: call `load_settings()` where the program starts.
"""

from __future__ import annotations

import inspect
import re
from typing import Annotated, Any
from urllib.parse import SplitResult, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "mysql+aiomysql")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///learnbot.db"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
LOG_FORMATS = ("text", "json")
# What @BotFather gives: the bot's numeric id, a colon, the secret part.
TOKEN_SHAPE = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
# What Telegram accepts as a webhook's secret_token.
WEBHOOK_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
REDIS_SCHEMES = ("redis", "rediss", "unix")


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
    health_port: int | None = Field(default=None, ge=1, le=65535)
    default_timezone: str = "UTC"
    leaderboard_refresh_seconds: int = Field(default=300, ge=10, le=86_400)
    broadcast_rate: float = Field(default=25.0, gt=0, le=1000)
    # A delivery claimed by a sender that died unconfirmed is sent again after this long.
    broadcast_lease_seconds: float = Field(default=60.0, ge=1, le=3600)
    log_level: str = "INFO"
    log_format: str = "text"
    shutdown_grace_seconds: float = Field(default=10.0, ge=0, le=600)
    # Connections `learnbot run` keeps to the database, and so the updates it handles at once.
    database_pool_size: int = Field(default=10, ge=1, le=500)

    @field_validator(
        "bot_token",
        "webhook_secret",
        "bot_api_url",
        "redis_url",
        "webhook_url",
        "health_port",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    # Secrets and URLs are never echoed in a message: they may hold a token or a password.

    @field_validator("bot_token", mode="before")
    @classmethod
    def _check_token(cls, value: object) -> object:
        # A token pasted with a trailing newline or space is still the token.
        if isinstance(value, str) and value.strip():
            value = value.strip()
            if not TOKEN_SHAPE.fullmatch(value):
                raise ValueError(
                    "is not a bot token: expected the bot's number, a colon and the secret "
                    "part, as @BotFather gives it"
                )
        return value

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _check_webhook_secret(cls, value: object) -> object:
        if isinstance(value, str) and value.strip():
            value = value.strip()
            if not WEBHOOK_SECRET_SHAPE.fullmatch(value):
                raise ValueError(
                    "Telegram accepts 1 to 256 characters of A-Z, a-z, 0-9, _ and - only"
                )
        return value

    @field_validator("bot_api_url")
    @classmethod
    def _check_bot_api_url(cls, value: str | None) -> str | None:
        if value is not None:
            value = value.strip()
            url = _split_url(value)
            if (
                url is None
                or url.scheme not in ("http", "https")
                or not url.hostname
                or url.query
                or url.fragment
            ):
                raise ValueError("must be an http:// or https:// URL of a Bot API server")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        value = value.strip()
        url = _split_url(value)
        if url is None or url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("must be the https:// URL Telegram posts updates to")
        if url.scheme == "http":
            # Telegram posts to HTTPS only; a Bot API server on this machine (a local
            # telegram-bot-api, a test server) may post to plain HTTP.
            api = _split_url(info.data.get("bot_api_url") or "")
            if api is None or api.hostname not in LOCAL_HOSTS:
                raise ValueError(
                    "must be an https:// URL: Telegram posts to HTTPS only (http:// is accepted "
                    "only when BOT_API_URL is a server on 127.0.0.1 or localhost)"
                )
        return value

    @field_validator("webhook_host")
    @classmethod
    def _check_webhook_host(cls, value: str) -> str:
        value = value.strip()
        if not value:
            # aiohttp would take an empty host for every interface: say so explicitly instead.
            raise ValueError("must not be empty (0.0.0.0 listens on every interface)")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        url = _split_url(value)
        if url is None or url.scheme not in REDIS_SCHEMES:
            raise ValueError("must be a URL like redis://host:6379/0 (or rediss://, unix://)")
        if url.scheme == "unix" and not url.path:
            raise ValueError("a unix:// URL needs the socket's path")
        if url.scheme != "unix" and not url.hostname:
            raise ValueError("must name the Redis host: redis://host:6379/0")
        database = url.path.strip("/") if url.scheme != "unix" else ""
        if database and not database.isdigit():
            raise ValueError("the path after the host must be a database number: redis://host/0")
        from redis.connection import parse_url

        try:
            parse_url(value)  # type: ignore[no-untyped-call]
        except ValueError:
            raise ValueError("has an option of the wrong type in its query string") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("cannot be parsed as a database URL") from None
        if url.drivername not in SUPPORTED_DRIVERS:
            raise ValueError(
                f"driver {url.drivername!r} is not supported; use one of "
                + ", ".join(SUPPORTED_DRIVERS)
            )
        _check_driver_options(url)
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

    @field_validator("log_format", mode="before")
    @classmethod
    def _check_log_format(cls, value: object) -> object:
        if isinstance(value, str):
            kind = value.strip().lower()
            if kind not in LOG_FORMATS:
                raise ValueError(f"{value!r} is not one of " + ", ".join(LOG_FORMATS))
            return kind
        return value

    @property
    def db_url(self) -> URL:
        return make_url(self.database_url)

    @property
    def uses_embedded_database(self) -> bool:
        return self.db_url.get_backend_name() == "sqlite"

    def is_admin(self, telegram_id: int) -> bool:
        return telegram_id in self.admin_ids

    def serving_problem(self) -> str | None:
        """Why `learnbot run` must not serve with these settings (one line), or None. Checked
        by `run` alone: the other commands never open the webhook, so they need no secret."""
        if self.webhook_url is not None and self.webhook_secret is None:
            # Without it, anyone who finds the URL can post updates as any user, admins too.
            return (
                "WEBHOOK_SECRET: must be set when WEBHOOK_URL is, so that only Telegram can post "
                "updates (e.g. the output of `openssl rand -hex 32`)"
            )
        return None


def _split_url(value: str) -> SplitResult | None:
    """The URL's parts, or None unless it has a scheme, a host (or a path, for unix://), a port
    that is a number and no white space."""
    if any(c.isspace() for c in value):
        return None
    try:
        url = urlsplit(value)
        url.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return None
    if not url.scheme or not (url.netloc or url.path):
        return None
    return url


def _check_driver_options(url: URL) -> None:
    """Options in the URL's query string go to the driver's connect(): one it does not know,
    or a value of the wrong type, would fail every connection with a traceback."""
    try:
        _, options = url.get_dialect()().create_connect_args(url)
    except ValueError:
        raise ValueError("an option in the query string has a value of the wrong type") from None
    if url.get_backend_name() != "mysql":
        return  # the SQLite dialect drops what it does not know
    import aiomysql
    import pymysql.charset

    known = inspect.signature(aiomysql.connect).parameters
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ValueError(f"option {unknown[0]!r} is not one aiomysql knows")
    charset: Any = options.get("charset")
    if charset and pymysql.charset.charset_by_name(charset) is None:
        raise ValueError(f"charset {charset!r} is not one MySQL knows")


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into one readable ConfigError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from None
