"""Reads of the leaderboard cache. The rebuild writes it whole; these only look rows up.

Both statements follow an index whatever the board's size: the top by (generation, period,
position), one learner's row by the (user_id, period, generation) unique key. The generation is
the one `leaderboard_state` names, read by primary key inside the same statement (so a screen
still costs its two round trips). The learner's name comes by primary key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Integer, Table, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import LeaderboardPeriod
from db.models import LeaderboardEntry, LeaderboardState, User

__all__ = ["BoardRow", "standing", "top"]

_cache = cast(Table, LeaderboardEntry.__table__)
_users = cast(Table, User.__table__)
_state = cast(Table, LeaderboardState.__table__)

# The generation readers see; 0 before the first rebuild switched one in.
CURRENT_GENERATION = func.coalesce(
    select(_state.c.generation).where(_state.c.id == 1).scalar_subquery(), 0
)


@dataclass(frozen=True, slots=True)
class BoardRow:
    user_id: int
    rank: int
    position: int
    total_score: int
    first_name: str | None
    updated_at: datetime


_ROWS = select(
    _cache.c.user_id,
    _cache.c.rank,
    _cache.c.position,
    _cache.c.total_score,
    _users.c.first_name,
    _cache.c.updated_at,
).join_from(_cache, _users, _users.c.id == _cache.c.user_id)

_TOP = (
    _ROWS.where(_cache.c.generation == CURRENT_GENERATION, _cache.c.period == bindparam("period"))
    .order_by(_cache.c.position)
    .limit(bindparam("limit", type_=Integer))
)
_STANDING = _ROWS.where(
    _cache.c.generation == CURRENT_GENERATION,
    _cache.c.period == bindparam("period"),
    _cache.c.user_id == bindparam("user_id"),
)


async def top(session: AsyncSession, period: LeaderboardPeriod, limit: int) -> list[BoardRow]:
    """The first `limit` rows of the period's board, in order."""
    result = await session.execute(_TOP, {"period": period, "limit": limit})
    return [BoardRow(*row) for row in result]


async def standing(
    session: AsyncSession, period: LeaderboardPeriod, user_id: int
) -> BoardRow | None:
    """The learner's row on the period's board; None when they are not on it."""
    row = (await session.execute(_STANDING, {"period": period, "user_id": user_id})).one_or_none()
    return None if row is None else BoardRow(*row)
