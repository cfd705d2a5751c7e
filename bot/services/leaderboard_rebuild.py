"""The leaderboard rebuild: both periods' boards from the XP ledger, switched in whole.

Three units of work:

1. `write_next` writes the next generation of both boards, from one read of the ledger (one
   INSERT .. SELECT, so the all-time and the weekly board come from the same ledger state),
   and commits it. Readers do not see it: they read the generation `leaderboard_state` names.
2. `switch_to_next` makes sure no row of a learner who no longer exists is in it, ranks it
   again if rows left it, and switches readers to it.
3. `drop_replaced` deletes the replaced generation; if it never runs, the next rebuild deletes
   it first.

Why the new rows are committed before the switch rather than in its transaction: a learner's
"delete my data" cascades to their leaderboard rows, and a cascade that meets rows not yet
committed waits for their transaction. Committed, the rows are deleted by the cascade at once;
only a delete that comes while (1) is writing, after it wrote the learner's rows, waits for
(1)'s commit (seconds at 100,000 learners, past a serving unit's time limit: the learner is
told to try again), no longer for the checks and the switch as well.

How no departed learner survives the switch, on MariaDB/MySQL. The boards are written without
InnoDB's foreign key check (db.repositories.leaderboard_rebuild.write_boards says why), so a
learner deleted after the INSERT's read of the ledger and before its write of their row leaves
a row that no cascade removed: the cascade ran when there was nothing to remove. Such a delete
began before (1) committed, so in (2), under READ COMMITTED:
- `wait_for_deletes_in_flight` waits for every transaction holding a users row, so each such
  delete has committed (or rolled back) by the time it returns;
- `drop_departed` then reads with a snapshot taken after those commits and deletes the rows of
  learners it does not find;
- a delete that comes later runs its cascade after (1)'s commit, so it finds the learner's new
  rows and deletes them: at once, or, for rows (2) is ranking again, when (2) commits (a
  cascade reads the newest committed rows with locks, whatever the deleter's isolation level,
  so it deletes rows committed after its own snapshot began too).
Neither step keeps a lock on a users row: a learner changing their own row during a rebuild
waits for an instant at most. What (2) checks is the next generation's rows, which only the
rebuild and cascades write.

SQLite has one writer at a time: a delete runs wholly before (1), between (1) and (2), or after
(2), and the foreign key is checked while (1) writes, so no row of a departed learner can be
written; (2) only ranks again when a delete between (1) and (2) took rows out.

Both databases: the ranks are right at the switch; a learner who deletes their data after the
switch (or during (2), after its count) leaves their place empty until the next rebuild.

Two rebuilds must not run at once (the second would delete the first's generation before its
switch): the scheduler's job lock, which runs by hand take too, keeps them apart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Context
from bot.services.unit_of_work import unit_of_work
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


async def rebuild_leaderboard(session: AsyncSession, ctx: Context) -> int:
    """Rows on the new boards (both periods)."""
    rebuilt = await build_and_switch(session, ctx)
    await drop_replaced(session, rebuilt.generation)
    return rebuilt.rows


async def build_and_switch(session: AsyncSession, ctx: Context) -> Rebuilt:
    """The next generation written and switched in: what readers wait for."""
    return await switch_to_next(session, ctx, await write_next(session, ctx))


async def _read_committed(session: AsyncSession) -> None:
    if session.get_bind().dialect.name == "mysql":
        # Under REPEATABLE READ an INSERT .. SELECT share-locks every ledger row it reads, gaps
        # included, so learners could not earn XP until the commit; under READ COMMITTED it
        # reads a snapshot and locks nothing it reads. wait_for_deletes_in_flight needs it too.
        await session.connection(execution_options={"isolation_level": "READ COMMITTED"})


@unit_of_work
async def write_next(session: AsyncSession, ctx: Context) -> int:
    """The next generation of both boards, written and committed but not switched in."""
    await _read_committed(session)
    now = ctx.clock.now()
    current = await repo.current_generation(session)
    # Leftovers of a rebuild that died before its switch would collide with this one's keys.
    await repo.drop_other_generations(session, current)
    generation = current + 1
    await repo.write_boards(session, generation, now, week_start(now))
    return generation


@unit_of_work
async def switch_to_next(session: AsyncSession, ctx: Context, generation: int) -> Rebuilt:
    await _read_committed(session)
    now = ctx.clock.now()
    if session.get_bind().dialect.name == "mysql":
        await repo.wait_for_deletes_in_flight(session)
        departed = await repo.drop_departed(session, generation)
        if departed:
            log.info("leaderboard: %d rows of learners deleted during the rebuild", departed)
    sizes = await repo.board_sizes(session, generation)
    if not all(size.contiguous for size in sizes.values()):
        # Rows left the new boards after they were ranked (deleted learners): close the gaps.
        await repo.rerank(session, generation)
    await repo.switch_to(session, generation, now)
    return Rebuilt(
        generation, sizes[LeaderboardPeriod.ALL_TIME].rows, sizes[LeaderboardPeriod.WEEKLY].rows
    )


@unit_of_work
async def drop_replaced(session: AsyncSession, current: int) -> int:
    return await repo.drop_other_generations(session, current)
