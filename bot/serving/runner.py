"""Serving a built dispatcher: by long polling, or by webhook when WEBHOOK_URL is set, and the
checks before it (database migrated, Redis answering, the port free). `learnbot run` builds the
app and hands it here (bot/cli/run.py); this package stays below the app it serves."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from aiogram import Bot, Dispatcher
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.serving.bot_api import first_line
from db import migrations

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from bot.serving.metrics import Metrics

log = logging.getLogger(__name__)


class NotReady(Exception):
    """The bot cannot serve (database, Telegram, port); the message says what to do."""


async def check_database(engine: AsyncEngine) -> None:
    where = engine.url.render_as_string(hide_password=True)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        current = await migrations.database_revision(engine)
    except DBAPIError as exc:
        reason = first_line(str(exc.orig)) if exc.orig is not None else type(exc).__name__
        raise NotReady(f"cannot reach the database at {where}: {reason}") from None
    except OSError as exc:
        raise NotReady(f"cannot reach the database at {where}: {exc.strerror or exc}") from None
    head = migrations.head_revision()
    if current != head:
        raise NotReady(
            f"the database at {where} is at revision {current or 'none'}, the code needs {head}: "
            "run `learnbot db upgrade`"
        )


async def check_redis(url: str) -> None:
    """Redis answers: without it every learner would start without state and isolation."""
    from redis.asyncio import Redis
    from redis.exceptions import RedisError

    from bot.serving.redis_support import CONNECTION_KWARGS

    parts = urlsplit(url)
    # Without the password the URL may hold.
    netloc = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    where = urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    client = Redis.from_url(url, **CONNECTION_KWARGS)
    try:
        await client.ping()  # type: ignore[misc]
    except (RedisError, OSError) as exc:
        reason = first_line(str(exc)) or type(exc).__name__
        raise NotReady(f"cannot reach Redis at {where}: {reason}") from None
    finally:
        await client.aclose()


def _stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM: from then on no new update is taken, and those in
    flight get SHUTDOWN_GRACE_SECONDS to finish."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _listen(runner: web.AppRunner, host: str, port: int) -> web.TCPSite:
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        # asyncio's message repeats the address in a sentence of its own: the errno says it.
        why = os.strerror(exc.errno) if exc.errno else str(exc)
        raise NotReady(f"cannot listen on {host}:{port}: {why}") from None
    return site


async def start_health_server(
    settings: Settings, engine: AsyncEngine, redis: Redis | None, metrics: Metrics
) -> web.AppRunner | None:
    """GET /healthz and /metrics on WEBHOOK_HOST:HEALTH_PORT, when HEALTH_PORT is set: for a
    process with no webhook server of its own. Listening before anything else is asked makes a
    taken port the first refusal."""
    if settings.health_port is None:
        return None
    from bot.serving.metrics import add_metrics_route
    from bot.serving.webhook import add_health_route

    app = web.Application()
    add_health_route(app, engine, redis)
    add_metrics_route(app, metrics)
    health = web.AppRunner(app, shutdown_timeout=0.5)
    await health.setup()
    try:
        await _listen(health, settings.webhook_host, settings.health_port)
    except BaseException:
        await health.cleanup()
        raise
    log.info("serving /healthz and /metrics on %s:%s", settings.webhook_host, settings.health_port)
    return health


async def serve_polling(
    settings: Settings, dp: Dispatcher, bot: Bot, engine: AsyncEngine, metrics: Metrics
) -> None:
    from bot.serving.polling import Poller

    health: web.AppRunner | None = None
    try:
        health = await start_health_server(
            settings, engine, getattr(dp.storage, "redis", None), metrics
        )
        # getUpdates is refused while a webhook is set; keep the updates that are waiting.
        await bot.delete_webhook(drop_pending_updates=False)
        stop = _stop_on_signals()
        # As aiogram's own polling does: start-up handlers take what the dispatcher carries.
        await dp.emit_startup(bot=bot, dispatcher=dp, bots=[bot], **dp.workflow_data)
        try:
            poller = Poller(dp, bot, allowed_updates=dp.resolve_used_update_types())
            await poller.run(stop, grace=settings.shutdown_grace_seconds)
        finally:
            await dp.emit_shutdown(bot=bot, dispatcher=dp, bots=[bot], **dp.workflow_data)
    finally:
        if health is not None:
            await health.cleanup()


async def serve_webhook(
    settings: Settings, dp: Dispatcher, bot: Bot, engine: AsyncEngine, metrics: Metrics
) -> None:
    from aiogram.webhook.aiohttp_server import setup_application

    from bot.serving.metrics import add_metrics_route
    from bot.serving.webhook import WebhookHandler, add_health_route

    assert settings.webhook_url is not None
    assert settings.webhook_secret is not None, "run() refuses a webhook without its secret"
    secret = settings.webhook_secret.get_secret_value()
    path = urlsplit(settings.webhook_url).path or "/"
    app = web.Application()
    # Each update is handled before Telegram gets its 200, so one cut off by a shutdown or a
    # crash is posted again; in the background, it would be lost.
    handler = WebhookHandler(
        dispatcher=dp, bot=bot, secret_token=secret, handle_in_background=False
    )
    handler.register(app, path=path)
    setup_application(app, dp, bot=bot)
    add_health_route(app, engine, getattr(dp.storage, "redis", None))
    add_metrics_route(app, metrics)

    # The wait for requests in flight is done below, before aiohttp's shutdown closes the
    # bot's session under them; what is left after it is cut at once.
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    try:
        site = await _listen(runner, settings.webhook_host, settings.webhook_port)
        await bot.set_webhook(
            settings.webhook_url,
            secret_token=secret,
            allowed_updates=dp.resolve_used_update_types(),
        )
        log.info(
            "serving Telegram by webhook %s on %s:%s",
            settings.webhook_url,
            settings.webhook_host,
            settings.webhook_port,
        )
        stop = _stop_on_signals()
        await stop.wait()
        log.info("stopping the webhook server")
        await site.stop()  # no new connections
        await handler.drain(settings.shutdown_grace_seconds)
    finally:
        await runner.cleanup()
