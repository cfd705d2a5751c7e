"""A lesson's exercises: the dialog that writes one (a new one, or one written again in its
place), an exercise's screen, deleting one (asked first).

The dialog's steps depend on the kind: multiple choice asks the question, the options (one
per line), the right option (a button each) and an explanation or Skip; true or false asks the
question, True/False and the explanation; short answer the question, the accepted answers (one
per line), whether case matters (a button each) and the explanation. Written again, every
step shows what the exercise has now, to keep with one press.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import F, Router
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts as learner_texts
from bot.callbacks.admin import (
    AuthorExerciseCb,
    ExerciseAction,
    ExerciseActionCb,
    ExerciseKind,
    LessonAction,
    LessonActionCb,
    NewExerciseCb,
)
from bot.handlers.admin.authoring.changes import Done, pressed
from bot.handlers.admin.authoring.dialog import Dialog, entry, with_notice
from bot.handlers.admin.authoring.steps import Data, Step, typed_value
from bot.handlers.common import show
from bot.services.authoring import lessons
from bot.services.authoring.exercises import delete_exercise, save_exercise
from bot.services.authoring.lessons import ExerciseLine, LessonDetail
from bot.services.content import fields
from bot.services.content.model import OPTIONS_MAX, OPTIONS_MIN
from bot.services.content.spec import short_answer_parts
from bot.services.context import Context
from bot.services.errors import AuthoredLessonGone
from bot.texts import authoring as texts
from bot.views.admin.authoring.exercises import (
    choose_kind_screen,
    confirm_delete_exercise_screen,
    exercise_screen,
)
from bot.views.admin.authoring.lessons import lesson_screen
from bot.views.screen import Screen
from db.enums import ExerciseType

TYPES = {
    ExerciseKind.MULTIPLE_CHOICE: ExerciseType.MULTIPLE_CHOICE,
    ExerciseKind.TRUE_FALSE: ExerciseType.TRUE_FALSE,
    ExerciseKind.SHORT_ANSWER: ExerciseType.SHORT_ANSWER,
}


def of_kind(kind: ExerciseType) -> Callable[[Data], bool]:
    """A step that belongs to this kind's dialog only."""
    return lambda data: data["kind"] == kind.value


MC, TF, SA = (of_kind(k) for k in TYPES.values())


class WriteExercise(Dialog, state="authoring:exercise"):
    steps = (
        Step("question", lambda d: str(texts.PROMPT_PROMPT), typed_value(fields.prompt)),
        Step(
            "options",
            lambda d: texts.options_prompt(OPTIONS_MIN, OPTIONS_MAX),
            typed_value(fields.options),
            when=MC,
        ),
        Step(
            "answer",
            lambda d: str(texts.PICK_OPTION),
            choices=lambda d: list(d["options"]),
            chosen=lambda d, index: d["options"][index],
            when=MC,
        ),
        Step(
            "answer",
            lambda d: str(texts.PICK_TRUE_FALSE),
            choices=lambda d: [str(learner_texts.TRUE), str(learner_texts.FALSE)],
            chosen=lambda d, index: index == 0,
            when=TF,
        ),
        Step("answer", lambda d: str(texts.ANSWERS_PROMPT), typed_value(fields.answers), when=SA),
        Step(
            "case_sensitive",
            lambda d: str(texts.PICK_CASE),
            choices=lambda d: [str(texts.CASE_IGNORED), str(texts.CASE_MATTERS)],
            chosen=lambda d, index: index == 1,
            when=SA,
        ),
        Step(
            "explanation",
            lambda d: str(texts.EXPLANATION_PROMPT),
            typed_value(fields.explanation),
            skip=True,
        ),
    )

    def heading(self, data: Data) -> str | None:
        kind = str(texts.KIND_NAMES[data["kind"]])
        if data.get("exercise_id") is None:
            return texts.new_exercise(data["lesson_title"], kind)
        return texts.edit_exercise(data["lesson_title"], kind, data["number"])

    async def save(self, data: Data, session: AsyncSession, context: Context) -> Screen:
        lesson = await save_exercise(
            session,
            context,
            data["lesson_id"],
            exercise_id=data.get("exercise_id"),
            kind=ExerciseType(data["kind"]),
            prompt=data["question"],
            options=data.get("options"),
            answer=data["answer"],
            explanation=data["explanation"],
            case_sensitive=bool(data.get("case_sensitive", False)),
        )
        notice = texts.EXERCISE_ADDED if data.get("exercise_id") is None else texts.SAVED
        return with_notice(str(notice), lesson_screen(lesson))


