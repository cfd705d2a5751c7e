"""Leaderboard: the top of the weekly or all-time board and the learner's own place."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.learner import LeaderboardCb, MenuAction, MenuCb
from bot.handlers.common import show
from bot.services import leaderboard
from bot.services.context import Context
from bot.services.learners import Learner
from bot.views.leaderboard import leaderboard_screen
from db.enums import LeaderboardPeriod

# The week's race is the one a learner can still win; all-time is a press away.
FIRST_PERIOD = LeaderboardPeriod.WEEKLY


async def open_board(
    event: Message | CallbackQuery, session: AsyncSession, learner: Learner, context: Context
) -> None:
    await _show(event, session, learner, FIRST_PERIOD, context)


async def switch_period(
    callback: CallbackQuery,
    callback_data: LeaderboardCb,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    await _show(callback, session, learner, callback_data.period, context)


async def _show(
    event: Message | CallbackQuery,
    session: AsyncSession,
    learner: Learner,
    period: LeaderboardPeriod,
    context: Context,
) -> None:
    await show(
        event, leaderboard_screen(await leaderboard.board(session, context, learner.id, period))
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(open_board, Command("leaderboard"))
    router.callback_query.register(open_board, MenuCb.filter(F.action == MenuAction.LEADERBOARD))
    router.callback_query.register(switch_period, LeaderboardCb.filter())
    return router
