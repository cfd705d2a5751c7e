"""A learner prepared to stand just short of an achievement: rows written directly, as if they
had learned for weeks (in a module learners cannot see, so the course on screen is unchanged)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.enums import ActivityType, ExerciseType, ProgressStatus
from db.models import (
    Achievement,
    ActivityLog,
    Exercise,
    ExerciseAttempt,
    Lesson,
    Module,
    User,
    UserAchievement,
    UserProgress,
)
from tests.support.factories import insert_row
from tests.support.rows import rows

TELEGRAM_ID = 1000  # make_chat's learner


async def prepare_learner(
    engine: AsyncEngine, telegram_id: int = TELEGRAM_ID, **columns: Any
) -> int:
    """The learner's users row before their first update (a timezone, a streak...)."""
    async with engine.begin() as conn:
        return await insert_row(conn, User, telegram_id=telegram_id, **columns)


async def _hidden_lessons(
    engine: AsyncEngine, lessons: int, exercises: int
) -> list[tuple[int, list[int]]]:
    """Unpublished lessons, each with `exercises` exercises: (lesson id, exercise ids)."""
    slug = f"past-{uuid.uuid4().hex[:8]}"
    made: list[tuple[int, list[int]]] = []
    async with engine.begin() as conn:
        module_id = await insert_row(conn, Module, slug=slug, title=slug)
        for n in range(lessons):
            lesson_id = await insert_row(
                conn, Lesson, module_id=module_id, slug=f"l{n}", title=f"L{n}", order=n
            )
            exercise_ids = [
                await insert_row(
                    conn,
                    Exercise,
                    lesson_id=lesson_id,
                    order=e,
                    type=ExerciseType.TRUE_FALSE,
                    prompt="?",
                    answer=True,
                )
                for e in range(exercises)
            ]
            made.append((lesson_id, exercise_ids))
    return made


async def prepare_completed_lessons(engine: AsyncEngine, user_id: int, n: int) -> None:
    lessons = await _hidden_lessons(engine, n, 0)
    async with engine.begin() as conn:
        for lesson_id, _ in lessons:
            await insert_row(
                conn,
                UserProgress,
                user_id=user_id,
                lesson_id=lesson_id,
                status=ProgressStatus.COMPLETED,
            )


async def prepare_solved_exercises(engine: AsyncEngine, user_id: int, n: int) -> None:
    [(lesson_id, exercise_ids)] = await _hidden_lessons(engine, 1, n)
    async with engine.begin() as conn:
        for exercise_id in exercise_ids:
            await insert_row(
                conn,
                ExerciseAttempt,
                user_id=user_id,
                lesson_id=lesson_id,
                exercise_id=exercise_id,
                run=1,
                answer="True",
                is_correct=True,
                points_earned=1,
            )


async def prepare_xp(engine: AsyncEngine, user_id: int, xp: int) -> None:
    async with engine.begin() as conn:
        await insert_row(
            conn, ActivityLog, user_id=user_id, activity_type=ActivityType.LESSON_COMPLETED, xp=xp
        )


async def held_codes(sessionmaker: async_sessionmaker[AsyncSession]) -> list[str]:
    """The codes of the achievements learners hold, in the order they were awarded."""
    codes = {a.id: a.code for a in await rows(sessionmaker, Achievement)}
    return [codes[h.achievement_id] for h in await rows(sessionmaker, UserAchievement)]
