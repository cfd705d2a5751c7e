"""Choosing a new exercise's kind, an exercise's screen, its deletion asked first."""

from __future__ import annotations

from bot.callbacks.admin import (
    AuthorExerciseCb,
    AuthorLessonCb,
    ExerciseAction,
    ExerciseActionCb,
    ExerciseKind,
    NewExerciseCb,
)
from bot.services.authoring.lessons import ExerciseLine, LessonDetail
from bot.texts import authoring as texts
from bot.texts import esc
from bot.views.admin.authoring.lessons import answer_text
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.telegram_length import MESSAGE_LIMIT, fit
from db.enums import ExerciseType

KIND_LABELS = {
    ExerciseKind.MULTIPLE_CHOICE: texts.KIND_MULTIPLE_CHOICE,
    ExerciseKind.TRUE_FALSE: texts.KIND_TRUE_FALSE,
    ExerciseKind.SHORT_ANSWER: texts.KIND_SHORT_ANSWER,
}


def choose_kind_screen(lesson: LessonDetail) -> Screen:
    kb = Keyboard()
    for kind, label in KIND_LABELS.items():
        kb.button(text=str(label), callback_data=NewExerciseCb(lesson_id=lesson.id, kind=kind))
    kb.button(text=str(texts.CANCEL), callback_data=AuthorLessonCb(lesson_id=lesson.id))
    kb.adjust(1)
    return Screen(f"{texts.lesson_heading(lesson.title)}\n\n{texts.CHOOSE_KIND}", kb.as_markup())


def exercise_screen(lesson: LessonDetail, number: int, exercise: ExerciseLine) -> Screen:
    kb = Keyboard()

    def action(label: object, what: ExerciseAction) -> None:
        data = ExerciseActionCb(lesson_id=lesson.id, exercise_id=exercise.id, action=what)
        kb.button(text=str(label), callback_data=data)

    action(texts.EDIT_EXERCISE, ExerciseAction.EDIT)
    action(texts.DELETE, ExerciseAction.DELETE)
    kb.button(text=str(texts.BACK_TO_LESSON), callback_data=AuthorLessonCb(lesson_id=lesson.id))
    kb.adjust(2, 1)
    kind = str(texts.KIND_NAMES[exercise.type.value])
    lines = [
        fit(texts.lesson_heading(lesson.title), MESSAGE_LIMIT // 8),
        texts.exercise_heading(number, kind),
        "",
        fit(esc(exercise.prompt), MESSAGE_LIMIT // 4),
        "",
    ]
    if exercise.type is ExerciseType.MULTIPLE_CHOICE:
        lines += [texts.option_line(o, o == exercise.answer) for o in exercise.options or []]
    else:
        lines.append(texts.answer_line(answer_text(exercise)))
    if exercise.explanation:
        lines.append(fit(texts.explanation_line(exercise.explanation), MESSAGE_LIMIT // 4))
    lines += ["", str(texts.EDIT_EXERCISE_HINT)]
    return Screen("\n".join(lines), kb.as_markup())


def confirm_delete_exercise_screen(lesson: LessonDetail, number: int, exercise_id: int) -> Screen:
    kb = Keyboard()
    kb.button(
        text=str(texts.DELETE_CONFIRM),
        callback_data=ExerciseActionCb(
            lesson_id=lesson.id, exercise_id=exercise_id, action=ExerciseAction.DELETE_CONFIRMED
        ),
    )
    kb.button(
        text=str(texts.DELETE_KEEP),
        callback_data=AuthorExerciseCb(lesson_id=lesson.id, exercise_id=exercise_id),
    )
    kb.adjust(2)
    return Screen(texts.confirm_delete_exercise(number, lesson.title), kb.as_markup())