DIALOGS = (WriteExercise,)


async def choose_kind(
    callback: CallbackQuery, callback_data: LessonActionCb, session: AsyncSession
) -> None:
    lesson = await lessons.lesson_detail(session, callback_data.lesson_id)
    await show(callback, choose_kind_screen(lesson))


async def new_exercise(
    callback: CallbackQuery, callback_data: NewExerciseCb, session: AsyncSession
) -> dict[str, Any]:
    lesson = await lessons.lesson_detail(session, callback_data.lesson_id)
    kind = TYPES[callback_data.kind].value
    return {"lesson_id": lesson.id, "lesson_title": lesson.title, "kind": kind}


async def _find(
    session: AsyncSession, lesson_id: int, exercise_id: int
) -> tuple[LessonDetail, int, ExerciseLine]:
    """The lesson, and the exercise's number in it and its line; gone when it is not there."""
    lesson = await lessons.lesson_detail(session, lesson_id)
    for number, exercise in enumerate(lesson.exercises, start=1):
        if exercise.id == exercise_id:
            return lesson, number, exercise
    raise AuthoredLessonGone


async def open_exercise(
    callback: CallbackQuery,
    callback_data: AuthorExerciseCb | ExerciseActionCb,
    session: AsyncSession,
) -> None:
    """The exercise's screen, or (Delete pressed on it) the question whether to delete it."""
    lesson, number, exercise = await _find(
        session, callback_data.lesson_id, callback_data.exercise_id
    )
    if isinstance(callback_data, ExerciseActionCb):
        await show(callback, confirm_delete_exercise_screen(lesson, number, exercise.id))
    else:
        await show(callback, exercise_screen(lesson, number, exercise))


async def exercise_again(
    callback: CallbackQuery, callback_data: ExerciseActionCb, session: AsyncSession
) -> dict[str, Any]:
    """The dialog's start for an exercise written again: every step's value now, to keep."""
    lesson, number, exercise = await _find(
        session, callback_data.lesson_id, callback_data.exercise_id
    )
    current: dict[str, Any] = {
        "question": exercise.prompt,
        "options": exercise.options,
        "answer": exercise.answer,
        "explanation": exercise.explanation,
    }
    if exercise.type is ExerciseType.SHORT_ANSWER:
        current["answer"], current["case_sensitive"] = short_answer_parts(exercise.answer)
    return {
        "lesson_id": lesson.id,
        "lesson_title": lesson.title,
        "kind": exercise.type.value,
        "exercise_id": exercise.id,
        "number": number,
        "current": current,
    }


async def delete(data: ExerciseActionCb, session: AsyncSession, context: Context) -> Done:
    lesson = await delete_exercise(session, context, data.exercise_id)
    return texts.EXERCISE_DELETED, lesson_screen(lesson)


def create_router() -> Router:
    router = Router(name=__name__)
    cb = router.callback_query
    cb.register(choose_kind, LessonActionCb.filter(F.action == LessonAction.ADD_EXERCISE))
    cb.register(entry(WriteExercise, new_exercise), NewExerciseCb.filter())
    cb.register(open_exercise, AuthorExerciseCb.filter())
    cb.register(
        entry(WriteExercise, exercise_again),
        ExerciseActionCb.filter(F.action == ExerciseAction.EDIT),
    )
    cb.register(open_exercise, ExerciseActionCb.filter(F.action == ExerciseAction.DELETE))
    cb.register(
        pressed(delete), ExerciseActionCb.filter(F.action == ExerciseAction.DELETE_CONFIRMED)
    )
    return router
