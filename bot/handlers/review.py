"""/review and the menu's Review: a short session over the learner's due cards."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.learner import MenuAction, MenuCb, ReviewCb
from bot.handlers.asking import Asking
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


def _kept(q: ReviewQuestion, message_id: int | None) -> dict[str, Any]:
    # No message id: a review leaves a typed card's message as it is once answered.
    return {
        "card_id": q.card_id,
        "seen": q.seen,
        "done": q.progress.done,
        "right": q.progress.right,
    }


# A button card ends any answer state: its buttons carry what the answer needs.
REVIEW = Asking(
    screen=question_screen, kept=_kept, key="card_id", typed=Review.short_answer, choice=None
)


def _then(answered: ReviewAnswered, zone: tzinfo) -> ReviewQuestion | Screen:
    """What follows an answer: the next card, or the session's summary."""
    if answered.next is not None:
        return answered.next
    assert answered.summary is not None
    return summary_screen(answered.summary, answered.now, zone)


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
    await REVIEW.keep(state, found, None)


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
    await REVIEW.follow_up(bot, callback.from_user.id, state, _then(answered, learner.zone))


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
        await REVIEW.already_answered(state, card_id)
        return
    await message.answer(feedback_text(answered, answered.now, learner.zone))
    await REVIEW.follow_up(bot, message.chat.id, state, _then(answered, learner.zone))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(begin, Command("review"))
    router.callback_query.register(begin, MenuCb.filter(F.action == MenuAction.REVIEW))
    router.callback_query.register(choose, ReviewCb.filter())
    router.message.register(typed_answer, StateFilter(Review.short_answer), typed_text)
    return router
