"""Filters the routers share, written as coroutines.

aiogram runs a filter that is a plain function or a magic filter (`F.chat.type == ...`) in a
worker thread, a thread hop for every update it is checked against; a coroutine runs inline.
"""

from __future__ import annotations

from aiogram.enums import ChatType, ContentType
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message

from bot.config import Settings


async def in_private_chat(event: Message | ChatMemberUpdated) -> bool:
    return event.chat.type == ChatType.PRIVATE


async def outside_private_chats(message: Message) -> bool:
    return message.chat.type != ChatType.PRIVATE


async def pressed_in_private_chat(callback: CallbackQuery) -> bool:
    # Telegram may leave out a message too old to come with the press. The bot sends its
    # buttons to private chats only, so a press without one comes from a private chat too.
    return callback.message is None or callback.message.chat.type == ChatType.PRIVATE


async def command(message: Message) -> bool:
    return bool(message.text and message.text.startswith("/"))


async def typed_text(message: Message) -> bool:
    """Text that is not a command: an answer, a name, a stray message."""
    return bool(message.text and not message.text.startswith("/"))


async def from_admin(event: Message | CallbackQuery, settings: Settings) -> bool:
    """The sender is one of ADMIN_IDS. Set once, on the admin parent router."""
    return event.from_user is not None and settings.is_admin(event.from_user.id)


# What copyMessage copies; service messages (a pin, a member joining) and the like cannot be.
COPYABLE = frozenset(
    {
        ContentType.TEXT,
        ContentType.PHOTO,
        ContentType.VIDEO,
        ContentType.ANIMATION,
        ContentType.AUDIO,
        ContentType.DOCUMENT,
        ContentType.VOICE,
        ContentType.VIDEO_NOTE,
        ContentType.STICKER,
        ContentType.LOCATION,
        ContentType.VENUE,
        ContentType.CONTACT,
        ContentType.POLL,
        ContentType.DICE,
    }
)


async def copyable(message: Message) -> bool:
    """copyMessage can send a copy of it (a broadcast of it)."""
    return message.content_type in COPYABLE
