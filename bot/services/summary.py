"""The learner's overview: per-module progress, completed lessons, average score, time, XP,
their streak and their review cards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import review, streaks
from bot.services.context import Context
from bot.services.localtime import local_date
from bot.services.review import ReviewFigures
from bot.services.unit_of_work import read_only
from db.repositories import course, standing
from db.repositories.course import ModuleRow
from db.repositories.standing import Streak


@dataclass(frozen=True, slots=True)
class ProgressSummary:
    modules: list[ModuleRow]
    lessons_completed: int
    lessons_total: int
    # Mean of the best scores of scored lessons; lessons without a score are left out.
    average_score: float | None
    time_spent_seconds: int
    xp: int
    # As it stands today in the learner's zone: days missed since are already counted against it.
    streak: Streak
    # Review cards: learned, due by the end of the learner's day, retention.
    review: ReviewFigures


@read_only
async def progress_summary(
    session: AsyncSession, ctx: Context, user_id: int, zone: tzinfo
) -> ProgressSummary:
    modules = await course.modules_with_progress(session, user_id)
    totals = await course.progress_totals(session, user_id)
    mine = await standing.standing(session, user_id)
    today = local_date(ctx.clock.now(), zone)
    return ProgressSummary(
        modules=modules,
        lessons_completed=sum(m.lessons_completed for m in modules),
        lessons_total=sum(m.lessons_total for m in modules),
        average_score=totals.average_score,
        time_spent_seconds=totals.time_spent_seconds,
        xp=mine.xp,
        streak=streaks.roll_over(mine.streak, today),
        review=await review.figures(session, ctx, user_id, zone),
    )
