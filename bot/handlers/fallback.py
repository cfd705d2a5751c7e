"""Last router: whatever no feature handled still gets a clear, short answer. An admin's message
that nothing took was most likely written to be broadcast: they are told how, not the
learner's "buttons and commands" hint."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import CallbackQuery, Message, ReplyParameters
from aiogram.utils.callback_answer import CallbackAnswer

from bot import texts
from bot.handlers.common import show
from bot.handlers.filters import command, copyable, from_admin
from bot.texts import broadcasts
from bot.views.menu import with_menu

log = logging.getLogger(__name__)


async def unknown_command(message: Message) -> None:
    await message.answer(str(texts.UNKNOWN_COMMAND))


async def admin_draft(message: Message) -> None:
    # Said as a reply, so it is clear which message a reply with /broadcast would send.
    await message.answer(
        str(broadcasts.DRAFT_HINT),
        reply_parameters=ReplyParameters(
            message_id=message.message_id, allow_sending_without_reply=True
        ),
    )


async def stray_message(message: Message) -> None:
    await show(message, with_menu(str(texts.STRAY_TEXT)))


async def unknown_button(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    # Unparsable or forged data, or a button of a feature that no longer exists. Our buttons
    # never carry such data, so many of these point at someone probing the bot.
    log.warning(
        "button data not understood from %s: %r",
        callback.from_user.id,
        callback.data,
        extra={"user_id": callback.from_user.id},
    )
    callback_answer.text = str(texts.BUTTON_NOT_UNDERSTOOD)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(unknown_command, command)
    router.message.register(admin_draft, from_admin, copyable)
    router.message.register(stray_message)
    router.callback_query.register(unknown_button)
    return router
