from __future__ import annotations

from typing import cast

from sqlalchemy import CursorResult, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import clock
from db.enums import ProgressStatus
from db.models import ExerciseAttempt, Lesson, ModuleProgress, User, UserProgress
from db.repositories._dialect import insert_ignore, upsert


async def get_or_create(
    session: AsyncSession, user_id: int, lesson_id: int, *, for_update: bool = False
) -> UserProgress:
    """The learner's row for the lesson, created NOT_STARTED if missing.

    One INSERT that ignores the unique (user_id, lesson_id) key, then a read: concurrent callers
    all get the same single row and none of them sees an error.
    """
    now = clock.now(session)
    await session.execute(
        insert_ignore(
            session,
            UserProgress,
            {
                "user_id": user_id,
                "lesson_id": lesson_id,
                "status": ProgressStatus.NOT_STARTED.value,
                "attempts": 0,
                "time_spent_seconds": 0,
                "created_at": now,
                "updated_at": now,
            },
        )
    )
    progress = await get(session, user_id, lesson_id, for_update=for_update)
    if progress is None:
        raise LookupError(f"no progress row for user {user_id}, lesson {lesson_id}")
    return progress


async def get(
    session: AsyncSession, user_id: int, lesson_id: int, *, for_update: bool = False
) -> UserProgress | None:
    stmt = (
        select(UserProgress)
        .where(UserProgress.user_id == user_id, UserProgress.lesson_id == lesson_id)
        .execution_options(populate_existing=True)
    )
    if for_update:
        stmt = stmt.with_for_update()
    result: UserProgress | None = await session.scalar(stmt)
    return result


async def lock_learner(session: AsyncSession, user_id: int) -> None:
    """Serialise one learner's progress writes (two devices, double taps, two bot instances):
    the row lock lasts until the transaction ends. SQLite's BEGIN IMMEDIATE already serialises."""
    await session.execute(select(User.id).where(User.id == user_id).with_for_update())


async def refresh_module_progress(session: AsyncSession, user_id: int, module_id: int) -> bool:
    """Recount the learner's completed published lessons in the module and store the result;
    True when this made the module completed."""
    visible = (
        select(Lesson.id)
        .where(
            Lesson.module_id == module_id,
            Lesson.is_published.is_(True),
            Lesson.deleted_at.is_(None),
        )
        .subquery()
    )
    completed = case((UserProgress.status == ProgressStatus.COMPLETED, 1), else_=0)
    touched = case((UserProgress.status != ProgressStatus.NOT_STARTED, 1), else_=0)
    row = (
        await session.execute(
            select(
                func.count(visible.c.id),
                func.coalesce(func.sum(completed), 0),
                func.coalesce(func.sum(touched), 0),
            ).select_from(
                visible.outerjoin(
                    UserProgress,
                    (UserProgress.lesson_id == visible.c.id) & (UserProgress.user_id == user_id),
                )
            )
        )
    ).one()
    total, done, started = int(row[0]), int(row[1]), int(row[2])
    if total and done >= total:
        status = ProgressStatus.COMPLETED
    elif started:
        status = ProgressStatus.IN_PROGRESS
    else:
        status = ProgressStatus.NOT_STARTED
    now = clock.now(session)
    current = await session.scalar(
        select(ModuleProgress)
        .where(ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id)
        .execution_options(populate_existing=True)
    )
    started_at = (current.started_at if current else None) or (now if started else None)
    if status is ProgressStatus.COMPLETED:
        completed_at = (current.completed_at if current else None) or now
    else:
        completed_at = None
    await session.execute(
        upsert(
            session,
            ModuleProgress,
            {
                "user_id": user_id,
                "module_id": module_id,
                "status": status.value,
                "lessons_completed": done,
                "lessons_total": total,
                "started_at": started_at,
                "completed_at": completed_at,
                "created_at": now,
                "updated_at": now,
            },
            conflict_columns=["user_id", "module_id"],
            update_columns=[
                "status",
                "lessons_completed",
                "lessons_total",
                "started_at",
                "completed_at",
                "updated_at",
            ],
        )
    )
    return status is ProgressStatus.COMPLETED and (
        current is None or current.status is not ProgressStatus.COMPLETED
    )


async def add_attempt(
    session: AsyncSession,
    *,
    user_id: int,
    lesson_id: int,
    exercise_id: int,
    run: int,
    answer: str,
    is_correct: bool,
    points_earned: int,
) -> bool:
    """Record one answer; False when this exercise was already answered in this run."""
    result = await session.execute(
        insert_ignore(
            session,
            ExerciseAttempt,
            {
                "user_id": user_id,
                "lesson_id": lesson_id,
                "exercise_id": exercise_id,
                "run": run,
                "answer": answer[:500],
                "is_correct": is_correct,
                "points_earned": points_earned,
                "created_at": clock.now(session),
            },
        )
    )
    return cast(CursorResult[object], result).rowcount == 1


async def answers_in_run(
    session: AsyncSession, user_id: int, lesson_id: int, run: int
) -> dict[int, ExerciseAttempt]:
    """The run's answers so far, by exercise id."""
    rows = await session.scalars(
        select(ExerciseAttempt).where(
            ExerciseAttempt.user_id == user_id,
            ExerciseAttempt.lesson_id == lesson_id,
            ExerciseAttempt.run == run,
        )
    )
    return {attempt.exercise_id: attempt for attempt in rows}
