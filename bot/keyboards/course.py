from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import DoneCb, LessonCb, MenuAction, MenuCb, ModuleCb, ResetCb, RunCb
from bot.locales import en
from bot.services.lessons import LessonView, ModuleView
from db.enums import ProgressStatus
from db.repositories.course import ModuleRow


def modules(rows: list[ModuleRow]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for row in rows:
        pct = en.percent(row.lessons_completed, row.lessons_total)
        kb.button(text=f"{row.title} · {pct}%", callback_data=ModuleCb(module_id=row.id))
    kb.button(text=en.BACK_TO_MENU, callback_data=MenuCb(action=MenuAction.HOME))
    kb.adjust(1)
    return kb.as_markup()


def lessons(view: ModuleView) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for number, lesson in enumerate(view.lessons, start=1):
        mark = en.status_mark(lesson.status, lesson.score)
        kb.button(
            text=f"{mark} {number}. {lesson.title}", callback_data=LessonCb(lesson_id=lesson.id)
        )
    kb.button(text=en.BACK_TO_COURSES, callback_data=MenuCb(action=MenuAction.COURSES))
    kb.adjust(1)
    return kb.as_markup()


def lesson_page(view: LessonView, page: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    last = len(view.pages) - 1
    paging = []
    if page > 0:
        kb.button(text=en.PREVIOUS, callback_data=LessonCb(lesson_id=view.id, page=page - 1))
        paging.append(1)
    if page < last:
        kb.button(text=en.NEXT, callback_data=LessonCb(lesson_id=view.id, page=page + 1))
        paging.append(1)
    rows = [len(paging)] if paging else []
    if page == last:
        if view.exercise_count:
            label = en.RESUME_EXERCISES if view.run_open else en.START_EXERCISES
            kb.button(text=label, callback_data=RunCb(lesson_id=view.id))
            rows.append(1)
        elif view.status is not ProgressStatus.COMPLETED:
            kb.button(text=en.MARK_DONE, callback_data=DoneCb(lesson_id=view.id))
            rows.append(1)
    if view.status is not ProgressStatus.NOT_STARTED:
        kb.button(text=en.RESET, callback_data=ResetCb(lesson_id=view.id))
        rows.append(1)
    kb.button(text=en.BACK_TO_MODULE, callback_data=ModuleCb(module_id=view.module_id))
    kb.button(text=en.BACK_TO_MENU, callback_data=MenuCb(action=MenuAction.HOME))
    rows.append(2)
    kb.adjust(*rows)
    return kb.as_markup()


def confirm_reset(lesson_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=en.RESET_CONFIRM, callback_data=ResetCb(lesson_id=lesson_id, confirmed=True))
    kb.button(text=en.RESET_CANCEL, callback_data=LessonCb(lesson_id=lesson_id))
    kb.adjust(2)
    return kb.as_markup()


def after_lesson(
    lesson_id: int, module_id: int, next_lesson_id: int | None, *, retry: bool
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if retry:
        kb.button(text=en.TRY_AGAIN, callback_data=RunCb(lesson_id=lesson_id))
    if next_lesson_id is not None:
        kb.button(text=en.NEXT_LESSON, callback_data=LessonCb(lesson_id=next_lesson_id))
    kb.button(text=en.BACK_TO_MODULE, callback_data=ModuleCb(module_id=module_id))
    kb.adjust(1)
    return kb.as_markup()
