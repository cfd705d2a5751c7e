"""Courses, a module's lessons, a lesson's pages, and what follows a lesson."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot import texts
from bot.callbacks.learner import DoneCb, LessonCb, MenuAction, MenuCb, ModuleCb, ResetCb, RunCb
from bot.services.lessons import LessonBrief, LessonDone, LessonView, ModuleView
from bot.views.effects import effects_lines
from bot.views.keyboard import Keyboard
from bot.views.menu import back_to_menu
from bot.views.pages import lesson_pages
from bot.views.screen import Screen
from bot.views.telegram_length import MESSAGE_LIMIT, clip, fit, html_length, list_text
from db.enums import ProgressStatus
from db.repositories.course import ModuleRow


def courses_screen(rows: list[ModuleRow]) -> Screen:
    if not rows:
        return Screen(str(texts.NO_COURSES), back_to_menu())
    lines = [texts.module_progress(r.title, r.lessons_completed, r.lessons_total) for r in rows]
    text = list_text([str(texts.COURSES_TITLE), ""], lines, [], texts.and_more)
    kb = Keyboard()
    for row in rows:
        kb.button(
            text=texts.module_button(
                row.title, texts.percent(row.lessons_completed, row.lessons_total)
            ),
            callback_data=ModuleCb(module_id=row.id),
        )
    kb.button(text=str(texts.BACK_TO_MENU), callback_data=MenuCb(action=MenuAction.HOME))
    kb.adjust(1)
    return Screen(text, kb.as_markup())


def module_screen(view: ModuleView) -> Screen:
    done, total = view.lessons_completed, len(view.lessons)
    bar = texts.lessons_completed_bar(texts.progress_bar(done, total), done, total)
    # The course file keeps a title and description well inside a message; SQL may not.
    heading = fit(texts.module_heading(view.title), MESSAGE_LIMIT // 4)
    lines = [heading]
    if view.description:
        room = MESSAGE_LIMIT - html_length(f"{heading}\n\n\n{bar}")
        lines.append(fit(texts.esc(view.description), room))
    lines += ["", bar]
    kb = Keyboard()
    for number, lesson in enumerate(view.lessons, start=1):
        kb.button(
            text=texts.lesson_button(
                texts.status_mark(lesson.status, lesson.score), number, lesson.title
            ),
            callback_data=LessonCb(lesson_id=lesson.id),
        )
    kb.button(text=str(texts.BACK_TO_COURSES), callback_data=MenuCb(action=MenuAction.COURSES))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())


def lesson_screen(view: LessonView, page: int = 0) -> Screen:
    """One page of the lesson; a page number out of range shows the nearest page."""
    pages = lesson_pages(view.id, view.content)
    page = min(max(page, 0), len(pages) - 1)
    details = []
    if view.estimated_minutes:
        details.append(texts.minutes(view.estimated_minutes))
    if view.exercise_count:
        details.append(texts.exercise_count(view.exercise_count))
    details.append(texts.lesson_xp(view.xp))
    if len(pages) > 1:
        details.append(texts.page_of(page + 1, len(pages)))
    below = f"\n<i>{' · '.join(details)}</i>\n\n{pages[page]}".rstrip()
    # A page leaves room for any title the course file accepts; a longer one (written in SQL)
    # is cut so that the page still goes out.
    room = MESSAGE_LIMIT - html_length(below) - html_length(texts.lesson_heading(""))
    text = texts.lesson_heading(clip(view.title, room)) + below
    return Screen(text, _lesson_keyboard(view, page, len(pages)))


def _lesson_keyboard(view: LessonView, page: int, pages: int) -> InlineKeyboardMarkup:
    kb = Keyboard()
    last = pages - 1
    paging = []
    if page > 0:
        kb.button(
            text=str(texts.PREVIOUS), callback_data=LessonCb(lesson_id=view.id, page=page - 1)
        )
        paging.append(1)
    if page < last:
        kb.button(text=str(texts.NEXT), callback_data=LessonCb(lesson_id=view.id, page=page + 1))
        paging.append(1)
    rows = [len(paging)] if paging else []
    if page == last:
        if view.exercise_count:
            label = str(texts.RESUME_EXERCISES) if view.run_open else str(texts.START_EXERCISES)
            kb.button(text=label, callback_data=RunCb(lesson_id=view.id))
            rows.append(1)
        elif view.status is not ProgressStatus.COMPLETED:
            kb.button(text=str(texts.MARK_DONE), callback_data=DoneCb(lesson_id=view.id))
            rows.append(1)
    if has_progress(view):
        kb.button(text=str(texts.RESET), callback_data=ResetCb(lesson_id=view.id))
        rows.append(1)
    kb.button(text=str(texts.BACK_TO_MODULE), callback_data=ModuleCb(module_id=view.module_id))
    kb.button(text=str(texts.BACK_TO_MENU), callback_data=MenuCb(action=MenuAction.HOME))
    rows.append(2)
    kb.adjust(*rows)
    return kb.as_markup()


def has_progress(view: LessonView) -> bool:
    """Something a reset would take back: a run (finished or open) or a completion. Opening
    a lesson only starts it, and a learner who has just opened it has nothing to reset."""
    return view.attempts > 0 or view.status is ProgressStatus.COMPLETED


def confirm_reset_screen(brief: LessonBrief) -> Screen:
    kb = Keyboard()
    kb.button(
        text=str(texts.RESET_CONFIRM), callback_data=ResetCb(lesson_id=brief.id, confirmed=True)
    )
    kb.button(text=str(texts.RESET_CANCEL), callback_data=LessonCb(lesson_id=brief.id))
    kb.adjust(2)
    return Screen(texts.reset_question(brief.title), kb.as_markup())


def lesson_done_screen(done: LessonDone) -> Screen:
    text = "\n".join([str(texts.LESSON_COMPLETED), *effects_lines(done.effects)])
    return Screen(
        text,
        after_lesson(
            done.lesson_id,
            done.module_id,
            done.next_lesson_id,
            retry=False,
            course_completed=done.effects.course_completed,
        ),
    )


def after_lesson(
    lesson_id: int,
    module_id: int,
    next_lesson_id: int | None,
    *,
    retry: bool,
    read_again: bool = False,
    course_completed: bool = False,
) -> InlineKeyboardMarkup:
    """`read_again` after a failed run: the lesson's first page, to learn before retrying, and
    the review of the questions just missed (their cards are due at once).
    At the course's end (its last lesson, or every lesson completed) the way on is the menu,
    and the leaderboard once the course is finished."""
    kb = Keyboard()
    if read_again:
        kb.button(text=str(texts.READ_AGAIN), callback_data=LessonCb(lesson_id=lesson_id))
    if retry:
        kb.button(text=str(texts.TRY_AGAIN), callback_data=RunCb(lesson_id=lesson_id))
    if read_again:
        kb.button(text=str(texts.REVIEW_MISTAKES), callback_data=MenuCb(action=MenuAction.REVIEW))
    if next_lesson_id is not None:
        kb.button(text=str(texts.NEXT_LESSON), callback_data=LessonCb(lesson_id=next_lesson_id))
    kb.button(text=str(texts.BACK_TO_MODULE), callback_data=ModuleCb(module_id=module_id))
    if course_completed:
        kb.button(
            text=str(texts.MENU_LEADERBOARD), callback_data=MenuCb(action=MenuAction.LEADERBOARD)
        )
    if course_completed or next_lesson_id is None:
        kb.button(text=str(texts.BACK_TO_MENU), callback_data=MenuCb(action=MenuAction.HOME))
    kb.adjust(1)
    return kb.as_markup()
