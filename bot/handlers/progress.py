"""My progress: per-module bars, lessons completed, average score, time spent, XP."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.learner import MenuAction, MenuCb
from bot.handlers.common import show
from bot.services import summary
from bot.services.context import Context
from bot.services.learners import Learner
from bot.views.progress import progress_screen


async def my_progress(
    event: Message | CallbackQuery, session: AsyncSession, learner: Learner, context: Context
) -> None:
    await show(
        event,
        progress_screen(await summary.progress_summary(session, context, learner.id, learner.zone)),
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(my_progress, Command("progress"))
    router.callback_query.register(my_progress, MenuCb.filter(F.action == MenuAction.PROGRESS))
    return router
