"""Answering a lesson's exercises: buttons for choices, typed text for short answers."""

from __future__ import annotations

import contextlib
from typing import Any

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, Update
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.callbacks.learner import AnswerCb, RunCb, StopRunCb
from bot.handlers.asking import Asking
from bot.handlers.common import show
from bot.handlers.filters import typed_text
from bot.handlers.states import Quiz
from bot.services import exercises, lessons
from bot.services.context import Context
from bot.services.errors import AlreadyAnswered, Stale
from bot.services.exercises import Answered, AnsweredAgain, NextQuestion, Question
from bot.services.learners import Learner
from bot.views.course import lesson_screen
from bot.views.menu import with_menu
from bot.views.question import feedback_mark
from bot.views.quiz import (
    answered_question_text,
    question_screen,
    result_screen,
    typed_feedback_text,
)
from bot.views.screen import Screen


def _kept(q: Question, message_id: int | None) -> dict[str, Any]:
    return {
        "lesson_id": q.lesson_id,
        "run": q.run,
        "exercise_id": q.exercise_id,
        "message_id": message_id,
    }


# A button question keeps its state too, so text typed while it is open is told to use its
# buttons.
QUIZ = Asking(
    screen=question_screen,
    kept=_kept,
    key="exercise_id",
    typed=Quiz.short_answer,
    choice=Quiz.choice,
)


def _then(answered: Answered) -> Question | Screen:
    """What follows an answer: the next question, or the run's result with what to do next."""
    return answered.next if isinstance(answered, NextQuestion) else result_screen(answered.result)


async def start_run(
    callback: CallbackQuery,
    callback_data: RunCb,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    q = await exercises.start_run(session, context, learner.id, callback_data.lesson_id)
    await QUIZ.ask(bot, callback.from_user.id, state, q, question_screen(q))


async def choose(
    callback: CallbackQuery,
    callback_data: AnswerCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    event_update: Update,
    context: Context,
) -> None:
    outcome = await exercises.answer_choice(
        session,
        context,
        learner.id,
        callback_data.lesson_id,
        callback_data.run,
        callback_data.exercise_id,
        callback_data.option,
        zone=learner.zone,
        update_id=event_update.update_id,
    )
    answered, then = _replayed(outcome)
    callback_answer.text = feedback_mark(answered.feedback)
    # The question message keeps its text, loses its buttons and gains the feedback.
    await show(callback, Screen(answered_question_text(answered)))
    if then:
        await QUIZ.follow_up(bot, callback.from_user.id, state, _then(answered))


def _replayed(outcome: Answered | AnsweredAgain) -> tuple[Answered, bool]:
    """The answer to show, and whether what followed it is shown too: an answer delivered
    again (its first reply was lost) is shown as it was, followed only if the run still
    stands where it left it."""
    if isinstance(outcome, AnsweredAgain):
        return outcome.answered, outcome.follow_up
    return outcome, True


def _asked(data: dict[str, Any]) -> tuple[int, int, int]:
    """The lesson, run and exercise the chat's state says are being asked."""
    try:
        return int(data["lesson_id"]), int(data["run"]), int(data["exercise_id"])
    except (KeyError, TypeError, ValueError):
        raise Stale from None


async def typed_answer(
    message: Message,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    event_update: Update,
    context: Context,
) -> None:
    data = await state.get_data()
    assert message.text is not None
    lesson_id, run, exercise_id = _asked(data)
    try:
        outcome = await exercises.answer_text(
            session,
            context,
            learner.id,
            lesson_id,
            run,
            exercise_id,
            message.text,
            zone=learner.zone,
            update_id=event_update.update_id,
        )
    except AlreadyAnswered:
        await QUIZ.already_answered(state, exercise_id)
        return
    answered, then = _replayed(outcome)
    await _close_question(bot, message.chat.id, data.get("message_id"))
    await message.answer(typed_feedback_text(answered))
    if then:
        await QUIZ.follow_up(bot, message.chat.id, state, _then(answered))


async def typed_during_choice(
    message: Message,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    """Text typed while a button question is open: point at the buttons and ask the question
    again at the bottom of the chat, where the text just pushed it from."""
    data = await state.get_data()
    lesson_id, run, _ = _asked(data)
    q = await exercises.open_question(session, context, learner.id, lesson_id, run)
    await _close_question(bot, message.chat.id, data.get("message_id"))
    await QUIZ.ask(
        bot, message.chat.id, state, q, question_screen(q, hint=str(texts.TAP_AN_ANSWER))
    )


async def _close_question(bot: Bot, chat_id: int, message_id: object) -> None:
    """An answered typed question loses its Stop button, as a button question loses its
    buttons, and a question asked again loses the buttons of its first asking: only the
    question being asked looks answerable."""
    if not isinstance(message_id, int):
        return
    # Already edited, deleted or too old: it no longer offers a live button anyway.
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)


async def cancel(message: Message, state: FSMContext) -> None:
    if await state.get_state() is None:
        await message.answer(str(texts.NOTHING_TO_CANCEL))
        return
    await state.clear()
    await show(message, with_menu(str(texts.EXERCISES_STOPPED)))


async def stop(
    callback: CallbackQuery,
    callback_data: StopRunCb,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    await state.clear()
    view = await lessons.open_lesson(session, context, learner.id, callback_data.lesson_id)
    callback_answer.text = str(texts.EXERCISES_STOPPED)
    await show(callback, lesson_screen(view))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(start_run, RunCb.filter())
    router.callback_query.register(choose, AnswerCb.filter())
    router.message.register(typed_answer, StateFilter(Quiz.short_answer), typed_text)
    router.message.register(typed_during_choice, StateFilter(Quiz.choice), typed_text)
    router.message.register(cancel, Command("cancel"))
    router.callback_query.register(stop, StopRunCb.filter())
    return router
