"""`learnbot run`: build the app on a checked database and serve Telegram with it, by long
polling or by webhook (bot/serving/runner.py), with the workers beside it."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Callable

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramUnauthorizedError,
)

from bot.app import build_app, build_workers
from bot.config import Settings
from bot.database import open_database
from bot.serving.bot_api import first_line, network_reason
from bot.serving.runner import (
    NotReady,
    check_database,
    check_redis,
    serve_polling,
    serve_webhook,
)
from bot.serving.workers import running
from db.engine import SERVING_LIMITS


def run(settings: Settings, redact: Callable[[str], str], *, scheduler: bool = True) -> int:
    """Serve until interrupted; 1 with a message when the database or Telegram is not ready."""
    assert settings.bot_token is not None, "the CLI checks the token first"
    assert settings.serving_problem() is None, "the CLI checks the settings first"
    try:
        asyncio.run(serve(settings, scheduler=scheduler))
    except NotReady as exc:
        # The reasons come from libraries, which may quote a URL holding the token.
        print(redact(f"learnbot: {exc}"), file=sys.stderr)
        return 1
    return 0


async def serve(settings: Settings, *, scheduler: bool = True) -> None:
    database = open_database(settings, limits=SERVING_LIMITS)
    try:
        await check_database(database.engine)
        if settings.redis_url:
            await check_redis(settings.redis_url)
        app = build_app(settings, database=database)
        # What was imported and built so far lives as long as the process: without this, every
        # full collection walks those few hundred thousand objects again (a latency spike).
        gc.collect()
        gc.freeze()
        where = settings.bot_api_url or "https://api.telegram.org"
        try:
            async with running(build_workers(app, scheduler=scheduler)):
                if settings.webhook_url:
                    await serve_webhook(
                        settings, app.dispatcher, app.bot, database.engine, app.metrics
                    )
                else:
                    await serve_polling(
                        settings, app.dispatcher, app.bot, database.engine, app.metrics
                    )
        except TelegramUnauthorizedError:
            raise NotReady("the Bot API refused BOT_TOKEN (401 Unauthorized): check it") from None
        except TelegramNetworkError as exc:
            raise NotReady(f"cannot reach the Bot API at {where}: {network_reason(exc)}") from None
        except TelegramAPIError as exc:
            method = exc.method.__api_method__
            raise NotReady(
                f"the Bot API at {where} refused {method}: {first_line(exc.message)}"
            ) from None
        except ClientDecodeError:
            # Its text quotes the whole body, which may echo the request's URL.
            raise NotReady(
                f"the server at {where} does not answer as a Bot API: check BOT_API_URL"
            ) from None
        finally:
            await app.close()
    finally:
        await database.close()
