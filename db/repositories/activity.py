from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import ActivityType
from db.models import ActivityLog

_APPEND = insert(cast(Table, ActivityLog.__table__))


async def add(
    session: AsyncSession,
    user_id: int,
    activity_type: ActivityType,
    *,
    entity_type: str | None = None,
    entity_id: int | None = None,
    xp: int = 0,
    details: dict[str, Any] | None = None,
    now: datetime,
) -> None:
    """Append one activity row; a row with xp > 0 is an XP grant in the ledger."""
    if xp < 0:
        raise ValueError("the XP ledger only grows")
    await session.execute(
        _APPEND,
        {
            "user_id": user_id,
            "activity_type": activity_type,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "xp": xp,
            "details": details,
            "created_at": now,
        },
    )


async def add_many(session: AsyncSession, rows: list[dict[str, Any]], *, now: datetime) -> None:
    """Append many activity rows (keys as `add`'s arguments) in one statement."""
    if not rows:
        return
    await session.execute(
        _APPEND,
        [
            {
                "entity_type": None,
                "entity_id": None,
                "xp": 0,
                "details": None,
                **row,
                "created_at": now,
            }
            for row in rows
        ],
    )


async def total_xp(session: AsyncSession, user_id: int) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(ActivityLog.xp), 0)).where(ActivityLog.user_id == user_id)
    )
    return int(total or 0)
