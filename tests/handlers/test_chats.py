"""Groups, supergroups and channels: the bot learns with people in private chats only."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.methods import GetMe, SendMessage
from aiogram.types import (
    CallbackQuery,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    Message,
    Update,
)
from aiogram.types import Chat as TgChat
from aiogram.types import User as TgUser
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import LessonCb, MenuAction, MenuCb
from bot.serving.local_api import BOT_USER
from db.models import User
from tests.support.chat import Chat
from tests.support.course import Course
from tests.support.rows import one, rows, snapshot

GROUP = TgChat(id=-4000, type="group", title="Study group")
SUPERGROUP = TgChat(id=-100_4000, type="supergroup", title="Study supergroup")
CHANNEL = TgChat(id=-100_5000, type="channel", title="News")
# Who Telegram names as the sender of an anonymous group admin's message.
ANONYMOUS_ADMIN = TgUser(
    id=1087968824, is_bot=True, first_name="Group", username="GroupAnonymousBot"
)


@pytest.fixture(autouse=True)
def no_errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Besides no error message sent (the chat fixture checks), no failure logged either."""
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


def message(chat: Chat, where: TgChat, text: str, **sender: Any) -> Message:
    """A message in `where`, by the chat's user unless `sender` says otherwise."""
    return Message(
        message_id=next(chat.ids),
        date=datetime.now(UTC),
        chat=where,
        text=text,
        **(sender or {"from_user": chat.user}),
    )


async def feed(chat: Chat, **event: Any) -> None:
    await chat.dp.feed_update(chat.bot, Update(update_id=next(chat.ids), **event))


def said(chat: Chat) -> list[Any]:
    """What the bot did, apart from looking up its own name."""
    return [call for call in chat.api.calls if not isinstance(call, GetMe)]


async def nobody_registered(sessionmaker: async_sessionmaker[AsyncSession]) -> bool:
    return await rows(sessionmaker, User) == []


@pytest.mark.parametrize("where", [GROUP, SUPERGROUP], ids=["group", "supergroup"])
async def test_group_messages_are_ignored(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], where: TgChat
) -> None:
    for text in ("hello everyone", "/courses", "/foo", "/start@some_other_bot", "42"):
        await feed(chat, message=message(chat, where, text))

    assert said(chat) == []
    assert await nobody_registered(sessionmaker)


@pytest.mark.parametrize("where", [GROUP, SUPERGROUP], ids=["group", "supergroup"])
@pytest.mark.parametrize("text", ["/start", "/help", "/start@learnbot", "/start lesson-basics"])
async def test_start_or_help_in_a_group_points_to_the_private_chat(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], where: TgChat, text: str
) -> None:
    sent = message(chat, where, text)
    await feed(chat, message=sent)

    [reply] = said(chat)
    assert isinstance(reply, SendMessage)
    assert (reply.chat_id, reply.text) == (where.id, str(en.PRIVATE_ONLY))
    assert reply.reply_parameters is not None
    assert reply.reply_parameters.message_id == sent.message_id
    assert reply.reply_markup is None
    assert await nobody_registered(sessionmaker)


async def test_a_channel_post_is_ignored(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for text in ("Big news", "/start"):
        await feed(chat, channel_post=message(chat, CHANNEL, text, sender_chat=CHANNEL))

    assert said(chat) == []
    assert await nobody_registered(sessionmaker)


async def test_an_anonymous_admin_is_not_a_learner(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    anonymous = {"from_user": ANONYMOUS_ADMIN, "sender_chat": SUPERGROUP}

    await feed(chat, message=message(chat, SUPERGROUP, "hello", **anonymous))
    assert said(chat) == []
    await feed(chat, message=message(chat, SUPERGROUP, "/start", **anonymous))
    [reply] = said(chat)
    assert reply.text == en.PRIVATE_ONLY

    assert await nobody_registered(sessionmaker)


async def test_a_press_on_a_message_in_a_group_is_ignored(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    on_screen = message(chat, GROUP, "A lesson", from_user=BOT_USER)
    for data in (
        LessonCb(lesson_id=course.lessons["basics"]).pack(),
        MenuCb(action=MenuAction.HOME).pack(),
        "garbage",
    ):
        press = CallbackQuery(
            id=str(next(chat.ids)),
            from_user=chat.user,
            chat_instance="group",
            data=data,
            message=on_screen,
        )
        await feed(chat, callback_query=press)

    assert said(chat) == []
    assert await nobody_registered(sessionmaker)
    assert all(table == [] for table in (await snapshot(sessionmaker)).values())


async def test_adding_or_banning_the_bot_in_a_group_changes_nobody(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/start")  # whoever adds the bot may be a learner
    chat.forget()
    before = await one(sessionmaker, User)
    left = ChatMemberLeft(user=BOT_USER)
    member = ChatMemberMember(user=BOT_USER)
    banned = ChatMemberBanned(user=BOT_USER, until_date=datetime.fromtimestamp(0, UTC))

    for old, new in ((left, member), (member, banned)):
        event = ChatMemberUpdated(
            chat=GROUP,
            from_user=chat.user,
            date=datetime.now(UTC),
            old_chat_member=old,
            new_chat_member=new,
        )
        await feed(chat, my_chat_member=event)

    assert said(chat) == []
    after = await one(sessionmaker, User)
    assert (after.is_active, after.updated_at) == (before.is_active, before.updated_at)


async def test_private_chats_work_after_group_noise(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await feed(chat, message=message(chat, GROUP, "/start"))
    await feed(chat, message=message(chat, GROUP, "hi"))
    chat.forget()

    await chat.send_text("/start")
    assert chat.last_text == en.welcome("Ada")
    await chat.send_text("hello")
    assert chat.last_text == en.STRAY_TEXT
    await chat.press_data("garbage")
    assert chat.callback_texts() == [en.BUTTON_NOT_UNDERSTOOD]
    assert (await one(sessionmaker, User)).telegram_id == chat.user.id
