"""What reaches authoring outside a dialog: a dialog's buttons pressed after it ended, a
deleted module, lesson or exercise behind a button or at a dialog's end, and a dialog of the
authoring that came before the Scenes."""

from __future__ import annotations

import contextlib
import logging

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import ExceptionTypeFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.callbacks.admin import DialogAction, DialogCb, PickCb
from bot.services.errors import AuthoringGone
from bot.texts import authoring as texts
from bot.views.admin.authoring.modules import gone_screen

log = logging.getLogger(__name__)


async def cancel_pressed_outside(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = str(texts.NOTHING_TO_CANCEL)
    if isinstance(callback.message, Message):
        with contextlib.suppress(TelegramBadRequest):
            await callback.message.edit_reply_markup(reply_markup=None)


async def not_this_step(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = str(texts.NOT_THIS_STEP)


# The states of the authoring dialogs before they ran on Scenes ("Authoring:NewLesson:title"):
# an admin halfway through one when the bot was updated is still in it, with no handler left.
RETIRED_STATES = "Authoring:"


async def in_retired_dialog(_: Message, raw_state: str | None = None) -> bool:
    return raw_state is not None and raw_state.startswith(RETIRED_STATES)


async def end_retired_dialog(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(str(texts.RETIRED_DIALOG))


async def on_gone(event: ErrorEvent, state: FSMContext | None = None) -> None:
    """A deleted module or lesson behind a button or at a dialog's end: say so, end any
    dialog, offer the modules list."""
    if state is not None:
        await state.clear()
    callback, message = event.update.callback_query, event.update.message
    log.info("authoring target gone: %s", type(event.exception).__name__)
    screen = gone_screen()
    if callback is not None:
        await callback.answer(str(texts.GONE))
        assert callback.bot is not None
        await callback.bot.send_message(
            callback.from_user.id, screen.text, reply_markup=screen.markup
        )
    elif message is not None:
        await message.answer(screen.text, reply_markup=screen.markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(
        cancel_pressed_outside, DialogCb.filter(F.action == DialogAction.CANCEL)
    )
    router.callback_query.register(not_this_step, DialogCb.filter())
    router.callback_query.register(not_this_step, PickCb.filter())
    router.message.register(end_retired_dialog, in_retired_dialog)
    router.errors.register(on_gone, ExceptionTypeFilter(AuthoringGone))
    return router
