"""Browsing modules and lessons, reading pages, Continue, Mark as done, Reset."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot import texts
from bot.callbacks.learner import DoneCb, LessonCb, MenuAction, MenuCb, ModuleCb, ResetCb
from bot.handlers.common import show
from bot.services import lessons
from bot.services.context import Context
from bot.services.learners import Learner
from bot.services.lessons import NothingLeft
from bot.views.course import (
    confirm_reset_screen,
    courses_screen,
    lesson_done_screen,
    lesson_screen,
    module_screen,
)
from bot.views.menu import with_menu

NOTHING_LEFT = {NothingLeft.ALL_DONE: texts.ALL_DONE, NothingLeft.NO_COURSES: texts.NO_COURSES}


async def courses(event: Message | CallbackQuery, session: AsyncSession, learner: Learner) -> None:
    await show(event, courses_screen(await lessons.list_modules(session, learner.id)))


async def continue_(
    event: Message | CallbackQuery, session: AsyncSession, learner: Learner, context: Context
) -> None:
    found = await lessons.continue_lesson(session, context, learner.id)
    if isinstance(found, NothingLeft):
        await show(event, with_menu(str(NOTHING_LEFT[found])))
        return
    await show(event, lesson_screen(found))


async def module(
    callback: CallbackQuery, callback_data: ModuleCb, session: AsyncSession, learner: Learner
) -> None:
    view = await lessons.module_view(session, learner.id, callback_data.module_id)
    await show(callback, module_screen(view))


async def lesson(
    callback: CallbackQuery,
    callback_data: LessonCb,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    view = await lessons.open_lesson(session, context, learner.id, callback_data.lesson_id)
    await show(callback, lesson_screen(view, callback_data.page))


async def mark_done(
    callback: CallbackQuery,
    callback_data: DoneCb,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    done = await lessons.mark_done(
        session, context, learner.id, callback_data.lesson_id, zone=learner.zone
    )
    await show(callback, lesson_done_screen(done))


async def ask_reset(
    callback: CallbackQuery, callback_data: ResetCb, session: AsyncSession, context: Context
) -> None:
    brief = await lessons.lesson_brief(session, context, callback_data.lesson_id)
    await show(callback, confirm_reset_screen(brief))


async def reset(
    callback: CallbackQuery,
    callback_data: ResetCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    brief = await lessons.reset_lesson(session, context, learner.id, callback_data.lesson_id)
    view = await lessons.module_view(session, learner.id, brief.module_id)
    callback_answer.text = str(texts.RESET_DONE)
    await show(callback, module_screen(view))


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
