"""The learner's overview: per-module progress, completed lessons, average score, time, XP."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.unit_of_work import read_only
from db.repositories import activity, course
from db.repositories.course import ModuleRow


@dataclass(frozen=True, slots=True)
class ProgressSummary:
    modules: list[ModuleRow]
    lessons_completed: int
    lessons_total: int
    # Mean of the best scores of scored lessons; lessons without a score are left out.
    average_score: float | None
    time_spent_seconds: int
    xp: int


@read_only
async def progress_summary(session: AsyncSession, user_id: int) -> ProgressSummary:
    modules = await course.modules_with_progress(session, user_id)
    totals = await course.progress_totals(session, user_id)
    return ProgressSummary(
        modules=modules,
        lessons_completed=sum(m.lessons_completed for m in modules),
        lessons_total=sum(m.lessons_total for m in modules),
        average_score=totals.average_score,
        time_spent_seconds=totals.time_spent_seconds,
        xp=await activity.total_xp(session, user_id),
    )
