"""`learnbot run`: serve Telegram by long polling, or by webhook when WEBHOOK_URL is set."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import build_app, open_database
from bot.config import Settings
from db import migrations

log = logging.getLogger(__name__)


class NotReady(Exception):
    """The bot cannot serve (database, Telegram, port); the message says what to do."""


def run(settings: Settings) -> int:
    """Serve until interrupted; 1 with a message when the database or Telegram is not ready."""
    assert settings.bot_token is not None, "the CLI checks the token first"
    try:
        asyncio.run(serve(settings))
    except NotReady as exc:
        print(f"learnbot: {exc}", file=sys.stderr)
        return 1
    return 0


async def check_database(engine: AsyncEngine) -> None:
    where = engine.url.render_as_string(hide_password=True)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        current = await migrations.database_revision(engine)
    except (DBAPIError, OSError) as exc:
        raise NotReady(f"cannot reach the database at {where}: {exc}") from None
    head = migrations.head_revision()
    if current != head:
        raise NotReady(
            f"the database at {where} is at revision {current or 'none'}, the code needs {head}: "
            "run `learnbot db upgrade`"
        )


async def serve(settings: Settings) -> None:
    database = open_database(settings)
    try:
        await check_database(database.engine)
        app = build_app(settings, database=database)
        # What was imported and built so far lives as long as the process: without this, every
        # full collection walks those few hundred thousand objects again (a latency spike).
        gc.collect()
        gc.freeze()
        try:
            if settings.webhook_url:
                await _serve_webhook(settings, app.dispatcher, app.bot)
            else:
                await _serve_polling(app.dispatcher, app.bot)
        except TelegramUnauthorizedError:
            raise NotReady("the Bot API refused BOT_TOKEN (401 Unauthorized): check it") from None
        except TelegramNetworkError as exc:
            where = settings.bot_api_url or "https://api.telegram.org"
            raise NotReady(f"cannot reach the Bot API at {where}: {exc.message}") from None
        finally:
            await app.close()
    finally:
        await database.close()


async def _serve_polling(dp: Dispatcher, bot: Bot) -> None:
    # getUpdates is refused while a webhook is set; keep the updates that are waiting.
    await bot.delete_webhook(drop_pending_updates=False)
    log.info("serving Telegram by long polling")
    await dp.start_polling(bot, allowed_updates=dp.resolve_used_update_types())


async def _serve_webhook(settings: Settings, dp: Dispatcher, bot: Bot) -> None:
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application

    assert settings.webhook_url is not None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    path = urlsplit(settings.webhook_url).path or "/"
    app = web.Application()
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(app, path=path)
    setup_application(app, dp, bot=bot)

    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        try:
            await site.start()
        except OSError as exc:
            raise NotReady(
                f"cannot listen on {settings.webhook_host}:{settings.webhook_port}: {exc.strerror}"
            ) from None
        if secret is None:
            log.warning(
                "WEBHOOK_SECRET is not set: anyone who finds the webhook URL can post updates"
            )
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
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        log.info("stopping the webhook server")
        await runner.cleanup()
