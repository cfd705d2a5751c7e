"""Browsing modules and lessons, reading pages, Continue, Mark as done, Reset."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DoneCb, LessonCb, MenuAction, MenuCb, ModuleCb, ResetCb
from bot.handlers.common import gone, show, show_lesson
from bot.keyboards import course as course_kb
from bot.keyboards.menu import back_to_menu, main_menu
from bot.locales import en
from bot.services import lessons
from bot.services.learners import Learner
from bot.services.lessons import MarkDone
from db.enums import ProgressStatus


async def courses(event: Message | CallbackQuery, session: AsyncSession, learner: Learner) -> None:
    rows = await lessons.list_modules(session, learner.id)
    if not rows:
        await show(event, en.NO_COURSES, back_to_menu())
        return
    lines = ["📚 <b>Courses</b>", ""]
    lines += [en.module_progress(r.title, r.lessons_completed, r.lessons_total) for r in rows]
    await show(event, "\n".join(lines), course_kb.modules(rows))


async def continue_(
    event: Message | CallbackQuery, session: AsyncSession, learner: Learner
) -> None:
    lesson_id = await lessons.continue_lesson_id(session, learner.id)
    view = await lessons.open_lesson(session, learner.id, lesson_id) if lesson_id else None
    if view is not None:
        await show_lesson(event, view)
        return
    has_courses = bool(await lessons.list_modules(session, learner.id))
    await show(event, en.ALL_DONE if has_courses else en.NO_COURSES, main_menu())


async def module(
    callback: CallbackQuery,
    callback_data: ModuleCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    learner: Learner,
) -> None:
    if not await show_module(callback, session, learner, callback_data.module_id):
        await gone(callback, callback_answer, en.MODULE_UNAVAILABLE)


async def show_module(
    callback: CallbackQuery, session: AsyncSession, learner: Learner, module_id: int
) -> bool:
    view = await lessons.module_view(session, learner.id, module_id)
    if view is None:
        return False
    done = sum(1 for lesson in view.lessons if lesson.status is ProgressStatus.COMPLETED)
    lines = [f"📘 <b>{en.esc(view.title)}</b>"]
    if view.description:
        lines.append(en.esc(view.description))
    lines.append("")
    lines.append(
        f"{en.progress_bar(done, len(view.lessons))} {done}/{len(view.lessons)} lessons completed"
    )
    await show(callback, "\n".join(lines), course_kb.lessons(view))
    return True


async def lesson(
    callback: CallbackQuery,
    callback_data: LessonCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    learner: Learner,
) -> None:
    view = await lessons.open_lesson(session, learner.id, callback_data.lesson_id)
    if view is None:
        await gone(callback, callback_answer, en.LESSON_UNAVAILABLE)
        return
    await show_lesson(callback, view, callback_data.page)


async def mark_done(
    callback: CallbackQuery,
    callback_data: DoneCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    learner: Learner,
) -> None:
    result = await lessons.mark_done(session, learner.id, callback_data.lesson_id)
    if result.outcome is MarkDone.UNAVAILABLE:
        await gone(callback, callback_answer, en.LESSON_UNAVAILABLE)
        return
    if result.outcome is MarkDone.HAS_EXERCISES:
        callback_answer.text = en.BUTTON_NOT_UNDERSTOOD
        return
    if result.outcome is MarkDone.ALREADY_DONE:
        callback_answer.text = en.ALREADY_DONE
        return
    assert result.module_id is not None
    await show(
        callback,
        en.lesson_done(result.xp_gained),
        course_kb.after_lesson(
            callback_data.lesson_id, result.module_id, result.next_lesson_id, retry=False
        ),
    )


async def ask_reset(
    callback: CallbackQuery,
    callback_data: ResetCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    learner: Learner,
) -> None:
    brief = await lessons.lesson_brief(session, callback_data.lesson_id)
    if brief is None:
        await gone(callback, callback_answer, en.LESSON_UNAVAILABLE)
        return
    await show(callback, en.reset_question(brief.title), course_kb.confirm_reset(brief.id))


async def reset(
    callback: CallbackQuery,
    callback_data: ResetCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    learner: Learner,
) -> None:
    brief = await lessons.reset_lesson(session, learner.id, callback_data.lesson_id)
    if brief is None:
        await gone(callback, callback_answer, en.LESSON_UNAVAILABLE)
        return
    callback_answer.text = en.RESET_DONE
    await show_module(callback, session, learner, brief.module_id)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(courses, Command("courses"))
    router.callback_query.register(courses, MenuCb.filter(F.action == MenuAction.COURSES))
    router.message.register(continue_, Command("continue"))
    router.callback_query.register(continue_, MenuCb.filter(F.action == MenuAction.CONTINUE))
    router.callback_query.register(module, ModuleCb.filter())
    router.callback_query.register(lesson, LessonCb.filter())
    router.callback_query.register(mark_done, DoneCb.filter())
    router.callback_query.register(ask_reset, ResetCb.filter(~F.confirmed))
    router.callback_query.register(reset, ResetCb.filter(F.confirmed))
    return router
