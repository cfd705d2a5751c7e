"""The leaderboard rebuild: both periods' boards from the XP ledger, switched in whole.

Two units of work. The first writes the next generation of both boards and switches readers to
it, in one transaction (readers see the old boards until its commit, the new ones after). The
second deletes the replaced generation; if it never runs, the next rebuild deletes it first.
Keeping the deletion out of the first transaction makes the switch come as soon as the new
boards exist. Neither holds a lock a learner's own writes wait for: the ledger is read without
locks, and on MySQL the boards are written without the foreign key check that would share-lock
each ranked learner's `users` row until the commit (db.repositories.leaderboard_rebuild).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.unit_of_work import unit_of_work
from db import clock
from db.enums import LeaderboardPeriod
from db.repositories import leaderboard_rebuild as repo

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Rebuilt:
    generation: int
    all_time: int
    weekly: int

    @property
    def rows(self) -> int:
        return self.all_time + self.weekly


def week_start(now: datetime) -> datetime:
    """Monday 00:00 UTC of the ISO week holding `now` (timezone-aware UTC)."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=now.weekday())


async def rebuild_leaderboard(session: AsyncSession) -> int:
    """Rows written to the new boards (both periods)."""
    rebuilt = await build_and_switch(session)
    await drop_replaced(session, rebuilt.generation)
    return rebuilt.rows


@unit_of_work
async def build_and_switch(session: AsyncSession) -> Rebuilt:
    if session.get_bind().dialect.name == "mysql":
        # Under REPEATABLE READ an INSERT .. SELECT share-locks every ledger row it reads,
        # gaps included, so learners could not earn XP until the commit; under READ COMMITTED
        # it reads a snapshot and locks nothing it reads.
        await session.connection(execution_options={"isolation_level": "READ COMMITTED"})
    now = clock.now(session)
    current = await repo.current_generation(session)
    # Leftovers of a rebuild that died before its switch would collide with this one's keys.
    await repo.drop_other_generations(session, current)
    generation = current + 1
    all_time = await repo.write_board(session, LeaderboardPeriod.ALL_TIME, generation, now, None)
    weekly = await repo.write_board(
        session, LeaderboardPeriod.WEEKLY, generation, now, week_start(now)
    )
    await repo.switch_to(session, generation, now)
    return Rebuilt(generation, all_time, weekly)


@unit_of_work
async def drop_replaced(session: AsyncSession, current: int) -> int:
    return await repo.drop_other_generations(session, current)
