"""What every authoring dialog shares: asking a step, asking it again after a bad value,
Cancel and /cancel at any step, anything else sent mid-dialog, buttons of another step, the
inert buttons of a preview, and a deleted module or lesson behind a button."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, ExceptionTypeFilter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.admin import DialogAction, DialogCb, PickCb, PreviewCb
from bot.handlers.admin.authoring_states import Authoring
from bot.handlers.filters import command
from bot.services.authoring import lessons, modules
from bot.services.content.fields import BadValue
from bot.services.errors import AuthoringGone
from bot.texts import authoring as texts
from bot.views.admin.authoring import (
    gone_screen,
    lesson_screen,
    module_screen,
    modules_screen,
    pick_screen,
    problem_text,
    prompt_screen,
)
from bot.views.screen import Screen

log = logging.getLogger(__name__)


def _chat_of(event: Message | CallbackQuery) -> int:
    return event.chat.id if isinstance(event, Message) else event.from_user.id


def _prompt_screen(prompt: dict[str, Any], text: str) -> Screen:
    if prompt.get("pick") is not None:
        return pick_screen(text, prompt["pick"])
    return prompt_screen(text, skip=prompt.get("skip", False), default=prompt.get("default"))


async def _send_prompt(
    event: Message | CallbackQuery, bot: Bot, state: FSMContext, screen: Screen
) -> None:
    data = await state.get_data()
    await _close_prompt(bot, _chat_of(event), data.get("prompt_id"))
    sent = await bot.send_message(_chat_of(event), screen.text, reply_markup=screen.markup)
    await state.update_data(prompt_id=sent.message_id)


async def _close_prompt(bot: Bot, chat_id: int, message_id: object) -> None:
    """An answered question loses its buttons: only the step being asked looks answerable."""
    if isinstance(message_id, int):
        with contextlib.suppress(TelegramBadRequest):
            await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)


async def ask(
    event: Message | CallbackQuery,
    bot: Bot,
    state: FSMContext,
    text: str,
    *,
    skip: bool = False,
    default: int | None = None,
    pick: list[str] | None = None,
) -> None:
    """Ask the current step's question (the state is already set), remembering it for a
    second asking."""
    prompt = await remember_prompt(state, text, skip=skip, default=default, pick=pick)
    await _send_prompt(event, bot, state, _prompt_screen(prompt, text))


async def remember_prompt(
    state: FSMContext,
    text: str,
    *,
    skip: bool = False,
    default: int | None = None,
    pick: list[str] | None = None,
) -> dict[str, Any]:
    prompt = {"text": text, "skip": skip, "default": default, "pick": pick}
    await state.update_data(prompt=prompt)
    return prompt


async def ask_again(event: Message | CallbackQuery, bot: Bot, state: FSMContext, why: str) -> None:
    prompt = (await state.get_data()).get("prompt") or {}
    text = f"{why}\n\n{prompt.get('text', '')}".rstrip()
    await _send_prompt(event, bot, state, _prompt_screen(prompt, text))


async def refuse(
    event: Message | CallbackQuery, bot: Bot, state: FSMContext, error: BadValue
) -> None:
    await ask_again(event, bot, state, problem_text(error))


async def finish(event: Message | CallbackQuery, bot: Bot, state: FSMContext) -> None:
    """The dialog is over: its last question loses its buttons, its data goes."""
    data = await state.get_data()
    await _close_prompt(bot, _chat_of(event), data.get("prompt_id"))
    await state.clear()


async def send(event: Message | CallbackQuery, bot: Bot, screen: Screen) -> None:
    await bot.send_message(_chat_of(event), screen.text, reply_markup=screen.markup)


def with_notice(notice: str, screen: Screen) -> Screen:
    """A screen headed by what was just done."""
    return Screen(f"{notice}\n\n{screen.text}", screen.markup)


async def cancel(
    event: Message | CallbackQuery,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    callback_answer: CallbackAnswer | None = None,
) -> None:
    """Nothing written; back to where the dialog started."""
    data = await state.get_data()
    await finish(event, bot, state)
    log.info("authoring dialog cancelled by %s", _chat_of(event))
    if isinstance(data.get("lesson_id"), int):
        screen = lesson_screen(await lessons.lesson_detail(session, data["lesson_id"]))
    elif isinstance(data.get("module_id"), int):
        screen = module_screen(await modules.module_detail(session, data["module_id"]))
    else:
        screen = modules_screen(await modules.list_modules(session))
    if callback_answer is not None:
        callback_answer.text = str(texts.CANCELLED)
    await send(event, bot, with_notice(str(texts.CANCELLED), screen))


async def cancel_pressed_outside(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = str(texts.NOTHING_TO_CANCEL)
    if isinstance(callback.message, Message):
        with contextlib.suppress(TelegramBadRequest):
            await callback.message.edit_reply_markup(reply_markup=None)


async def not_this_step(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = str(texts.NOT_THIS_STEP)


async def command_mid_dialog(message: Message, bot: Bot, state: FSMContext) -> None:
    await ask_again(message, bot, state, str(texts.IN_A_DIALOG))


async def not_text(message: Message, bot: Bot, state: FSMContext) -> None:
    await ask_again(message, bot, state, str(texts.TEXT_ONLY))


async def preview_pressed(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = str(texts.PREVIEW_PRESSED)


async def on_bad_value(event: ErrorEvent, bot: Bot, state: FSMContext) -> None:
    """A value a dialog step refuses, wherever a step raised it: the rule it broke, and the
    same question again."""
    assert isinstance(event.exception, BadValue)
    asked = event.update.message or event.update.callback_query
    if asked is None:
        raise event.exception
    await refuse(asked, bot, state, event.exception)


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
    in_dialog = StateFilter(Authoring)
    router.message.register(cancel, in_dialog, Command("cancel"))
    router.callback_query.register(
        cancel, in_dialog, DialogCb.filter(F.action == DialogAction.CANCEL)
    )
    router.callback_query.register(
        cancel_pressed_outside, DialogCb.filter(F.action == DialogAction.CANCEL)
    )
    router.callback_query.register(not_this_step, DialogCb.filter())
    router.callback_query.register(not_this_step, PickCb.filter())
    router.callback_query.register(preview_pressed, PreviewCb.filter())
    router.message.register(command_mid_dialog, in_dialog, command)
    router.message.register(not_text, in_dialog)
    router.errors.register(on_bad_value, ExceptionTypeFilter(BadValue))
    router.errors.register(on_gone, ExceptionTypeFilter(AuthoringGone))
    return router
