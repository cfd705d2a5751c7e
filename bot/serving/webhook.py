"""The webhook server's own parts: aiogram's request handler made strict about what it accepts
(and saying so in the log), and `GET /healthz` for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, cast

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.middlewares.update_log import BOT_API_UNAVAILABLE, NOTE_KEY, UpdateNote

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
# A check that takes longer than this counts as down: a prober must not hang on a stalled peer.
HEALTH_CHECK_SECONDS = 2.0
# Said to Telegram with a 503 for an update the Bot API's outage left unanswered. Telegram
# posts it again on its own schedule; this is the hint a proxy or a load balancer may honour.
RETRY_AFTER_SECONDS = 10


class WebhookHandler(SimpleRequestHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The tasks handling an update now. aiohttp may serve a keep-alive connection's
        # requests in one task, so a task here is waited for only while it handles one.
        self.in_flight: set[asyncio.Task[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    async def handle(self, request: web.Request) -> web.Response:
        task = asyncio.current_task()
        assert task is not None
        self.in_flight.add(task)
        self._idle.clear()
        try:
            return await self._handle(request)
        finally:
            self.in_flight.discard(task)
            if not self.in_flight:
                self._idle.set()

    async def drain(self, grace: float) -> None:
        """Let the updates being handled finish, for up to `grace` seconds, then cancel the
        rest: they get no 200, so Telegram posts them again. Cancelled here, before aiohttp's
        shutdown closes the bot's session under them, they end quietly instead of failing."""
        if not self.in_flight:
            return
        log.info("waiting up to %g s for %d updates in flight", grace, len(self.in_flight))
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
            return
        except TimeoutError:
            pass
        unfinished = set(self.in_flight)
        log.warning(
            "stopped with %d updates unfinished: Telegram will post them again", len(unfinished)
        )
        for task in unfinished:
            task.cancel()
        await asyncio.wait(unfinished, timeout=1.0)

    async def _handle(self, request: web.Request) -> web.Response:
        bot = await self.resolve_bot(request)
        given = request.headers.get(SECRET_HEADER)
        if not self.verify_secret(given or "", bot):
            # Telegram always sends the secret it was given: this post came from someone else.
            return self._refuse(request, 401, "no secret" if given is None else "wrong secret")
        try:
            payload: Any = await request.json(loads=bot.session.json_loads)
        except ValueError:
            return self._refuse(request, 400, "the body is not JSON")
        except RecursionError:
            # The JSON decoder's guard against nesting deeper than the stack, not a crash: the
            # body is refused whole. No update of Telegram's nests more than a few levels.
            return self._refuse(request, 400, "the body nests too deep")
        try:
            Update.model_validate(payload, context={"bot": bot})
        except ValidationError:
            return self._refuse(request, 400, "the body is not a Telegram update")
        except RecursionError:
            return self._refuse(request, 400, "the body nests too deep")
        # aiohttp keeps the body it read, so aiogram's own handling reads the same one.
        return await super().handle(request)

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        """aiogram's, but an update whose handling met the Bot API unavailable gets a 503, so
        Telegram posts it again later, when the API may answer: a 200 would drop the learner's
        update unanswered. Not a 500: that says the bot is broken, and it is not. The update's
        traffic line and the outage's two lines say all there is, so this logs nothing."""
        note = UpdateNote()
        data: dict[str, Any] = {**self.data, NOTE_KEY: note}
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            bot, await request.json(loads=bot.session.json_loads), **data
        )
        if note.outcome == BOT_API_UNAVAILABLE:
            return web.Response(
                status=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                text="the Bot API is unavailable: post this update again later",
            )
        return web.Response(body=self._build_response_writer(bot=bot, result=result))

    @staticmethod
    def _refuse(request: web.Request, status: int, why: str) -> web.Response:
        log.warning(
            "refused a webhook post from %s: %s",
            request.remote,
            why,
            extra={"remote": request.remote, "status": status},
        )
        return web.Response(status=status, text=why)


async def _database_state(engine: AsyncEngine) -> str:
    try:
        async with asyncio.timeout(HEALTH_CHECK_SECONDS), engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        return "down"
    return "ok"


async def _redis_state(redis: Redis | None) -> str:
    if redis is None:
        return "off"
    try:
        async with asyncio.timeout(HEALTH_CHECK_SECONDS):
            await cast(Awaitable[bool], redis.ping())
    except Exception:
        return "down"
    return "ok"


def add_health_route(app: web.Application, engine: AsyncEngine, redis: Redis | None) -> None:
    """`GET /healthz`: 200 when every dependency answers, 503 otherwise; the body names each
    one's state ({"database": "ok", "redis": "ok" | "off" | "down"})."""

    async def healthz(request: web.Request) -> web.Response:
        database, redis_state = await asyncio.gather(_database_state(engine), _redis_state(redis))
        states = {"database": database, "redis": redis_state}
        ready = "down" not in states.values()
        return web.json_response(states, status=200 if ready else 503)

    app.router.add_get(HEALTH_PATH, healthz)
