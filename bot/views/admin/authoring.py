"""The admin's authoring screens: modules, a module's lessons, a lesson, dialog prompts, and a
lesson's preview made of the learner's own views."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts as learner_texts
from bot.callbacks.admin import (
    AdminMenuCb,
    AdminSection,
    AnnounceLessonCb,
    AuthorLessonCb,
    AuthorModuleCb,
    DialogAction,
    DialogCb,
    ExerciseKind,
    LessonAction,
    LessonActionCb,
    ModuleAction,
    ModuleActionCb,
    MoveLessonCb,
    MoveTo,
    NewExerciseCb,
    NewModuleCb,
    PickCb,
    PreviewCb,
)
from bot.services.authoring.lessons import ExerciseLine, LessonDetail, LessonPreview
from bot.services.authoring.modules import ModuleDetail, ModuleSummary
from bot.services.content.fields import BadValue, Problem
from bot.services.content.spec import short_answer_parts
from bot.texts import authoring as texts
from bot.views.admin.menu import back_to_admin_button
from bot.views.course import lesson_screen as learner_lesson_screen
from bot.views.keyboard import Keyboard
from bot.views.pages import lesson_pages
from bot.views.quiz import question_screen
from bot.views.screen import Screen
from bot.views.telegram_length import MESSAGE_LIMIT, clip, fit, list_text
from db.enums import ExerciseType

# Enough to tell exercises apart in a lesson's list; the whole text is in the preview.
EXERCISE_LINE_ROOM = 300


def modules_screen(modules: list[ModuleSummary]) -> Screen:
    head = [str(texts.MODULES_TITLE), ""]
    if not modules:
        head.append(str(texts.NO_MODULES))
    lines = []
    kb = Keyboard()
    for m in modules:
        lines.append(
            texts.module_line(m.is_published, m.title, m.slug, m.lessons, m.published_lessons)
        )
        mark = texts.PUBLISHED_MARK if m.is_published else texts.DRAFT_MARK
        kb.button(text=f"{mark} {m.title}", callback_data=AuthorModuleCb(module_id=m.id))
    kb.button(text=str(texts.NEW_MODULE), callback_data=NewModuleCb())
    back_to_admin_button(kb)
    kb.adjust(1)
    return Screen(list_text(head, lines, [], learner_texts.and_more), kb.as_markup())


def module_screen(module: ModuleDetail) -> Screen:
    head = [
        fit(texts.module_heading(module.title, module.slug), MESSAGE_LIMIT // 4),
        str(texts.PUBLISHED if module.is_published else texts.DRAFT),
    ]
    if module.description:
        head.append(fit(learner_texts.esc(module.description), MESSAGE_LIMIT // 2))
    head.append("")
    if not module.lessons:
        head.append(str(texts.NO_LESSONS))
    lines = []
    kb = Keyboard()
    for number, lesson in enumerate(module.lessons, start=1):
        lines.append(texts.lesson_line(number, lesson.is_published, lesson.title, lesson.exercises))
        kb.button(
            text=texts.lesson_button(number, lesson.is_published, lesson.title),
            callback_data=AuthorLessonCb(lesson_id=lesson.id),
        )
    rows = [1] * len(module.lessons)
    kb.button(
        text=str(texts.ADD_LESSON),
        callback_data=ModuleActionCb(module_id=module.id, action=ModuleAction.ADD_LESSON),
    )
    publish = ModuleAction.UNPUBLISH if module.is_published else ModuleAction.PUBLISH
    kb.button(
        text=str(texts.UNPUBLISH_MODULE if module.is_published else texts.PUBLISH_MODULE),
        callback_data=ModuleActionCb(module_id=module.id, action=publish),
    )
    rows.append(2)
    if len(module.lessons) > 1:
        kb.button(
            text=str(texts.REORDER),
            callback_data=ModuleActionCb(module_id=module.id, action=ModuleAction.REORDER),
        )
        rows.append(1)
    kb.button(
        text=str(texts.BACK_TO_MODULES), callback_data=AdminMenuCb(section=AdminSection.COURSE)
    )
    rows.append(1)
    kb.adjust(*rows)
    return Screen(list_text(head, lines, [], learner_texts.and_more), kb.as_markup())


def reorder_screen(module: ModuleDetail) -> Screen:
    lines = [fit(texts.reorder_heading(module.title), MESSAGE_LIMIT // 4), str(texts.REORDER_HINT)]
    kb = Keyboard()
    for number, lesson in enumerate(module.lessons, start=1):
        kb.button(
            text=texts.lesson_button(number, lesson.is_published, lesson.title),
            callback_data=AuthorLessonCb(lesson_id=lesson.id),
        )
        for up, mark in ((True, texts.UP_MARK), (False, texts.DOWN_MARK)):
            kb.button(
                text=mark,
                callback_data=MoveLessonCb(lesson_id=lesson.id, up=up, screen=MoveTo.REORDER),
            )
    kb.button(text=str(texts.BACK_TO_MODULE), callback_data=AuthorModuleCb(module_id=module.id))
    kb.adjust(*([3] * len(module.lessons)), 1)
    return Screen("\n".join(lines), kb.as_markup())


def answer_text(exercise: ExerciseLine) -> str:
    if exercise.type is ExerciseType.TRUE_FALSE:
        return str(learner_texts.TRUE if exercise.answer else learner_texts.FALSE)
    if exercise.type is ExerciseType.SHORT_ANSWER:
        accepted, case_sensitive = short_answer_parts(exercise.answer)
        text = " / ".join(accepted)
        return f"{text} {texts.CASE_SENSITIVE_MARK}" if case_sensitive else text
    return str(exercise.answer)


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
            kind = str(texts.KIND_NAMES[e.type.value])
            # A prompt may be a thousand characters: the list shows each one's beginning.
            line = texts.exercise_line(number, kind, clip(e.prompt, 80), answer_text(e))
            lines.append(fit(line, EXERCISE_LINE_ROOM))
    else:
        head.append(str(texts.NO_EXERCISES))
    return Screen(list_text(head, lines, [], learner_texts.and_more), _lesson_keyboard(lesson))


def _lesson_keyboard(lesson: LessonDetail) -> InlineKeyboardMarkup:
    kb = Keyboard()

    def action(label: object, what: LessonAction) -> None:
        kb.button(text=str(label), callback_data=LessonActionCb(lesson_id=lesson.id, action=what))

    action(texts.EDIT_TITLE, LessonAction.EDIT_TITLE)
    action(texts.EDIT_CONTENT, LessonAction.EDIT_CONTENT)
    action(texts.ADD_EXERCISE, LessonAction.ADD_EXERCISE)
    action(texts.PREVIEW, LessonAction.PREVIEW)
    if lesson.is_published:
        action(texts.UNPUBLISH_LESSON, LessonAction.UNPUBLISH)
    else:
        action(texts.PUBLISH_LESSON, LessonAction.PUBLISH)
    rows = [2, 2, 1]
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


def prompt_screen(text: str, *, skip: bool = False, default: int | None = None) -> Screen:
    """A dialog step's question with its way out (and Skip or the default where it has one)."""
    kb = Keyboard()
    if skip:
        kb.button(text=str(texts.SKIP), callback_data=DialogCb(action=DialogAction.SKIP))
    if default is not None:
        kb.button(
            text=texts.use_default(default), callback_data=DialogCb(action=DialogAction.DEFAULT)
        )
    kb.button(text=str(texts.CANCEL), callback_data=DialogCb(action=DialogAction.CANCEL))
    kb.adjust(1)
    return Screen(text, kb.as_markup())


