"""The leaderboard as a learner sees it: the top of a period's board and their own place.

It reads the cache the rebuild job writes, never the ledger, so a screen costs the same two
indexed lookups however many learners there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Context
from bot.services.unit_of_work import read_only
from db.enums import LeaderboardPeriod
from db.repositories import leaderboard as repo
from db.repositories.leaderboard import BoardRow

__all__ = ["TOP", "Board", "BoardRow", "board"]

# How many learners the screen lists before the learner's own row.
TOP = 10


@dataclass(frozen=True, slots=True)
class Board:
    period: LeaderboardPeriod
    user_id: int
    top: list[BoardRow]
    # The learner's row wherever it is on the board; None: not ranked (no XP in the period).
    me: BoardRow | None
    # Seconds since the board was rebuilt; None while it has never been built.
    age_seconds: int | None

    @property
    def me_below_top(self) -> bool:
        return self.me is not None and all(row.user_id != self.user_id for row in self.top)


@read_only
async def board(
    session: AsyncSession, ctx: Context, user_id: int, period: LeaderboardPeriod
) -> Board:
    top = await repo.top(session, period, TOP)
    if not top:
        return Board(period, user_id, [], None, await _age_of_empty_board(session, ctx, period))
    me = next((row for row in top if row.user_id == user_id), None)
    if me is None:
        me = await repo.standing(session, period, user_id)
    return Board(period, user_id, top, me, _age(ctx.clock.now(), top[0]))


async def _age_of_empty_board(
    session: AsyncSession, ctx: Context, period: LeaderboardPeriod
) -> int | None:
    """An empty weekly board may be a built one nobody has earned XP on this week yet: the
    all-time board, which everyone with weekly XP is on too, tells whether a rebuild ran."""
    if period is LeaderboardPeriod.ALL_TIME:
        return None
    built = await repo.top(session, LeaderboardPeriod.ALL_TIME, 1)
    return _age(ctx.clock.now(), built[0]) if built else None


def _age(now: datetime, row: BoardRow) -> int:
    # One rebuild writes the whole cache with one timestamp.
    return max(0, int((now - row.updated_at).total_seconds()))
