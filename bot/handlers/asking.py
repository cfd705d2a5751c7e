"""The question machinery a lesson's run and a review share: asking a question (its message sent,
what it asks kept in the chat's state), taking a typed answer once, and what follows an answer.
A feature says how its questions look and what its state keeps; its own services answer them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State

from bot.services.errors import Stale
from bot.views.question import Asked
from bot.views.screen import Screen

Q = TypeVar("Q", bound=Asked)


@dataclass(frozen=True, slots=True)
class Asking(Generic[Q]):
    """How a feature asks its questions: made once, at import."""

    screen: Callable[[Q], Screen]
    # What the chat's state keeps while a question is asked, given the id of the message that
    # asks it (None when it was shown in place of another): what its answer is matched to.
    kept: Callable[[Q, int | None], dict[str, Any]]
    # The kept value that names the question asked.
    key: str
    # The chat's state while a typed-answer question is asked, and while a button one is (None:
    # no state, its buttons carry all its answer needs).
    typed: State
    choice: State | None

    async def ask(self, bot: Bot, chat_id: int, state: FSMContext, q: Q, screen: Screen) -> None:
        """Send the question's `screen` and keep in the chat's state what is being asked."""
        sent = await bot.send_message(chat_id, screen.text, reply_markup=screen.markup)
        await self.keep(state, q, sent.message_id)

    async def keep(self, state: FSMContext, q: Q, message_id: int | None) -> None:
        """Keep in the chat's state what `q` asks, or clear it where a question keeps none."""
        waiting = self.typed if q.choices is None else self.choice
        if waiting is None:
            await state.clear()
            return
        # Data before state: a concurrent copy of the previous answer that reads the data in
        # between must already see the new question (see `already_answered`).
        await state.set_data(self.kept(q, message_id))
        await state.set_state(waiting)

    async def already_answered(self, state: FSMContext, asked: int) -> None:
        """A typed answer to the question `asked` found it answered: a copy of an answer already
        taken, whose next question owns the chat's state now, is let go; any other is stale.
        Called where AlreadyAnswered is caught, so an answer taken at once costs nothing here."""
        if (await state.get_data()).get(self.key) == asked:
            raise Stale from None

    async def follow_up(self, bot: Bot, chat_id: int, state: FSMContext, then: Q | Screen) -> None:
        """After an answer: the next question, or the end's screen (a run's result, a session's
        summary) with the chat's state cleared."""
        if isinstance(then, Screen):
            await state.clear()
            await bot.send_message(chat_id, then.text, reply_markup=then.markup)
            return
        await self.ask(bot, chat_id, state, then, self.screen(then))
