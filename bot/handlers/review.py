"""/review and the menu's Review: a short session over the learner's due cards."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.learner import MenuAction, MenuCb, ReviewCb
from bot.handlers.common import show
from bot.handlers.filters import typed_text
from bot.handlers.states import Review
from bot.services import review
from bot.services.context import Context
from bot.services.errors import AlreadyAnswered, Stale
from bot.services.learners import Learner
from bot.services.review import NothingDue, ReviewAnswered, ReviewQuestion, Tally
from bot.views.question import feedback_mark
from bot.views.review import (
    answered_question_text,
    feedback_text,
    nothing_due_screen,
    question_screen,
    summary_screen,
)
from bot.views.screen import Screen


async def _expect(state: FSMContext, q: ReviewQuestion) -> None:
    """A typed-answer card puts the chat into the review's answer state; a button card ends
    any such state (its buttons carry what the answer needs)."""
    if q.choices is None:
        # Data before state, as the lesson's questions do: a concurrent copy of the previous
        # answer reading in between already sees the new card.
        await state.set_data(
            {
                "card_id": q.card_id,
                "seen": q.seen,
                "done": q.progress.done,
                "right": q.progress.right,
            }
        )
        await state.set_state(Review.short_answer)
    else:
        await state.clear()


async def begin(
    event: Message | CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    await state.clear()
    found = await review.start(session, context, learner.id)
    if isinstance(found, NothingDue):
        await show(event, nothing_due_screen(found, found.now, learner.zone))
        return
    await show(event, question_screen(found))
    await _expect(state, found)


async def _follow_up(
    bot: Bot, chat_id: int, state: FSMContext, answered: ReviewAnswered, learner: Learner
) -> None:
    if answered.next is not None:
        screen = question_screen(answered.next)
        await bot.send_message(chat_id, screen.text, reply_markup=screen.markup)
        await _expect(state, answered.next)
        return
    await state.clear()
    assert answered.summary is not None
    screen = summary_screen(answered.summary, answered.now, learner.zone)
    await bot.send_message(chat_id, screen.text, reply_markup=screen.markup)


async def choose(
    callback: CallbackQuery,
    callback_data: ReviewCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    answered = await review.answer_choice(
        session,
        context,
        learner.id,
        callback_data.card_id,
        callback_data.seen,
        Tally(callback_data.done, callback_data.right),
        callback_data.option,
        zone=learner.zone,
    )
    callback_answer.text = feedback_mark(answered.feedback)
    await show(callback, Screen(answered_question_text(answered, answered.now, learner.zone)))
    await _follow_up(bot, callback.from_user.id, state, answered, learner)


async def typed_answer(
    message: Message,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    data = await state.get_data()
    assert message.text is not None
    try:
        card_id, seen = int(data["card_id"]), int(data["seen"])
        progress = Tally(int(data["done"]), int(data["right"]))
    except (KeyError, TypeError, ValueError):
        raise Stale from None
    try:
        answered = await review.answer_text(
            session, context, learner.id, card_id, seen, progress, message.text, zone=learner.zone
        )
    except AlreadyAnswered:
        if (await state.get_data()).get("card_id") != card_id:
            return  # a copy of an answer already handled, whose next card owns the state now
        raise Stale from None
    await message.answer(feedback_text(answered, answered.now, learner.zone))
    await _follow_up(bot, message.chat.id, state, answered, learner)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(begin, Command("review"))
    router.callback_query.register(begin, MenuCb.filter(F.action == MenuAction.REVIEW))
    router.callback_query.register(choose, ReviewCb.filter())
    router.message.register(typed_answer, StateFilter(Review.short_answer), typed_text)
    return router
