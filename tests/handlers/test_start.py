"""/start (plain and deep link), /help, the command menu, blocking and unblocking the bot."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from aiogram.methods import SendMessage, SetMyCommands
from aiogram.types import (
    Chat as TgChat,
)
from aiogram.types import (
    ChatMemberBanned,
    ChatMemberMember,
    ChatMemberUpdated,
    Update,
)
from sqlalchemy import String
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.serving.local_api import BOT_USER
from db.enums import ActivityType, ProgressStatus
from db.models import ActivityLog, User, UserProgress
from tests.support.chat import Chat
from tests.support.course import Course
from tests.support.rows import one, rows, set_values

MENU = ["Continue", "Review", "Courses", "My progress", "Achievements", "Leaderboard", "Settings"]
_update_ids = itertools.count(10_000)


async def test_start_registers_the_learner_and_shows_the_menu(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/start")

    [reply] = chat.api.sent(SendMessage)
    assert reply.chat_id == 1000
    assert reply.text == en.welcome("Ada")
    labels = chat.labels()
    assert len(labels) == 7
    for label, expected in zip(labels, MENU, strict=True):
        assert expected in label
    user = await one(sessionmaker, User)
    assert (user.telegram_id, user.first_name, user.username) == (1000, "Ada", "ada")
    assert user.is_active


async def test_second_start_refreshes_the_profile_without_a_second_row(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/start")
    first = await one(sessionmaker, User)
    chat.user = chat.user.model_copy(update={"first_name": "Augusta", "username": "countess"})

    await chat.send_text("/start")

    assert "Hi, Augusta!" in chat.last_text
    user = await one(sessionmaker, User)
    assert user.id == first.id
    assert (user.first_name, user.username) == ("Augusta", "countess")


def column_length(column: str) -> int:
    column_type = User.__table__.c[column].type
    assert isinstance(column_type, String) and column_type.length is not None
    return column_type.length


async def test_a_profile_longer_than_the_columns_is_stored_cut(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    first_name = "Ada" + "x" * 297
    chat.user = chat.user.model_copy(
        update={"first_name": first_name, "username": "u" * 100, "language_code": "l" * 40}
    )

    await chat.send_text("/start")

    user = await one(sessionmaker, User)
    assert user.first_name == first_name[: column_length("first_name")]
    assert user.username == "u" * column_length("username")
    assert user.language_code == "l" * column_length("language_code")
    assert chat.last_text == en.welcome(user.first_name)

    # The same long profile again is an unchanged profile: nothing is written.
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    await set_values(sessionmaker, User, user.id, updated_at=long_ago)
    await chat.send_text("/help")
    assert chat.last_text == en.HELP
    assert (await one(sessionmaker, User)).updated_at == long_ago


async def test_deep_link_opens_the_lesson(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/start lesson-typing")

    assert "Typing answers" in chat.last_text
    assert "Type things." in chat.last_text
    assert any("Start exercises" in label for label in chat.labels())
    row = await one(sessionmaker, UserProgress)
    assert row.lesson_id == course.lessons["typing"]
    assert row.status is ProgressStatus.IN_PROGRESS
    started = await rows(
        sessionmaker, ActivityLog, ActivityLog.activity_type == ActivityType.LESSON_STARTED
    )
    assert [a.entity_id for a in started] == [course.lessons["typing"]]


async def test_deep_link_to_an_unknown_lesson_shows_the_menu(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/start lesson-nope")

    assert chat.last_text == en.LESSON_NOT_FOUND
    assert len(chat.labels()) == 7
    assert "Continue" in chat.labels()[0]
    assert await rows(sessionmaker, UserProgress) == []


async def test_commands_are_registered_at_startup(chat: Chat) -> None:
    await chat.dp.emit_startup(bot=chat.bot, dispatcher=chat.dp, **chat.dp.workflow_data)

    calls = chat.api.sent(SetMyCommands)
    # Every client language gets a menu: the default one, then one per Russian-reading language.
    assert [call.language_code for call in calls] == [None, "be", "kk", "ru", "uk"]
    for call in calls:
        commands = {c.command for c in call.commands}
        assert {"start", "help", "courses", "continue", "progress", "cancel"} <= commands
        assert all(c.description for c in call.commands)
    default = {c.command: c.description for c in calls[0].commands}
    assert default["progress"] == "My progress"


async def test_help_answers(chat: Chat) -> None:
    await chat.send_text("/help")

    assert chat.last_text == en.HELP
    assert len(chat.labels()) == 7


async def member_update(chat: Chat, new_status: str) -> None:
    """Telegram's my_chat_member update when the learner blocks (kicked) or unblocks the bot."""
    now = datetime.now(UTC)
    kicked = ChatMemberBanned(user=BOT_USER, until_date=datetime.fromtimestamp(0, UTC))
    member = ChatMemberMember(user=BOT_USER)
    old, new = (member, kicked) if new_status == "kicked" else (kicked, member)
    event = ChatMemberUpdated(
        chat=TgChat(id=chat.user.id, type="private"),
        from_user=chat.user,
        date=now,
        old_chat_member=old,
        new_chat_member=new,
    )
    await chat.dp.feed_update(chat.bot, Update(update_id=next(_update_ids), my_chat_member=event))


async def test_blocking_and_unblocking_the_bot(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/start")
    chat.forget()

    await member_update(chat, "kicked")
    user = await one(sessionmaker, User)
    assert user.is_active is False
    assert chat.api.calls == []  # nobody to talk to

    await member_update(chat, "member")
    user = await one(sessionmaker, User)
    assert user.is_active is True
