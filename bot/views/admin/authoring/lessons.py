"""A lesson's screen: its numbers, its exercises (a button each) and what can be done to it."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot import texts as learner_texts
from bot.callbacks.admin import (
    AnnounceLessonCb,
    AuthorExerciseCb,
    AuthorLessonCb,
    AuthorModuleCb,
    LessonAction,
    LessonActionCb,
    MoveLessonCb,
    MoveTo,
)
from bot.services.authoring.lessons import ExerciseLine, LessonDetail
from bot.services.content.spec import short_answer_parts
from bot.texts import authoring as texts
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.telegram_length import MESSAGE_LIMIT, clip, fit, list_text
from db.enums import ExerciseType

# Enough to tell exercises apart in a lesson's list; the whole text is in the preview.
EXERCISE_LINE_ROOM = 300
# Exercise buttons in a row: "✏️ 1", "✏️ 2"...
EXERCISES_PER_ROW = 5


def answer_text(exercise: ExerciseLine) -> str:
    if exercise.type is ExerciseType.TRUE_FALSE:
        return str(learner_texts.TRUE if exercise.answer else learner_texts.FALSE)
    if exercise.type is ExerciseType.SHORT_ANSWER:
        accepted, case_sensitive = short_answer_parts(exercise.answer)
        text = " / ".join(accepted)
        return f"{text} {texts.CASE_SENSITIVE_MARK}" if case_sensitive else text
    return str(exercise.answer)


def exercise_text(number: int, exercise: ExerciseLine, room: int) -> str:
    kind = str(texts.KIND_NAMES[exercise.type.value])
    # A prompt may be a thousand characters: the list shows each one's beginning.
    line = texts.exercise_line(number, kind, clip(exercise.prompt, 80), answer_text(exercise))
    return fit(line, room)


def lesson_screen(lesson: LessonDetail) -> Screen:
    head = [
        fit(texts.lesson_heading(lesson.title), MESSAGE_LIMIT // 8),
        fit(texts.lesson_module(lesson.module_title), MESSAGE_LIMIT // 8),
        str(texts.PUBLISHED if lesson.is_published else texts.DRAFT),
    ]
    if not lesson.module_published:
        head.append(str(texts.MODULE_IS_DRAFT))
    head += [
        texts.lesson_place(lesson.slug, lesson.position, lesson.siblings),
        texts.lesson_numbers(lesson.estimated_minutes, lesson.xp, lesson.pass_score),
        "",
    ]
    lines = []
    if lesson.exercises:
        head.append(str(texts.EXERCISES_HEADING))
        for number, e in enumerate(lesson.exercises, start=1):
            lines.append(exercise_text(number, e, EXERCISE_LINE_ROOM))
    else:
        head.append(str(texts.NO_EXERCISES))
    return Screen(list_text(head, lines, [], learner_texts.and_more), _lesson_keyboard(lesson))


def _lesson_keyboard(lesson: LessonDetail) -> InlineKeyboardMarkup:
    kb = Keyboard()

    def action(label: object, what: LessonAction) -> None:
        kb.button(text=str(label), callback_data=LessonActionCb(lesson_id=lesson.id, action=what))

    rows = []
    for number, e in enumerate(lesson.exercises, start=1):
        kb.button(
            text=texts.exercise_button(number),
            callback_data=AuthorExerciseCb(lesson_id=lesson.id, exercise_id=e.id),
        )
    full, rest = divmod(len(lesson.exercises), EXERCISES_PER_ROW)
    rows += [EXERCISES_PER_ROW] * full + ([rest] if rest else [])
    action(texts.EDIT_TITLE, LessonAction.EDIT_TITLE)
    action(texts.EDIT_CONTENT, LessonAction.EDIT_CONTENT)
    action(texts.EDIT_NUMBERS, LessonAction.EDIT_NUMBERS)
    action(texts.ADD_EXERCISE, LessonAction.ADD_EXERCISE)
    action(texts.PREVIEW, LessonAction.PREVIEW)
    if lesson.is_published:
        action(texts.UNPUBLISH_LESSON, LessonAction.UNPUBLISH)
    else:
        action(texts.PUBLISH_LESSON, LessonAction.PUBLISH)
    rows += [2, 2, 2]
    if lesson.is_published and lesson.module_published:
        kb.button(text=str(texts.ANNOUNCE), callback_data=AnnounceLessonCb(lesson_id=lesson.id))
        rows.append(1)
    moves = 0
    if lesson.position > 1:
        kb.button(
            text=str(texts.MOVE_UP),
            callback_data=MoveLessonCb(lesson_id=lesson.id, up=True, screen=MoveTo.LESSON),
        )
        moves += 1
    if lesson.position < lesson.siblings:
        kb.button(
            text=str(texts.MOVE_DOWN),
            callback_data=MoveLessonCb(lesson_id=lesson.id, up=False, screen=MoveTo.LESSON),
        )
        moves += 1
    if moves:
        rows.append(moves)
    action(texts.DELETE, LessonAction.DELETE)
    kb.button(
        text=str(texts.BACK_TO_MODULE), callback_data=AuthorModuleCb(module_id=lesson.module_id)
    )
    rows.append(2)
    kb.adjust(*rows)
    return kb.as_markup()


def confirm_delete_screen(lesson: LessonDetail) -> Screen:
    kb = Keyboard()
    kb.button(
        text=str(texts.DELETE_CONFIRM),
        callback_data=LessonActionCb(lesson_id=lesson.id, action=LessonAction.DELETE_CONFIRMED),
    )
    kb.button(text=str(texts.DELETE_KEEP), callback_data=AuthorLessonCb(lesson_id=lesson.id))
    kb.adjust(2)
    return Screen(texts.confirm_delete(lesson.title), kb.as_markup())
