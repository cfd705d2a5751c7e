"""Adding an exercise to a lesson: a dialog per kind.

multiple choice: question, options (one per line), the right option (a button each),
explanation or Skip; true or false: question, True/False, explanation or Skip; short answer:
question, accepted answers (one per line), whether case matters (a button each), explanation
or Skip.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts as learner_texts
from bot.callbacks.admin import (
    DialogAction,
    DialogCb,
    ExerciseKind,
    LessonAction,
    LessonActionCb,
    NewExerciseCb,
    PickCb,
)
from bot.handlers.admin.authoring_dialog import (
    ask,
    ask_again,
    finish,
    send,
    with_notice,
)
from bot.handlers.admin.authoring_states import Authoring
from bot.handlers.common import show
from bot.handlers.filters import typed_text
from bot.services.authoring import lessons
from bot.services.authoring.exercises import add_exercise
from bot.services.content import fields as values
from bot.services.content.model import OPTIONS_MAX, OPTIONS_MIN
from bot.texts import authoring as texts
from bot.views.admin.authoring import choose_kind_screen, lesson_screen
from db.enums import ExerciseType

NewExercise = Authoring.NewExercise

TYPES = {
    ExerciseKind.MULTIPLE_CHOICE: ExerciseType.MULTIPLE_CHOICE,
    ExerciseKind.TRUE_FALSE: ExerciseType.TRUE_FALSE,
    ExerciseKind.SHORT_ANSWER: ExerciseType.SHORT_ANSWER,
}
# How many steps each kind's dialog has (the explanation is always the last).
STEPS = {
    ExerciseType.MULTIPLE_CHOICE: 4,
    ExerciseType.TRUE_FALSE: 3,
    ExerciseType.SHORT_ANSWER: 4,
}


async def choose_kind(
    callback: CallbackQuery, callback_data: LessonActionCb, session: AsyncSession
) -> None:
    lesson = await lessons.lesson_detail(session, callback_data.lesson_id)
    await show(callback, choose_kind_screen(lesson))


async def _ask_step(
    event: Message | CallbackQuery,
    bot: Bot,
    state: FSMContext,
    number: int,
    question: str,
    *,
    skip: bool = False,
    pick: list[str] | None = None,
) -> None:
    data = await state.get_data()
    kind = ExerciseType(data["kind"])
    head = texts.new_exercise(data["lesson_title"], str(texts.KIND_NAMES[kind.value]))
    step = texts.step(number, STEPS[kind])
    await ask(event, bot, state, f"{head}\n{step}\n{question}", skip=skip, pick=pick)


async def start(
    callback: CallbackQuery,
    callback_data: NewExerciseCb,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
) -> None:
    lesson = await lessons.lesson_detail(session, callback_data.lesson_id)
    await finish(callback, bot, state)
    await state.set_state(NewExercise.prompt)
    kind = TYPES[callback_data.kind]
    await state.update_data(lesson_id=lesson.id, lesson_title=lesson.title, kind=kind.value)
    await _ask_step(callback, bot, state, 1, str(texts.PROMPT_PROMPT))


async def got_prompt(message: Message, bot: Bot, state: FSMContext) -> None:
    prompt = values.prompt(message.text)
    await state.update_data(question=prompt)
    kind = ExerciseType((await state.get_data())["kind"])
    if kind is ExerciseType.MULTIPLE_CHOICE:
        await state.set_state(NewExercise.options)
        await _ask_step(message, bot, state, 2, texts.options_prompt(OPTIONS_MIN, OPTIONS_MAX))
    elif kind is ExerciseType.TRUE_FALSE:
        await state.set_state(NewExercise.pick)
        labels = [str(learner_texts.TRUE), str(learner_texts.FALSE)]
        await _ask_step(message, bot, state, 2, str(texts.PICK_TRUE_FALSE), pick=labels)
    else:
        await state.set_state(NewExercise.answers)
        await _ask_step(message, bot, state, 2, str(texts.ANSWERS_PROMPT))


async def got_options(message: Message, bot: Bot, state: FSMContext) -> None:
    options = values.options(message.text)
    await state.update_data(options=options)
    await state.set_state(NewExercise.pick)
    await _ask_step(message, bot, state, 3, str(texts.PICK_OPTION), pick=options)


async def picked(
    callback: CallbackQuery,
    callback_data: PickCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    kind = ExerciseType(data["kind"])
    answer: str | bool
    if kind is ExerciseType.SHORT_ANSWER:
        if callback_data.index > 1:
            callback_answer.text = str(texts.NOT_THIS_STEP)
            return
        await state.update_data(case_sensitive=callback_data.index == 1)
        await _ask_explanation(callback, bot, state)
        return
    if kind is ExerciseType.MULTIPLE_CHOICE:
        options = data["options"]
        if callback_data.index >= len(options):
            callback_answer.text = str(texts.NOT_THIS_STEP)
            return
        answer = options[callback_data.index]
    else:
        if callback_data.index > 1:
            callback_answer.text = str(texts.NOT_THIS_STEP)
            return
        answer = callback_data.index == 0
    await state.update_data(answer=answer)
    await _ask_explanation(callback, bot, state)


async def typed_instead_of_pick(message: Message, bot: Bot, state: FSMContext) -> None:
    await ask_again(message, bot, state, str(texts.PRESS_A_BUTTON))


async def got_answers(message: Message, bot: Bot, state: FSMContext) -> None:
    answers = values.answers(message.text)
    await state.update_data(answer=answers)
    await state.set_state(NewExercise.pick)
    labels = [str(texts.CASE_IGNORED), str(texts.CASE_MATTERS)]
    await _ask_step(message, bot, state, 3, str(texts.PICK_CASE), pick=labels)


async def _ask_explanation(event: Message | CallbackQuery, bot: Bot, state: FSMContext) -> None:
    kind = ExerciseType((await state.get_data())["kind"])
    await state.set_state(NewExercise.explanation)
    await _ask_step(event, bot, state, STEPS[kind], str(texts.EXPLANATION_PROMPT), skip=True)


async def got_explanation(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession
) -> None:
    explanation = values.explanation(message.text)
    await _create(message, bot, state, session, explanation)


async def skip_explanation(
    callback: CallbackQuery, bot: Bot, state: FSMContext, session: AsyncSession
) -> None:
    await _create(callback, bot, state, session, None)


async def _create(
    event: Message | CallbackQuery,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    explanation: str | None,
) -> None:
    data = await state.get_data()
    lesson = await add_exercise(
        session,
        data["lesson_id"],
        kind=ExerciseType(data["kind"]),
        prompt=data["question"],
        options=data.get("options"),
        answer=data["answer"],
        explanation=explanation,
        case_sensitive=bool(data.get("case_sensitive", False)),
    )
    await finish(event, bot, state)
    await send(event, bot, with_notice(str(texts.EXERCISE_ADDED), lesson_screen(lesson)))


def create_router() -> Router:
    router = Router(name=__name__)
    cb, msg = router.callback_query, router.message
    cb.register(choose_kind, LessonActionCb.filter(F.action == LessonAction.ADD_EXERCISE))
    cb.register(start, NewExerciseCb.filter())
    msg.register(got_prompt, StateFilter(NewExercise.prompt), typed_text)
    msg.register(got_options, StateFilter(NewExercise.options), typed_text)
    cb.register(picked, StateFilter(NewExercise.pick), PickCb.filter())
    msg.register(typed_instead_of_pick, StateFilter(NewExercise.pick), typed_text)
    msg.register(got_answers, StateFilter(NewExercise.answers), typed_text)
    msg.register(got_explanation, StateFilter(NewExercise.explanation), typed_text)
    cb.register(
        skip_explanation,
        StateFilter(NewExercise.explanation),
        DialogCb.filter(F.action == DialogAction.SKIP),
    )
    return router
