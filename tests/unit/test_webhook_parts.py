"""The webhook server's parts on their own: the in-process de-duplication and `/healthz`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Dispatcher, F, Router
from aiogram.methods import SendMessage
from aiogram.types import Message, TelegramObject, Update
from aiogram.utils.i18n import ConstI18nMiddleware
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import texts
from bot.handlers.errors import create_router as create_errors_router
from bot.i18n import create_i18n
from bot.middlewares.recent_updates import RecentUpdatesMiddleware
from bot.middlewares.update_log import NOTE_KEY, UpdateLogMiddleware, UpdateNote
from bot.services.errors import Stale
from bot.serving.local_api import LocalBotSession
from bot.serving.webhook import RETRY_AFTER_SECONDS, WebhookHandler, add_health_route
from db.engine import create_engine
from tests.e2e.process import free_port
from tests.support.databases import sqlite_url
from tests.support.i18n import reading
from tests.support.outbox import local_bot

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


async def feed(recent: RecentUpdatesMiddleware, update_id: int, handler: Handler) -> str | None:
    """The update's outcome: None when the handler ran (and did not raise)."""
    note = UpdateNote()
    await recent(handler, Update(update_id=update_id), {NOTE_KEY: note})
    return note.outcome


class Held:
    """A handler that counts its calls and waits to be released, then raises `error` if any."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.calls = 0
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.error = error

    async def __call__(self, event: TelegramObject, data: dict[str, Any]) -> None:
        self.calls += 1
        self.started.set()
        await self.release.wait()
        if self.error is not None:
            raise self.error


async def handled(event: TelegramObject, data: dict[str, Any]) -> None:
    return None


async def test_an_update_id_is_handled_once_within_the_ttl() -> None:
    now = [0.0]
    recent = RecentUpdatesMiddleware(ttl=60, max_size=1000, clock=lambda: now[0])

    assert await feed(recent, 1, handled) is None
    assert await feed(recent, 1, handled) == "duplicate"
    assert await feed(recent, 2, handled) is None
    now[0] = 61
    assert await feed(recent, 1, handled) is None, "forgotten after the ttl"
    assert list(recent.handled) == [1], "expired ids are dropped"


async def test_the_remembered_ids_are_bounded() -> None:
    recent = RecentUpdatesMiddleware(ttl=3600, max_size=3)

    for update_id in range(10):
        assert await feed(recent, update_id, handled) is None

    assert len(recent.handled) == 3
    assert await feed(recent, 9, handled) == "duplicate"
    assert await feed(recent, 0, handled) is None, "the oldest went first"


@pytest.mark.parametrize("error", [RuntimeError("boom"), asyncio.CancelledError()])
async def test_an_update_that_failed_or_was_cancelled_is_handled_when_posted_again(
    error: BaseException,
) -> None:
    recent = RecentUpdatesMiddleware()
    failing = Held(error)
    failing.release.set()

    with pytest.raises(type(error)):
        await feed(recent, 1, failing)
    assert await feed(recent, 1, handled) is None
    assert await feed(recent, 1, handled) == "duplicate"
    assert not recent.in_flight


async def test_an_update_answered_with_a_domain_error_counts_as_handled() -> None:
    recent = RecentUpdatesMiddleware()
    stale = Held(Stale())
    stale.release.set()

    with pytest.raises(Stale):
        await feed(recent, 1, stale)
    assert await feed(recent, 1, handled) == "duplicate"


async def test_a_copy_posted_while_the_first_runs_waits_for_it() -> None:
    recent = RecentUpdatesMiddleware(wait_seconds=30)

    # The first copy is handled: the second is a duplicate.
    first = Held()
    running = asyncio.ensure_future(feed(recent, 1, first))
    await asyncio.wait_for(first.started.wait(), 5)
    second = Held()
    second.release.set()
    waiting = asyncio.ensure_future(feed(recent, 1, second))
    await asyncio.sleep(0.05)
    assert not waiting.done(), "not handled beside the first"
    first.release.set()
    assert await running is None
    assert await waiting == "duplicate"
    assert second.calls == 0

    # The first copy fails: the second is handled.
    failing = Held(RuntimeError("boom"))
    running = asyncio.ensure_future(feed(recent, 2, failing))
    await asyncio.wait_for(failing.started.wait(), 5)
    waiting = asyncio.ensure_future(feed(recent, 2, second))
    await asyncio.sleep(0.05)
    failing.release.set()
    with pytest.raises(RuntimeError):
        await running
    assert await waiting is None
    assert second.calls == 1


async def test_a_copy_waits_for_the_first_only_so_long() -> None:
    recent = RecentUpdatesMiddleware(wait_seconds=0.2)
    first = Held()
    running = asyncio.ensure_future(feed(recent, 1, first))
    await asyncio.wait_for(first.started.wait(), 5)

    assert await feed(recent, 1, handled) == "busy-elsewhere"
    first.release.set()
    assert await running is None
    assert first.calls == 1


Probe = Callable[[AsyncEngine, "Redis | None"], Awaitable[tuple[int, object]]]


@pytest.fixture
async def probe() -> AsyncIterator[Probe]:
    """GET /healthz of a server built around the given engine and Redis client."""
    runners: list[web.AppRunner] = []

    async def get(engine: AsyncEngine, redis: Redis | None) -> tuple[int, object]:
        app = web.Application()
        add_health_route(app, engine, redis)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            return response.status, await response.json()

    yield get
    for runner in runners:
        await runner.cleanup()


async def test_healthz_is_200_when_the_database_answers(probe: Probe, tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path / "health.db"))
    try:
        assert await probe(engine, None) == (200, {"database": "ok", "redis": "off"})
    finally:
        await engine.dispose()


async def test_healthz_is_503_naming_what_is_down(probe: Probe) -> None:
    closed = free_port()  # nothing listens there
    engine = create_engine(f"mysql+aiomysql://bot@127.0.0.1:{closed}/learnbot")
    redis = Redis(host="127.0.0.1", port=closed, socket_connect_timeout=1)
    try:
        assert await probe(engine, redis) == (503, {"database": "down", "redis": "down"})
    finally:
        await redis.aclose()
        await engine.dispose()


class Bug(Exception):
    pass


async def test_an_update_the_bot_api_failed_gets_503_and_a_bug_200(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The webhook as it serves: the Bot API failing under a reply refuses the update with a
    503 (Telegram posts it again, and then it is answered); a handler's bug is a 200 with its
    traceback, as before, so Telegram does not post it again and again."""
    api = LocalBotSession()
    bot = local_bot(api)
    dp = Dispatcher()
    dp.update.outer_middleware(UpdateLogMiddleware())
    dp.update.outer_middleware(RecentUpdatesMiddleware())
    ConstI18nMiddleware("en", create_i18n()).setup(dp)  # the error handlers included
    replies = Router()

    @replies.message(F.text == "hi")
    async def reply(message: Message) -> None:
        await message.answer("hello")

    @replies.message(F.text == "bug")
    async def bug(message: Message) -> None:
        raise Bug("a handler's bug")

    dp.include_routers(replies, create_errors_router())
    app = web.Application()
    WebhookHandler(dispatcher=dp, bot=bot, handle_in_background=False).register(app, path="/hook")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        sender = {"id": 5, "is_bot": False, "first_name": "Ada"}

        async def post(update_id: int, text: str) -> tuple[int, str | None]:
            chat = {"id": 5, "type": "private"}
            message = {"message_id": 1, "date": 0, "chat": chat, "from": sender, "text": text}
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http,
                http.post(url, json={"update_id": update_id, "message": message}) as response,
            ):
                return response.status, response.headers.get("Retry-After")

        api.fail(SendMessage, status=404, description="", page="<h1>nginx</h1>")
        assert await post(1, "hi") == (503, str(RETRY_AFTER_SECONDS))
        assert api.sent(SendMessage) == []
        assert await post(1, "hi") == (200, None), "posted again by Telegram, once it is back"
        assert [m.text for m in api.sent(SendMessage)] == ["hello"]

        caplog.clear()
        assert await post(2, "bug") == (200, None)
        [*_, apology] = api.sent(SendMessage)
        with reading("en"):
            assert apology.text == str(texts.ERROR)
        [failure] = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert failure.exc_info is not None and isinstance(failure.exc_info[1], Bug)
    finally:
        await runner.cleanup()
