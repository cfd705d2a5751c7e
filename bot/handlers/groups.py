"""Chats other than private ones: a pointer to the private chat, and silence otherwise."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import Message

from bot import texts


async def private_only(message: Message) -> None:
    await message.reply(str(texts.PRIVATE_ONLY))


def create_router() -> Router:
    router = Router(name=__name__)
    # A command with another bot's @name is not for us; Command checks the mention.
    router.message.register(private_only, F.chat.type != ChatType.PRIVATE, Command("start", "help"))
    return router
