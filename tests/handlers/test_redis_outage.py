"""Redis cut mid-run: learners are still answered, at once or within a Redis timeout, without
their half-typed answers; a lock whose release was lost does not silence its learner; the log
says so once per outage; and Redis is used again once it is back."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import LessonCb
from bot.config import Settings
from bot.services.context import Context
from bot.serving import redis_support
from bot.serving.redis_support import TolerantRedisEventIsolation
from tests.support.chat import Chat, make_chat
from tests.support.course import Course
from tests.support.redis import REDIS_URL, require_redis
from tests.support.tcp_proxy import TcpProxy

ANSWER_WITHIN = 5.0


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    require_redis()
    url = urlsplit(REDIS_URL)
    proxy = TcpProxy(url.hostname or "127.0.0.1", url.port or 6379)
    await proxy.start()
    yield proxy
    await proxy.close()


@pytest.fixture
async def redis_chat(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    proxy: TcpProxy,
    monkeypatch: pytest.MonkeyPatch,
    context: Context,
) -> AsyncIterator[Chat]:
    monkeypatch.setattr(redis_support, "PROBE_SECONDS", 0.2)
    database = REDIS_URL.rsplit("/", 1)[1]
    proxied = f"redis://127.0.0.1:{proxy.port}/{database}"
    with_redis = settings.model_copy(update={"redis_url": proxied})
    chat = make_chat(with_redis, sessionmaker, context, user_id=random.randint(10**9, 2 * 10**9))
    try:
        yield chat
    finally:
        await chat.dp.storage.close()
        await chat.bot.session.close()


async def timed(chat: Chat, text: str) -> float:
    started = time.monotonic()
    await chat.send_text(text)
    return time.monotonic() - started


async def test_learners_are_answered_through_a_redis_outage(
    redis_chat: Chat, proxy: TcpProxy, course: Course, caplog: pytest.LogCaptureFixture
) -> None:
    chat = redis_chat
    await chat.send_text("/start")
    caplog.set_level(logging.INFO, logger="bot.serving.redis_support")

    for cut in (proxy.refuse, proxy.blackhole):
        await cut()
        for _ in range(3):
            chat.forget()
            assert await timed(chat, "/help") < ANSWER_WITHIN
            assert chat.texts() == [en.HELP]
        await proxy.restore()
        await asyncio.sleep(0.3)  # past the probe interval: the next update tries Redis again
        chat.forget()
        await chat.send_text("/help")
        assert chat.texts() == [en.HELP]

    # Redis is used again: a typed answer's state is kept between updates.
    await chat.press_data(LessonCb(lesson_id=course.lessons["typing"]))
    await chat.tap("Start exercises")
    await chat.send_text("42")
    assert "Correct" in chat.texts()[-2]

    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 2, caplog.text  # one per outage
    assert len([r for r in caplog.records if "reachable again" in r.getMessage()]) == 2


async def test_a_lock_whose_release_was_lost_does_not_silence_the_learner(
    redis_chat: Chat,
) -> None:
    chat = redis_chat
    isolation = chat.dp.fsm.events_isolation
    assert isinstance(isolation, TolerantRedisEventIsolation)
    key = StorageKey(bot_id=chat.bot.id, chat_id=chat.user.id, user_id=chat.user.id)
    # Taken and never released, as by an update whose release was lost in a cut.
    stale = isolation.redis.lock(isolation.key_builder.build(key, "lock"), timeout=60)
    assert await stale.acquire()
    try:
        assert await timed(chat, "/help") < ANSWER_WITHIN
        assert chat.texts() == [en.HELP]
    finally:
        await stale.release()
