"""Answering a lesson's exercises: buttons for choices, typed text for short answers."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import AnswerCb, RunCb, StopRunCb
from bot.handlers.common import gone, show, show_lesson
from bot.keyboards import course as course_kb
from bot.keyboards import quiz as quiz_kb
from bot.keyboards.menu import main_menu
from bot.locales import en
from bot.services import exercises, lessons
from bot.services.exercises import AnswerResult, Outcome, Question
from bot.services.learners import Learner
from bot.states import Quiz


def question_text(q: Question) -> str:
    hint = f"\n\n{en.TYPE_ANSWER}" if q.choices is None else ""
    return (
        f"✍️ <b>{en.esc(q.lesson_title)}</b> · question {q.number} of {q.total}\n\n"
        f"{en.esc(q.prompt)}{hint}"
    )


async def ask(bot: Bot, chat_id: int, state: FSMContext, q: Question) -> None:
    """Send the question; a typed-answer question also puts the chat into the answer state."""
    await bot.send_message(chat_id, question_text(q), reply_markup=quiz_kb.question(q))
    if q.choices is None:
        # Data before state: a concurrent copy of the previous answer that reads the data in
        # between must already see the new question (see typed_answer).
        await state.set_data({"lesson_id": q.lesson_id, "run": q.run, "exercise_id": q.exercise_id})
        await state.set_state(Quiz.short_answer)
    else:
        await state.clear()


async def follow_up(bot: Bot, chat_id: int, state: FSMContext, result: AnswerResult) -> None:
    """After an answer: the next question, or the run's result with what to do next."""
    if result.next_question is not None:
        await ask(bot, chat_id, state, result.next_question)
        return
    await state.clear()
    run = result.result
    assert run is not None
    await bot.send_message(
        chat_id,
        en.run_result(
            run.correct,
            run.total,
            run.score,
            run.best_score,
            run.pass_score,
            run.passed,
            run.xp_gained,
        ),
        reply_markup=course_kb.after_lesson(
            run.lesson_id, run.module_id, run.next_lesson_id, retry=True
        ),
    )


async def start_run(
    callback: CallbackQuery,
    callback_data: RunCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
) -> None:
    q = await exercises.start_run(session, learner.id, callback_data.lesson_id)
    if q is None:
        if await lessons.lesson_brief(session, callback_data.lesson_id) is None:
            await gone(callback, callback_answer, en.LESSON_UNAVAILABLE)
        else:
            callback_answer.text = en.NO_EXERCISES
        return
    await ask(bot, callback.from_user.id, state, q)


async def choose(
    callback: CallbackQuery,
    callback_data: AnswerCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
) -> None:
    result = await exercises.answer_choice(
        session,
        learner.id,
        callback_data.lesson_id,
        callback_data.run,
        callback_data.exercise_id,
        callback_data.option,
    )
    if result.outcome is Outcome.DUPLICATE:
        return  # the first press already got its feedback
    if result.outcome is not Outcome.ANSWERED:
        callback_answer.text = {
            Outcome.UNAVAILABLE: en.LESSON_UNAVAILABLE,
            # An option the question does not have: the question itself is still open.
            Outcome.INVALID: en.BUTTON_NOT_UNDERSTOOD,
        }.get(result.outcome, en.QUESTION_STALE)
        return
    assert result.feedback is not None
    feedback = en.answer_feedback(
        result.feedback.correct, result.feedback.correct_answer, result.feedback.explanation
    )
    callback_answer.text = "✅" if result.feedback.correct else "❌"
    assert result.question is not None
    # The question message keeps its text, loses its buttons and gains the feedback.
    answered = f"{question_text(result.question)}\n\n{en.your_answer(result.feedback.given)}"
    await show(callback, f"{answered}\n{feedback}")
    await follow_up(bot, callback.from_user.id, state, result)


async def typed_answer(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession, learner: Learner
) -> None:
    data = await state.get_data()
    assert message.text is not None
    try:
        lesson_id, run, exercise_id = (
            int(data["lesson_id"]),
            int(data["run"]),
            int(data["exercise_id"]),
        )
    except (KeyError, TypeError, ValueError):
        await state.clear()
        await message.answer(en.QUESTION_STALE, reply_markup=main_menu())
        return
    result = await exercises.answer_text(
        session, learner.id, lesson_id, run, exercise_id, message.text
    )
    if result.outcome is Outcome.ANSWERED:
        assert result.feedback is not None
        await message.answer(
            en.answer_feedback(
                result.feedback.correct, result.feedback.correct_answer, result.feedback.explanation
            )
        )
        await follow_up(bot, message.chat.id, state, result)
        return
    if result.outcome is Outcome.INVALID:
        await message.answer(en.ANSWER_WITH_BUTTONS)
        return
    if (
        result.outcome is Outcome.DUPLICATE
        and (await state.get_data()).get("exercise_id") != exercise_id
    ):
        return  # a copy of an answer already handled, whose next question owns the state now
    await state.clear()
    text = en.LESSON_UNAVAILABLE if result.outcome is Outcome.UNAVAILABLE else en.QUESTION_STALE
    await message.answer(text, reply_markup=main_menu())


async def cancel(message: Message, state: FSMContext) -> None:
    if await state.get_state() is None:
        await message.answer(en.NOTHING_TO_CANCEL)
        return
    await state.clear()
    await message.answer(en.EXERCISES_STOPPED, reply_markup=main_menu())


async def stop(
    callback: CallbackQuery,
    callback_data: StopRunCb,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
) -> None:
    await state.clear()
    callback_answer.text = en.EXERCISES_STOPPED
    view = await lessons.open_lesson(session, learner.id, callback_data.lesson_id)
    if view is None:
        await gone(callback, callback_answer, en.LESSON_UNAVAILABLE)
        return
    await show_lesson(callback, view)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(start_run, RunCb.filter())
    router.callback_query.register(choose, AnswerCb.filter())
    router.message.register(
        typed_answer, StateFilter(Quiz.short_answer), F.text, ~F.text.startswith("/")
    )
    router.message.register(cancel, Command("cancel"))
    router.callback_query.register(stop, StopRunCb.filter())
    return router
