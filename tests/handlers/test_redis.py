"""With REDIS_URL set, the dispatcher keeps FSM state in Redis, so a learner half-way through a
typed answer can go on after the bot restarts, and each update is handled once however often
it is delivered. Runs where Redis answers; under CI=true an unreachable Redis is a failure."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from aiogram.types import Chat, Message, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks.learner import LessonCb
from bot.config import Settings
from bot.services.context import Context
from db.enums import ProgressStatus
from db.models import UserProgress
from tests.support.chat import make_chat
from tests.support.course import Course
from tests.support.redis import REDIS_URL, require_redis
from tests.support.rows import one


async def test_typed_answer_survives_a_restart(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    course: Course,
    context: Context,
) -> None:
    require_redis()
    with_redis = settings.model_copy(update={"redis_url": REDIS_URL})
    # A learner id no other run uses, so leftovers of an interrupted run cannot interfere.
    user_id = random.randint(10**9, 2 * 10**9)

    before = make_chat(with_redis, sessionmaker, context, user_id=user_id)
    await before.press_data(LessonCb(lesson_id=course.lessons["typing"]))
    await before.tap("Start exercises")
    assert "Six times seven?" in before.last_text
    await before.dp.storage.close()
    await before.bot.session.close()

    after = make_chat(with_redis, sessionmaker, context, user_id=user_id)
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


async def test_an_update_delivered_twice_is_handled_once(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    require_redis()
    with_redis = settings.model_copy(update={"redis_url": REDIS_URL})
    user = User(id=random.randint(10**9, 2 * 10**9), is_bot=False, first_name="Ada")
    update = Update(
        update_id=random.randint(10**9, 2 * 10**9),
        message=Message(
            message_id=1,
            date=datetime.now(UTC),
            chat=Chat(id=user.id, type="private"),
            from_user=user,
            text="/help",
        ),
    )
    # Two instances sharing Redis, as behind a load balancer that Telegram retries through.
    first = make_chat(with_redis, sessionmaker, context, user_id=user.id)
    second = make_chat(with_redis, sessionmaker, context, user_id=user.id)
    try:
        await first.dp.feed_update(first.bot, update)
        await second.dp.feed_update(second.bot, update)
        await first.dp.feed_update(first.bot, update)
        assert len(first.texts()) == 1
        assert second.texts() == []
        # A new update is not mistaken for the old one.
        await second.dp.feed_update(
            second.bot, update.model_copy(update={"update_id": update.update_id + 1})
        )
        assert len(second.texts()) == 1
    finally:
        for chat in (first, second):
            await chat.dp.storage.close()
            await chat.bot.session.close()
