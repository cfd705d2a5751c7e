"""The one home of what a learner's activity changes: starting a lesson, solving an exercise,
completing a lesson. Each runs inside the caller's unit of work and returns its effects.

The motivation features (achievements, streaks) hook in here, so every way of completing a
lesson or solving an exercise earns them alike, and the views announce them in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.xp import LESSON, grant_lesson_xp
from db import clock
from db.enums import ActivityType, ProgressStatus
from db.models import Exercise, Lesson, UserProgress
from db.repositories import activity, progress

# Time between two actions beyond this counts as a break, not as study time.
IDLE_CAP_SECONDS = 300

EXERCISE = "exercise"


@dataclass(frozen=True, slots=True)
class Effects:
    """What an activity changed for the learner, beyond the screen that answers it."""

    xp_gained: int = 0
    lesson_completed: bool = False
    module_completed: bool = False


NO_EFFECTS = Effects()


def track_time(row: UserProgress, now: datetime) -> None:
    """Add the time since the learner's last action on this lesson, breaks capped."""
    if row.last_accessed_at is not None:
        gap = int((now - row.last_accessed_at).total_seconds())
        row.time_spent_seconds += min(max(gap, 0), IDLE_CAP_SECONDS)
    row.last_accessed_at = now


async def touch_lesson(session: AsyncSession, row: UserProgress, lesson: Lesson) -> bool:
    """The learner acts on the lesson: count the time, and start it if it was not started.
    True when this call started it."""
    now = clock.now(session)
    track_time(row, now)
    if row.status is not ProgressStatus.NOT_STARTED:
        return False
    row.status = ProgressStatus.IN_PROGRESS
    row.started_at = now
    await activity.add(
        session, row.user_id, ActivityType.LESSON_STARTED, entity_type=LESSON, entity_id=lesson.id
    )
    await session.flush()
    await progress.refresh_module_progress(session, row.user_id, lesson.module_id)
    return True


async def record_answer(
    session: AsyncSession, row: UserProgress, exercise: Exercise, run: int, correct: bool
) -> None:
    """Log an accepted answer to one exercise of a run (the attempt row itself is the caller's:
    its unique key decides whether the answer counts at all)."""
    await activity.add(
        session,
        row.user_id,
        ActivityType.CHALLENGE_ATTEMPTED,
        entity_type=EXERCISE,
        entity_id=exercise.id,
        details={"run": run, "correct": correct},
    )
    if correct:
        await activity.add(
            session,
            row.user_id,
            ActivityType.CHALLENGE_SOLVED,
            entity_type=EXERCISE,
            entity_id=exercise.id,
        )
    track_time(row, clock.now(session))


async def complete_lesson(
    session: AsyncSession,
    row: UserProgress,
    lesson: Lesson,
    *,
    score: int | None,
    passed: bool,
    details: dict[str, object] | None = None,
) -> Effects:
    """A finished run (with its score) or a reading-only lesson marked done (score None).

    Keeps the best score; completes the lesson when `passed`; grants the XP owed, once: a
    first completion pays `xp x best/100`, a later better score the difference.
    """
    previous_best = row.score
    if score is not None and (previous_best is None or score > previous_best):
        row.score = score
    newly_completed = passed and row.status is not ProgressStatus.COMPLETED
    if not newly_completed and not (passed and row.score != previous_best):
        return NO_EFFECTS
    if newly_completed:
        now = clock.now(session)
        if row.started_at is None:
            row.started_at = now
        row.status = ProgressStatus.COMPLETED
        row.completed_at = now
    xp_gained = await grant_lesson_xp(
        session,
        user_id=row.user_id,
        lesson_id=lesson.id,
        lesson_xp=lesson.xp,
        best_score=row.score,
        activity_type=(
            ActivityType.LESSON_COMPLETED if newly_completed else ActivityType.SCORE_IMPROVED
        ),
        details=details,
    )
    module_completed = False
    if newly_completed:
        await session.flush()
        module_completed = await progress.refresh_module_progress(
            session, row.user_id, lesson.module_id
        )
    return Effects(
        xp_gained=xp_gained, lesson_completed=newly_completed, module_completed=module_completed
    )
