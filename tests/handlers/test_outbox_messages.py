"""What broadcast deliveries look like to learners, in their own language, and where their
buttons lead; a learner who blocked the bot and comes back with /start gets broadcasts again."""

from __future__ import annotations

from aiogram.methods import SendMessage
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as common
from bot.config import Settings
from bot.services.context import Context
from bot.texts import broadcasts as texts
from bot.texts import motivation
from db.enums import BroadcastKind, DeliveryStatus
from db.models import User
from tests.support.chat import Chat, make_chat
from tests.support.course import Course
from tests.support.i18n import reading
from tests.support.outbox import make_sender, push, statuses
from tests.support.rows import one


async def learner(chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]) -> User:
    await chat.send_text("/start")
    chat.forget()
    return await one(sessionmaker, User, User.telegram_id == chat.user.id)


async def test_a_lesson_announcement_opens_the_lesson(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], course: Course, context: Context
) -> None:
    user = await learner(chat, sessionmaker)
    lesson_id = course.lessons["basics"]
    # The admin side stores the lesson's title as plain text; a title may hold "<" or "&".
    await push(
        sessionmaker,
        context,
        [user.id],
        kind=BroadcastKind.LESSON,
        text="Basics <& more>",
        lesson_id=lesson_id,
    )
    await make_sender(sessionmaker, chat.api, context, bot=chat.bot).drain()

    assert chat.last_text == texts.new_lesson("Basics <& more>")
    assert "<b>Basics &lt;&amp; more&gt;</b>" in chat.last_text
    assert chat.labels() == [str(texts.START_LESSON)]
    await chat.tap(texts.START_LESSON)
    assert "Basics" in chat.last_text
    assert chat.last_text != texts.new_lesson("Basics <& more>")


async def test_an_admins_text_reaches_learners_as_they_wrote_it(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    user = await learner(chat, sessionmaker)
    # Typed by the admin, so "<b>" is two words and a sign, not markup.
    text = "Exam on Friday!\n2 < 3 & <b>not bold</b>"
    broadcast_id = await push(sessionmaker, context, [user.id], kind=BroadcastKind.TEXT, text=text)
    await make_sender(sessionmaker, chat.api, context, bot=chat.bot).drain()

    [message] = chat.api.sent(SendMessage)
    assert (message.text, message.parse_mode) == (text, None)
    assert (await statuses(sessionmaker, broadcast_id))[user.id].status == DeliveryStatus.SENT


async def test_a_reminder_names_the_streak_in_the_learners_language(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    course: Course,
    context: Context,
) -> None:
    chat = make_chat(settings, sessionmaker, context, user_id=2001, language_code="ru")
    user = await learner(chat, sessionmaker)
    async with sessionmaker() as session:
        await session.execute(update(User).where(User.id == user.id).values(current_streak=5))
        await session.commit()
    await push(sessionmaker, context, [user.id], kind=BroadcastKind.REMINDER)
    await make_sender(sessionmaker, chat.api, context, bot=chat.bot).drain()

    with reading("ru"):
        assert chat.last_text == texts.reminder(5)
        assert chat.labels() == [str(common.MENU_CONTINUE)]
        assert "5 дней" in chat.last_text
        await chat.tap(common.MENU_CONTINUE)
    assert chat.failures() == []
    await chat.bot.session.close()


async def test_a_learner_without_a_streak_is_invited_to_start_one(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    user = await learner(chat, sessionmaker)
    await push(sessionmaker, context, [user.id], kind=BroadcastKind.REMINDER)
    await make_sender(sessionmaker, chat.api, context, bot=chat.bot).drain()
    assert chat.last_text == str(texts.REMINDER_NO_STREAK)


async def test_a_notice_names_the_achievement_and_an_unknown_one_is_told_plainly(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    user = await learner(chat, sessionmaker)
    await push(sessionmaker, context, [user.id], kind=BroadcastKind.NOTICE, payload="streak_7")
    await push(sessionmaker, context, [user.id], kind=BroadcastKind.NOTICE, payload="no_such_badge")
    await make_sender(sessionmaker, chat.api, context, bot=chat.bot).drain()

    title = motivation.achievement_title("streak_7", "")
    assert chat.texts()[0].endswith(f"New achievement: <b>{title}</b>")
    assert chat.texts()[1] == str(texts.NOTICE_GENERIC)


async def test_the_admins_report_is_in_the_admins_language(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    admin = make_chat(settings, sessionmaker, context, user_id=3001, language_code="ru")
    await learner(admin, sessionmaker)
    chat = make_chat(settings, sessionmaker, context, user_id=3002, dp=admin.dp, bot=admin.bot)
    user = await learner(chat, sessionmaker)
    broadcast_id = await push(sessionmaker, context, [user.id], created_by=3001)
    await make_sender(sessionmaker, admin.api, context, bot=admin.bot).drain()

    reports = [m.text for m in admin.api.sent(SendMessage) if m.chat_id == 3001]
    with reading("ru"):
        assert reports == [texts.broadcast_report(broadcast_id, 1, 0, 0)]
    await admin.bot.session.close()


async def test_a_learner_who_blocked_the_bot_and_comes_back_gets_broadcasts_again(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    user = await learner(chat, sessionmaker)
    chat.api.fail(SendMessage, chat_id=chat.user.id, status=403, description="Forbidden: blocked")
    first = await push(sessionmaker, context, [user.id], kind=BroadcastKind.REMINDER)
    # The sender of the process serving the learner, as build_workers makes it.
    sender = make_sender(
        sessionmaker, chat.api, context, bot=chat.bot, learner_cache=chat.dp["learner_cache"]
    )
    await sender.drain()
    assert (await statuses(sessionmaker, first))[user.id].status == DeliveryStatus.BLOCKED
    assert (await one(sessionmaker, User)).is_active is False

    await chat.send_text("/start")
    assert (await one(sessionmaker, User)).is_active is True
    chat.forget()
    second = await push(sessionmaker, context, [user.id], kind=BroadcastKind.REMINDER)
    await sender.drain()
    assert (await statuses(sessionmaker, second))[user.id].status == DeliveryStatus.SENT
    assert chat.last_text == str(texts.REMINDER_NO_STREAK)
