"""Achievements: what the learner earned, with dates, and what is next, with progress."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.learner import MenuAction, MenuCb
from bot.handlers.common import show
from bot.services import achievements
from bot.services.context import Context
from bot.services.learners import Learner
from bot.views.achievements import achievements_screen


async def my_achievements(
    event: Message | CallbackQuery, session: AsyncSession, learner: Learner, context: Context
) -> None:
    view = await achievements.achievements_view(session, context, learner.id, learner.zone)
    await show(event, achievements_screen(view))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(my_achievements, Command("achievements"))
    router.callback_query.register(
        my_achievements, MenuCb.filter(F.action == MenuAction.ACHIEVEMENTS)
    )
    return router
