"""Courses, a module's lessons, a lesson's pages, and what follows a lesson."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import DoneCb, LessonCb, MenuAction, MenuCb, ModuleCb, ResetCb, RunCb
from bot.locales import en
from bot.services.lessons import LessonBrief, LessonDone, LessonView, ModuleView
from bot.views.effects import effects_lines
from bot.views.menu import back_to_menu
from bot.views.pages import lesson_pages
from bot.views.screen import Screen
from db.enums import ProgressStatus
from db.repositories.course import ModuleRow


def courses_screen(rows: list[ModuleRow]) -> Screen:
    if not rows:
        return Screen(en.NO_COURSES, back_to_menu())
    lines = [en.COURSES_TITLE, ""]
    lines += [en.module_progress(r.title, r.lessons_completed, r.lessons_total) for r in rows]
    kb = InlineKeyboardBuilder()
    for row in rows:
        kb.button(
            text=en.module_button(row.title, en.percent(row.lessons_completed, row.lessons_total)),
            callback_data=ModuleCb(module_id=row.id),
        )
    kb.button(text=en.BACK_TO_MENU, callback_data=MenuCb(action=MenuAction.HOME))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())


def module_screen(view: ModuleView) -> Screen:
    done, total = view.lessons_completed, len(view.lessons)
    lines = [en.module_heading(view.title)]
    if view.description:
        lines.append(en.esc(view.description))
    lines.append("")
    lines.append(en.lessons_completed_bar(en.progress_bar(done, total), done, total))
    kb = InlineKeyboardBuilder()
    for number, lesson in enumerate(view.lessons, start=1):
        kb.button(
            text=en.lesson_button(
                en.status_mark(lesson.status, lesson.score), number, lesson.title
            ),
            callback_data=LessonCb(lesson_id=lesson.id),
        )
    kb.button(text=en.BACK_TO_COURSES, callback_data=MenuCb(action=MenuAction.COURSES))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())


def lesson_screen(view: LessonView, page: int = 0) -> Screen:
    """One page of the lesson; a page number out of range shows the nearest page."""
    pages = lesson_pages(view.id, view.version, view.content)
    page = min(max(page, 0), len(pages) - 1)
    details = []
    if view.estimated_minutes:
        details.append(en.minutes(view.estimated_minutes))
    if view.exercise_count:
        details.append(en.exercise_count(view.exercise_count))
    details.append(en.lesson_xp(view.xp))
    if len(pages) > 1:
        details.append(en.page_of(page + 1, len(pages)))
    text = f"{en.lesson_heading(view.title)}\n<i>{' · '.join(details)}</i>\n\n{pages[page]}"
    return Screen(text.rstrip(), _lesson_keyboard(view, page, len(pages)))


def _lesson_keyboard(view: LessonView, page: int, pages: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    last = pages - 1
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


def confirm_reset_screen(brief: LessonBrief) -> Screen:
    kb = InlineKeyboardBuilder()
    kb.button(text=en.RESET_CONFIRM, callback_data=ResetCb(lesson_id=brief.id, confirmed=True))
    kb.button(text=en.RESET_CANCEL, callback_data=LessonCb(lesson_id=brief.id))
    kb.adjust(2)
    return Screen(en.reset_question(brief.title), kb.as_markup())


def lesson_done_screen(done: LessonDone) -> Screen:
    text = "\n".join([en.LESSON_COMPLETED, *effects_lines(done.effects)])
    return Screen(
        text, after_lesson(done.lesson_id, done.module_id, done.next_lesson_id, retry=False)
    )


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
