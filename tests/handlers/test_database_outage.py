"""The database refuses, then stops answering: the learner is told to try again within seconds
(not that something broke), the log says so once per outage, and the bot recovers by itself.

MariaDB/MySQL only: the database sits behind a TCP proxy the test controls.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import make_url

from bot.callbacks.learner import LessonCb
from bot.config import Settings
from bot.services.catalog import CatalogCache
from bot.services.context import Context
from bot.texts import outage
from db.clock import Clock
from db.engine import SERVING_LIMITS, create_engine, create_sessionmaker
from tests.support.chat import Chat, make_chat
from tests.support.course import Course
from tests.support.tcp_proxy import TcpProxy

# The learner's answer must come within this, whatever the database does.
ANSWER_WITHIN = 5.0


@pytest.fixture
async def outage_chat(
    settings: Settings, database_url: str, mysql_proxy: TcpProxy, clock: Clock
) -> AsyncIterator[Chat]:
    """A learner on an app whose database is reached through the proxy, with the serving
    process's time limits."""
    url = make_url(database_url).set(host="127.0.0.1", port=mysql_proxy.port)
    engine = create_engine(url, statement_seconds=SERVING_LIMITS.statement_seconds)
    sessionmaker = create_sessionmaker(engine, unit_seconds=SERVING_LIMITS.unit_seconds)
    context = Context(clock, CatalogCache(refresh_seconds=0))
    chat = make_chat(settings, sessionmaker, context)
    try:
        yield chat
    finally:
        await chat.bot.session.close()
        await engine.dispose()


async def timed_press(chat: Chat, data: LessonCb) -> float:
    started = time.monotonic()
    await chat.press_data(data)
    return time.monotonic() - started


async def test_refused_then_black_holed_database_gets_a_friendly_answer_and_recovers(
    outage_chat: Chat, mysql_proxy: TcpProxy, course: Course, caplog: pytest.LogCaptureFixture
) -> None:
    chat = outage_chat
    lesson = LessonCb(lesson_id=course.lessons["basics"])
    await chat.send_text("/start")
    await chat.press_data(lesson)
    assert "Basics" in chat.last_text

    caplog.set_level(logging.INFO)
    for cut in (mysql_proxy.refuse, mysql_proxy.blackhole):
        await cut()
        for _ in range(2):
            chat.forget()
            assert await timed_press(chat, lesson) < ANSWER_WITHIN
            assert chat.callback_texts() == [outage.DATABASE_UNAVAILABLE]
            assert chat.texts() == []
        chat.forget()
        started = time.monotonic()
        await chat.send_text("/progress")
        assert time.monotonic() - started < ANSWER_WITHIN
        assert chat.texts() == [outage.DATABASE_UNAVAILABLE]

        await mysql_proxy.restore()
        chat.forget()
        await chat.press_data(lesson)
        assert "Basics" in chat.last_text, "answers resume once the database is back"

    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in records] == ["db.health", "db.health"], caplog.text
    recovered = [r for r in caplog.records if "reachable again" in r.getMessage()]
    assert len(recovered) == 2, caplog.text
    assert "Traceback" not in caplog.text
