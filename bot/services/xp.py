"""XP rules: a lesson pays `xp x score / 100` once; a better score later pays the difference."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import ActivityType
from db.repositories import activity

LESSON = "lesson"


def lesson_xp_for(lesson_xp: int, score: int | None) -> int:
    """A lesson without a score (no exercises) pays its full XP."""
    if score is None:
        return lesson_xp
    return (lesson_xp * score + 50) // 100


async def grant_lesson_xp(
    session: AsyncSession,
    *,
    user_id: int,
    lesson_id: int,
    lesson_xp: int,
    best_score: int | None,
    activity_type: ActivityType,
    details: dict[str, object] | None = None,
) -> int:
    """Add the ledger row the learner is owed for this lesson (if any); returns the XP granted.

    What was granted before stays in the ledger, so resetting and redoing a lesson earns nothing
    new unless the score beats every earlier one.
    """
    owed = lesson_xp_for(lesson_xp, best_score) - await activity.xp_granted_for(
        session, user_id, LESSON, lesson_id
    )
    gained = max(owed, 0)
    await activity.add(
        session,
        user_id,
        activity_type,
        entity_type=LESSON,
        entity_id=lesson_id,
        xp=gained,
        details=details,
    )
    return gained
