"""Chats other than private ones: a pointer to the private chat, and silence otherwise."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot import texts
from bot.handlers.filters import outside_private_chats


async def private_only(message: Message) -> None:
    await message.reply(str(texts.PRIVATE_ONLY))


def create_router() -> Router:
    router = Router(name=__name__)
    # A command with another bot's @name is not for us; Command checks the mention.
    router.message.register(private_only, outside_private_chats, Command("start", "help"))
    return router
