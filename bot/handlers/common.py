"""Replying in place: a button press edits the message it came from, a command sends anew."""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message

from bot.views.screen import Screen

log = logging.getLogger(__name__)


async def show(event: Message | CallbackQuery, screen: Screen) -> None:
    if isinstance(event, Message):
        await event.answer(screen.text, reply_markup=screen.markup)
        return
    message = event.message
    if isinstance(message, Message):
        try:
            await message.edit_text(screen.text, reply_markup=screen.markup)
            return
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                return
            # Too old or no longer editable: a fresh message still answers the press.
            log.debug("could not edit message %s: %s", message.message_id, exc.message)
    assert event.bot is not None
    await event.bot.send_message(event.from_user.id, screen.text, reply_markup=screen.markup)
