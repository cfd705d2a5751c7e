"""/stats and the admin menu's Statistics: the course's figures as text, then the per-lesson
funnel as a chart."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.admin import AdminMenuCb, AdminSection
from bot.services import analytics
from bot.services.context import Context
from bot.views.admin.menu import back_to_admin
from bot.views.admin.stats import stats_report
from bot.views.charts import funnel_png

log = logging.getLogger(__name__)


async def show_stats(
    event: Message | CallbackQuery, session: AsyncSession, bot: Bot, context: Context
) -> None:
    stats = await analytics.course_stats(session, context)
    report = stats_report(stats)
    chat_id = event.from_user.id if event.from_user else None
    assert chat_id is not None
    last = len(report.messages) - 1
    for n, text in enumerate(report.messages):
        # The way back goes under whatever comes last: the chart, or the last text.
        markup = back_to_admin() if n == last and report.chart is None else None
        await bot.send_message(chat_id, text, reply_markup=markup)
    if report.chart is None:
        return
    chart = report.chart
    # Drawing takes CPU time the event loop would otherwise spend answering other learners.
    png = await asyncio.to_thread(funnel_png, chart.bars, chart.labels)
    await bot.send_photo(
        chat_id,
        BufferedInputFile(png, "stats.png"),
        caption=chart.caption,
        reply_markup=back_to_admin(),
    )
    log.info("stats sent to %s: %d lessons, %d bytes of chart", chat_id, len(chart.bars), len(png))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_stats, Command("stats"))
    router.callback_query.register(show_stats, AdminMenuCb.filter(F.section == AdminSection.STATS))
    return router
