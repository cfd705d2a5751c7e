from __future__ import annotations

from typing import cast

from sqlalchemy import CursorResult, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import clock
from db.models import Achievement, UserAchievement
from db.repositories._dialect import insert_ignore


async def award(session: AsyncSession, user_id: int, achievement_id: int) -> bool:
    """Give the achievement; True only for the one call that actually inserted the row."""
    result = await session.execute(
        insert_ignore(
            session,
            UserAchievement,
            {"user_id": user_id, "achievement_id": achievement_id, "earned_at": clock.now(session)},
        )
    )
    return cast(CursorResult[object], result).rowcount == 1


async def get_by_code(session: AsyncSession, code: str) -> Achievement | None:
    result: Achievement | None = await session.scalar(
        select(Achievement).where(Achievement.code == code)
    )
    return result
