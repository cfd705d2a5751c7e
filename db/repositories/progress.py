from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.enums import ProgressStatus
from db.models import UserProgress
from db.repositories._dialect import insert_ignore


async def get_or_create(
    session: AsyncSession, user_id: int, lesson_id: int, *, for_update: bool = False
) -> UserProgress:
    """The learner's row for the lesson, created NOT_STARTED if missing.

    One INSERT that ignores the unique (user_id, lesson_id) key, then a read: concurrent callers
    all get the same single row and none of them sees an error.
    """
    now = utcnow()
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