def pick_screen(text: str, labels: list[str]) -> Screen:
    kb = Keyboard()
    for index, label in enumerate(labels):
        kb.button(text=label, callback_data=PickCb(index=index))
    kb.button(text=str(texts.CANCEL), callback_data=DialogCb(action=DialogAction.CANCEL))
    kb.adjust(1)
    return Screen(text, kb.as_markup())


def problem_text(error: BadValue) -> str:
    d = error.details
    match error.problem:
        case Problem.EMPTY:
            return str(texts.EMPTY)
        case Problem.TOO_LONG:
            return texts.too_long(d["maximum"])
        case Problem.SLUG_SHAPE:
            return str(texts.SLUG_SHAPE)
        case Problem.SLUG_TAKEN:
            return texts.slug_taken(d["slug"])
        case Problem.UNCLOSED_FENCE:
            return texts.unclosed_fence(d["line"])
        case Problem.NOT_IN_RANGE:
            return texts.not_in_range(d["minimum"], d["maximum"])
        case Problem.TOO_FEW_OPTIONS | Problem.TOO_MANY_OPTIONS:
            return texts.options_count(d["minimum"], d["maximum"])
        case Problem.DUPLICATE_OPTION:
            return texts.duplicate_option(d["option"])


def _inert(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same buttons, each pressing the preview's no-op instead of a learner's action."""
    if markup is None:
        return None
    data = PreviewCb().pack()
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b.text, callback_data=data) for b in row]
            for row in markup.inline_keyboard
        ]
    )


def preview_screens(preview: LessonPreview) -> list[Screen]:
    """The header, each page of the lesson and each question, as the learner's views draw them,
    with buttons that record nothing; then the way back."""
    view = preview.view
    screens = [Screen(str(texts.PREVIEW_HEADER))]
    pages = lesson_pages(view.id, view.content)
    for page in range(len(pages)):
        screen = learner_lesson_screen(view, page)
        screens.append(Screen(screen.text, _inert(screen.markup)))
    for question in preview.questions:
        screen = question_screen(question)
        screens.append(Screen(screen.text, _inert(screen.markup)))
    kb = Keyboard()
    kb.button(text=str(texts.BACK_TO_LESSON), callback_data=AuthorLessonCb(lesson_id=view.id))
    screens.append(Screen(str(texts.PREVIEW_END), kb.as_markup()))
    return screens


def gone_screen() -> Screen:
    kb = Keyboard()
    kb.button(
        text=str(texts.BACK_TO_MODULES), callback_data=AdminMenuCb(section=AdminSection.COURSE)
    )
    return Screen(str(texts.GONE), kb.as_markup())
