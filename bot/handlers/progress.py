"""My progress: per-module bars, lessons completed, average score, time spent, XP."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import MenuAction, MenuCb
from bot.handlers.common import show
from bot.keyboards.menu import back_to_menu
from bot.locales import en
from bot.services import progress
from bot.services.learners import Learner


async def my_progress(
    event: Message | CallbackQuery, session: AsyncSession, learner: Learner
) -> None:
    s = await progress.summary(session, learner.id)
    lines = ["📊 <b>My progress</b>", ""]
    lines += [en.module_progress(m.title, m.lessons_completed, m.lessons_total) for m in s.modules]
    if s.modules:
        lines.append("")
    average = f"{s.average_score:.0f}%" if s.average_score is not None else "no scores yet"
    lines += [
        f"✅ Lessons completed: <b>{s.lessons_completed}</b> of {s.lessons_total}",
        f"🎯 Average score: <b>{average}</b>",
        f"⏱ Time spent: <b>{en.duration(s.time_spent_seconds)}</b>",
        f"⭐ XP: <b>{s.xp}</b>",
    ]
    await show(event, "\n".join(lines), back_to_menu())


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(my_progress, Command("progress"))
    router.callback_query.register(my_progress, MenuCb.filter(F.action == MenuAction.PROGRESS))
    return router
