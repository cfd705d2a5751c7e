"""From writing a lesson to a learner's chat: an admin adds a lesson, publishes it, announces it,
and the sender brings every active learner the announcement, whose button opens the lesson."""

from __future__ import annotations

from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as learner_texts
from bot.broadcasts.nudge import NUDGE_KEY
from bot.callbacks.admin import AuthorModuleCb
from bot.services.context import Context
from bot.texts import admin as admin_texts
from bot.texts import authoring, broadcasts
from db.enums import DeliveryStatus
from db.models import BroadcastDelivery, Lesson
from tests.support.authoring import ADMIN_ID, LEARNER_ID, admin_settings
from tests.support.chat import make_chat
from tests.support.course import Course
from tests.support.outbox import make_sender
from tests.support.rows import one

CONTENT = "A **loop** repeats."


async def test_a_lesson_written_in_the_chat_reaches_learners_announced(
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    course: Course,
    context: Context,
) -> None:
    settings = admin_settings(database_url)
    admin = make_chat(settings, sessionmaker, context, user_id=ADMIN_ID)
    learner = make_chat(
        settings, sessionmaker, context, user_id=LEARNER_ID, dp=admin.dp, bot=admin.bot
    )
    await learner.send_text("/start")

    await admin.send_text("/admin")
    await admin.tap(admin_texts.SECTION_COURSE)
    await admin.press_data(AuthorModuleCb(module_id=course.modules["intro"]))
    await admin.tap(authoring.ADD_LESSON)
    for answer in ("Loops & lists", CONTENT, "5", "15", "80"):
        await admin.send_text(answer)
    await admin.tap(authoring.PUBLISH_LESSON)
    await admin.tap(authoring.ANNOUNCE)
    await admin.tap(broadcasts.SEND)

    # This process's sender is woken at once rather than at its next look.
    assert admin.dp[NUDGE_KEY].is_set()
    lesson = await one(sessionmaker, Lesson, Lesson.title == "Loops & lists")
    await make_sender(sessionmaker, admin.api, context, bot=admin.bot).drain()

    deliveries = await rows_by_user(sessionmaker)
    assert set(deliveries.values()) == {DeliveryStatus.SENT}
    assert len(deliveries) == 2  # the learner and the admin, both active learners
    to_learner = [m for m in admin.api.sent(SendMessage) if m.chat_id == LEARNER_ID]
    assert to_learner[-1].text == broadcasts.new_lesson("Loops & lists")
    await learner.tap(broadcasts.START_LESSON)
    assert "Loops &amp; lists" in learner.last_text
    assert str(learner_texts.ERROR) not in learner.texts()
    assert lesson.is_published


async def rows_by_user(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[int, DeliveryStatus]:
    async with sessionmaker() as session:
        return {d.user_id: d.status for d in await session.scalars(select(BroadcastDelivery))}
