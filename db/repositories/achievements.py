from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Achievement, UserAchievement
from db.repositories._dialect import insert_ignore


async def award(session: AsyncSession, user_id: int, achievement_id: int, *, now: datetime) -> bool:
    """Give the achievement; True only for the one call that actually inserted the row."""
    result = await session.execute(
        insert_ignore(
            session,
            UserAchievement,
            {"user_id": user_id, "achievement_id": achievement_id, "earned_at": now},
        )
    )
    return cast(CursorResult[object], result).rowcount == 1


async def award_many(session: AsyncSession, awards: list[tuple[int, int]], *, now: datetime) -> int:
    """Give each (user_id, achievement_id) in one statement; how many rows it inserted."""
    if not awards:
        return 0
    rows = [{"user_id": u, "achievement_id": a, "earned_at": now} for u, a in awards]
    result = await session.execute(insert_ignore(session, UserAchievement, rows))
    return cast(CursorResult[object], result).rowcount


async def get_by_code(session: AsyncSession, code: str) -> Achievement | None:
    result: Achievement | None = await session.scalar(
        select(Achievement).where(Achievement.code == code)
    )
    return result


async def catalogue(session: AsyncSession) -> Sequence[Achievement]:
    """Every catalogue row, in the order they were added."""
    return (await session.scalars(select(Achievement).order_by(Achievement.id))).all()


async def earned(session: AsyncSession, user_id: int) -> list[tuple[int, datetime]]:
    """The learner's achievements and when they earned them, most recent first."""
    rows: Sequence[Row[tuple[int, datetime]]] = (
        await session.execute(
            select(UserAchievement.achievement_id, UserAchievement.earned_at)
            .where(UserAchievement.user_id == user_id)
            .order_by(UserAchievement.earned_at.desc(), UserAchievement.id.desc())
        )
    ).all()
    return [(achievement_id, at) for achievement_id, at in rows]
