"""A learner flooding the bot gets one polite warning; their extra updates do nothing."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import LessonCb
from bot.config import Settings
from bot.middlewares.throttling import ThrottlePolicy
from bot.services.context import Context
from db.models import User, UserProgress
from tests.support.chat import make_chat
from tests.support.course import Course
from tests.support.rows import rows

POLICY = ThrottlePolicy(limit=3, window=60)


async def test_five_quick_messages_get_three_answers_and_one_warning(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    chat = make_chat(settings, sessionmaker, context, throttle=POLICY)

    for _ in range(5):
        await chat.send_text("/help")

    assert chat.texts() == [en.HELP, en.HELP, en.HELP, en.THROTTLED]
    assert all(int(m.chat_id) == 1000 for m in chat.api.sent(SendMessage))
    assert chat.failures() == []


async def test_throttled_button_presses_are_answered_quietly(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    course: Course,
    context: Context,
) -> None:
    chat = make_chat(settings, sessionmaker, context, throttle=POLICY)
    for _ in range(3):
        await chat.send_text("/help")
    courses = chat.button("Courses")
    chat.forget()

    await chat.press(courses)
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))

    assert [type(call) for call in chat.api.calls] == [AnswerCallbackQuery, AnswerCallbackQuery]
    assert chat.callback_texts() == [None, None]
    assert await rows(sessionmaker, UserProgress) == []  # the lesson was not opened


async def test_one_learner_flooding_does_not_throttle_another(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    ada = make_chat(settings, sessionmaker, context, throttle=POLICY)
    for _ in range(5):
        await ada.send_text("/help")
    bob = make_chat(settings, sessionmaker, context, user_id=2000, dp=ada.dp, bot=ada.bot)
    ada.forget()

    await bob.send_text("/help")

    [reply] = bob.api.sent(SendMessage)
    assert (int(reply.chat_id), reply.text) == (2000, en.HELP)
    assert sorted(u.telegram_id for u in await rows(sessionmaker, User)) == [1000, 2000]
