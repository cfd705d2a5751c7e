"""With REDIS_URL set, the dispatcher keeps FSM state in Redis: a learner half-way through a
typed answer can go on after the bot restarts (a new dispatcher, a new process's worth of
memory). Runs where Redis answers; under CI=true an unreachable Redis is a failure."""

from __future__ import annotations

import os
import random
import socket

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import LessonCb
from bot.config import Settings
from db.enums import ProgressStatus
from db.models import UserProgress
from tests.handlers.conftest import Course, make_chat, one

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A database of its own, so the test cannot touch anybody's keys.
REDIS_URL = os.environ.get("TEST_REDIS_URL", f"redis://{REDIS_HOST}:{REDIS_PORT}/15")


def require_redis() -> None:
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2).close()
    except OSError as exc:
        reason = f"Redis at {REDIS_URL} is not reachable: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI requires Redis: {reason}")
        pytest.skip(reason)


async def test_typed_answer_survives_a_restart(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], course: Course
) -> None:
    require_redis()
    with_redis = settings.model_copy(update={"redis_url": REDIS_URL})
    # A learner id no other run uses, so leftovers of an interrupted run cannot interfere.
    user_id = random.randint(10**9, 2 * 10**9)

    before = make_chat(with_redis, sessionmaker, user_id=user_id)
    await before.press_data(LessonCb(lesson_id=course.lessons["typing"]))
    await before.tap("Start exercises")
    assert "Six times seven?" in before.last_text
    await before.dp.storage.close()
    await before.bot.session.close()

    after = make_chat(with_redis, sessionmaker, user_id=user_id)
    try:
        await after.send_text("42")
        assert "Correct" in after.texts()[0]
        assert "Pick c" in after.last_text
        await after.tap("c", exact=True)
        assert "Finished" in after.last_text
    finally:
        await after.dp.storage.close()
        await after.bot.session.close()
    row = await one(sessionmaker, UserProgress)
    assert row.status is ProgressStatus.COMPLETED
    assert row.score == 100
