"""A lesson's preview: the lesson as a learner gets it, its answer buttons graded and explained,
nothing recorded."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.admin import LessonAction, LessonActionCb, PreviewCb
from bot.handlers.admin.authoring.dialog import send
from bot.services.authoring import preview
from bot.texts import authoring as texts
from bot.views.admin.authoring.preview import preview_answer_text, preview_screens
from bot.views.screen import Screen


async def show_preview(
    callback: CallbackQuery, callback_data: LessonActionCb, bot: Bot, session: AsyncSession
) -> None:
    found = await preview.preview_lesson(session, callback_data.lesson_id)
    for screen in preview_screens(found):
        await send(callback, bot, screen)


async def pressed(
    callback: CallbackQuery,
    callback_data: PreviewCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    session: AsyncSession,
) -> None:
    if callback_data.exercise_id is None or callback_data.option is None:
        callback_answer.text = str(texts.PREVIEW_PRESSED)
        return
    answer = await preview.try_answer(session, callback_data.exercise_id, callback_data.option)
    callback_answer.text = str(texts.PREVIEW_NOT_RECORDED)
    await send(callback, bot, Screen(preview_answer_text(answer)))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(
        show_preview, LessonActionCb.filter(F.action == LessonAction.PREVIEW)
    )
    router.callback_query.register(pressed, PreviewCb.filter())
    return router
