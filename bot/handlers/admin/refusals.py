"""What a non-admin gets for an admin command or an admin button: the answer any unknown
command or button gets, so admin commands are not revealed; and a log line naming them."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot import texts
from bot.callbacks.admin import ADMIN_PREFIX
from bot.texts.admin import ADMIN_COMMAND_DESCRIPTIONS

log = logging.getLogger(__name__)


async def admin_button(callback: CallbackQuery) -> bool:
    return bool(callback.data and callback.data.startswith(ADMIN_PREFIX))


async def refuse_command(message: Message) -> None:
    assert message.from_user is not None
    log.warning(
        "admin command refused to %s: %r",
        message.from_user.id,
        (message.text or "")[:64],
        extra={"user_id": message.from_user.id},
    )
    await message.answer(str(texts.UNKNOWN_COMMAND))


async def refuse_button(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    log.warning(
        "admin button refused to %s: %r",
        callback.from_user.id,
        callback.data,
        extra={"user_id": callback.from_user.id},
    )
    callback_answer.text = str(texts.BUTTON_NOT_UNDERSTOOD)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(refuse_command, Command(*ADMIN_COMMAND_DESCRIPTIONS))
    router.callback_query.register(refuse_button, admin_button)
    return router
