"""The authoring dialogs' engine, on aiogram's Scenes.

A dialog is a Scene whose steps are data: each `Step` names the value it asks for, its
question, how a typed value is checked (the course format's own rules) and the buttons it
offers (Skip, a default, or a button per choice). One set of handlers, on `Dialog`, runs them
all: it asks the next step that applies (with the value it has now and Keep, when something
is written again), takes a typed value or a press, asks the same question again after a bad
value with the rule it broke, answers commands, other buttons and non-text mid-dialog, and
cancels at any step. A dialog only says what it writes at the end (`save`).

The scene's state and its data (the values given so far, the step being asked and the message
that asked it) live in the FSM storage, so a dialog goes on after a restart with Redis.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from aiogram import Bot, F
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, or_f
from aiogram.fsm.context import FSMContext
from aiogram.fsm.scene import Scene, ScenesManager, on
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.admin import DialogAction, DialogCb, PickCb
from bot.handlers.admin.authoring.steps import Data, Step
from bot.handlers.filters import command
from bot.services.authoring import lessons, modules
from bot.services.content import fields
from bot.services.context import Context
from bot.texts import authoring as texts
from bot.views.admin.authoring.dialog import (
    current_text,
    pick_screen,
    problem_text,
    prompt_screen,
)
from bot.views.admin.authoring.lessons import lesson_screen
from bot.views.admin.authoring.modules import module_screen, modules_screen
from bot.views.screen import Screen

log = logging.getLogger(__name__)

Event = Message | CallbackQuery


def chat_of(event: Event) -> int:
    return event.chat.id if isinstance(event, Message) else event.from_user.id


async def send(event: Event, bot: Bot, screen: Screen) -> None:
    await bot.send_message(chat_of(event), screen.text, reply_markup=screen.markup)


def with_notice(notice: str, screen: Screen) -> Screen:
    """A screen headed by what was just done."""
    return Screen(f"{notice}\n\n{screen.text}", screen.markup)


def saved(screen: Screen) -> Screen:
    return with_notice(str(texts.SAVED), screen)


async def close_prompt(bot: Bot, chat_id: int, data: Data) -> None:
    """An answered question loses its buttons: only the step being asked looks answerable."""
    message_id = data.get("prompt_id")
    if isinstance(message_id, int):
        with contextlib.suppress(TelegramBadRequest):
            await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)


StartData = Callable[[CallbackQuery, Any, AsyncSession], Awaitable[dict[str, Any]]]


async def _nothing(
    callback: CallbackQuery, callback_data: Any, session: AsyncSession
) -> dict[str, Any]:
    return {}


def entry(dialog: type[Dialog], start_data: StartData = _nothing) -> Callable[..., Awaitable[None]]:
    """The handler of a button that begins `dialog`, its first data read by `start_data` (which
    raises a gone error when what the button names was deleted). Whatever dialog the chat was
    in is left, its question losing its buttons."""

    async def begin(
        callback: CallbackQuery,
        callback_data: Any,
        bot: Bot,
        state: FSMContext,
        scenes: ScenesManager,
        session: AsyncSession,
    ) -> None:
        start = await start_data(callback, callback_data, session)
        await close_prompt(bot, chat_of(callback), await state.get_data())
        await scenes.enter(dialog, start=start)

    return begin


async def back_screen(session: AsyncSession, data: Data) -> Screen:
    """Where a cancelled dialog goes back to: the lesson, else the module, else the list."""
    if isinstance(data.get("lesson_id"), int):
        return lesson_screen(await lessons.lesson_detail(session, data["lesson_id"]))
    if isinstance(data.get("module_id"), int):
        return module_screen(await modules.module_detail(session, data["module_id"]))
    return modules_screen(await modules.list_modules(session))


class Dialog(Scene, reset_data_on_enter=True, reset_history_on_enter=True):
    """The base of every authoring dialog: subclasses give `steps`, `save` and, if it has one,
    a `heading` above every question."""

    steps: ClassVar[tuple[Step, ...]]

    def heading(self, data: Data) -> str | None:
        return None

    async def save(self, data: Data, session: AsyncSession, context: Context) -> Screen:
        raise NotImplementedError

    # Asking

    def _applying(self, data: Data) -> list[int]:
        return [i for i, step in enumerate(self.steps) if step.when(data)]

    def _question(self, data: Data) -> Screen:
        index = data["step"]
        step = self.steps[index]
        applying = self._applying(data)
        lines = [line for line in (self.heading(data),) if line]
        if len(applying) > 1:
            lines.append(texts.step(applying.index(index) + 1, len(applying)))
        lines.append(step.question(data))
        if (dropped := step.dropped(data)) is not None:
            # Asked as after a bad value: the rule the kept value now breaks, first.
            lines.insert(0, f"{texts.choice_gone(str(dropped))}\n")
        current = step.current(data)
        if step.choices is not None:
            choice = None if current is None else step.choice_of(data, current)
            return pick_screen("\n".join(lines), step.choices(data), choice)
        if current is not None and step.show_current:
            lines.append(current_text(current))
        keep = current is not None
        return prompt_screen(
            "\n".join(lines), skip=step.skip, default=step.default_of(data), keep=keep
        )

    async def _ask(self, event: Event, bot: Bot, state: FSMContext, why: str | None = None) -> None:
        data = await state.get_data()
        await close_prompt(bot, chat_of(event), data)
        screen = self._question(data)
        text = screen.text if why is None else f"{why}\n\n{screen.text}"
        sent = await bot.send_message(chat_of(event), text, reply_markup=screen.markup)
        await state.update_data(prompt_id=sent.message_id)

    async def _advance(
        self,
        event: Event,
        bot: Bot,
        state: FSMContext,
        session: AsyncSession,
        context: Context,
        **values: Any,
    ) -> None:
        """Keep `values`, then ask the next step that applies, or save when none is left."""
        data = await state.update_data(**values)
        following = [i for i in self._applying(data) if i > data["step"]]
        if following:
            await state.update_data(step=following[0])
            await self._ask(event, bot, state)
            return
        try:
            screen = await self.save(data, session, context)
        except fields.BadValue as error:
            await self._ask(event, bot, state, problem_text(error))
            return
        await self._end(event, bot, state, data)
        await send(event, bot, screen)

    async def _end(self, event: Event, bot: Bot, state: FSMContext, data: Data) -> None:
        await close_prompt(bot, chat_of(event), data)
        await self.wizard.exit()
        await state.clear()

    def _step(self, data: Data) -> Step:
        return self.steps[data["step"]]

    # Entering: only ever from a button (see `entry`)

    @on.callback_query.enter()
    async def entered_by_button(
        self,
        callback: CallbackQuery,
        bot: Bot,
        state: FSMContext,
        session: AsyncSession,
        context: Context,
        start: dict[str, Any],
    ) -> None:
        await self._advance(callback, bot, state, session, context, step=-1, **start)

    # Leaving

    @on.message(Command("cancel"))
    async def cancel_command(
        self, message: Message, bot: Bot, state: FSMContext, session: AsyncSession
    ) -> None:
        await self._cancel(message, bot, state, session)

    @on.callback_query(DialogCb.filter(F.action == DialogAction.CANCEL))
    async def cancel_pressed(
        self,
        callback: CallbackQuery,
        bot: Bot,
        state: FSMContext,
        session: AsyncSession,
        callback_answer: CallbackAnswer,
    ) -> None:
        callback_answer.text = str(texts.CANCELLED)
        await self._cancel(callback, bot, state, session)

    async def _cancel(
        self, event: Event, bot: Bot, state: FSMContext, session: AsyncSession
    ) -> None:
        """Nothing written; back to where the dialog started."""
        data = await state.get_data()
        await self._end(event, bot, state, data)
        log.info("authoring dialog cancelled by %s", chat_of(event))
        await send(event, bot, with_notice(str(texts.CANCELLED), await back_screen(session, data)))

    # Answering

    @on.message(command)
    async def command_mid_dialog(self, message: Message, bot: Bot, state: FSMContext) -> None:
        await self._ask(message, bot, state, str(texts.IN_A_DIALOG))

    @on.message(F.text)
    async def typed(
        self,
        message: Message,
        bot: Bot,
        state: FSMContext,
        session: AsyncSession,
        context: Context,
    ) -> None:
        step = self._step(await state.get_data())
        if step.read is None:
            await self._ask(message, bot, state, str(texts.PRESS_A_BUTTON))
            return
        try:
            value = step.read(message)
        except fields.BadValue as error:
            await self._ask(message, bot, state, problem_text(error))
            return
        await self._advance(message, bot, state, session, context, **{step.key: value})

    @on.message()
    async def not_text(self, message: Message, bot: Bot, state: FSMContext) -> None:
        await self._ask(message, bot, state, str(texts.TEXT_ONLY))

    @on.callback_query(or_f(DialogCb.filter(), PickCb.filter()))
    async def pressed(
        self,
        callback: CallbackQuery,
        callback_data: DialogCb | PickCb,
        callback_answer: CallbackAnswer,
        bot: Bot,
        state: FSMContext,
        session: AsyncSession,
        context: Context,
    ) -> None:
        """Keep, Skip, the default or a choice, where the step being asked offers it."""
        data = await state.get_data()
        step = self._step(data)
        action = callback_data.index if isinstance(callback_data, PickCb) else callback_data.action
        taken, value = step.value_of(data, action)
        if not taken:
            callback_answer.text = str(texts.NOT_THIS_STEP)
            return
        await self._advance(callback, bot, state, session, context, **{step.key: value})
