"""The leaderboard rebuild's SQL: both periods' boards as one INSERT .. SELECT with window
functions over the XP ledger, written as a new generation beside the one readers see, then
checked against the learners who still exist and switched in.

Why generations rather than a shadow table swapped in with RENAME TABLE: the cache's rows
cascade from `users` ("delete my data"), and MariaDB neither copies foreign keys with CREATE
TABLE .. LIKE nor allows two constraints of one name in a schema, so a swapped-in table would
lose the cascade or drift from the migrations; DDL at run time would also need rights the
application's database user should not hold, and would wait on every reader's metadata lock.
A generation is plain DML: rows of the next generation are invisible to readers (their lookups
lead with the current generation) until one UPDATE of `leaderboard_state` switches them in.

How the rebuild keeps a deleted learner off the board is told in
bot.services.leaderboard_rebuild, which runs these statements in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Integer,
    Select,
    String,
    Table,
    UniqueConstraint,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import UTCDateTime
from db.enums import ActivityType, LeaderboardPeriod
from db.models import ActivityLog, LeaderboardEntry, LeaderboardState, User
from db.repositories._dialect import upsert
from db.repositories.leaderboard import CURRENT_GENERATION

_ledger = cast(Table, ActivityLog.__table__)
_cache = cast(Table, LeaderboardEntry.__table__)
_users = cast(Table, User.__table__)

BOARD_COLUMNS = [
    "generation",
    "period",
    "user_id",
    "rank",
    "position",
    "total_score",
    "lessons_completed",
    "achievements_count",
    "updated_at",
]


def _sum_of(value: Any, where: Any = None) -> Any:
    """The sum of `value` over a learner's ledger rows (those matching `where`, if given)."""
    return func.sum(value if where is None else case((where, value), else_=0))


def both_boards() -> Select[Any]:
    """Both periods' boards as rows of BOARD_COLUMNS, from one read of the ledger. Binds:
    generation, now, and `since` (the week's start).

    One statement, so one snapshot: under READ COMMITTED each statement reads the ledger as it
    is when it begins, and a statement per board built the all-time and the weekly board from
    two states of it. One scan, too: each learner's all-time and weekly figures come from the
    same GROUP BY, and a join with the two periods makes each learner one row per board they
    are on.

    Learners with no XP in the period are not on its board. Ties share a RANK(); positions
    break them by user id, the order learners joined in, so the same ledger always gives the
    same board. Lessons and achievements are those completed and earned in the period (one
    ledger row per first completion, one per achievement).

    Rows come out in the order of the cache's unique key (user_id, period, ...), whose index
    leads with the learner like the users' primary key, so writing them walks the index once
    instead of jumping about it (ranked order would), at the price of one sort."""
    in_week = _ledger.c.created_at >= bindparam("since", type_=UTCDateTime())
    lesson = _ledger.c.activity_type == ActivityType.LESSON_COMPLETED.value
    achievement = _ledger.c.activity_type == ActivityType.ACHIEVEMENT_EARNED.value
    totals = (
        select(
            _ledger.c.user_id,
            _sum_of(_ledger.c.xp).label("xp"),
            _sum_of(_ledger.c.xp, in_week).label("week_xp"),
            _sum_of(1, lesson).label("lessons"),
            _sum_of(1, and_(lesson, in_week)).label("week_lessons"),
            _sum_of(1, achievement).label("achievements"),
            _sum_of(1, and_(achievement, in_week)).label("week_achievements"),
        )
        .group_by(_ledger.c.user_id)
        .having(func.sum(_ledger.c.xp) > 0)
        .subquery("totals")
    )
    periods = union_all(
        *(select(literal(p.value, String).label("period")) for p in LeaderboardPeriod)
    ).subquery("periods")
    all_time = periods.c.period == LeaderboardPeriod.ALL_TIME.value

    def of_period(all_time_value: Any, week_value: Any) -> Any:
        return case((all_time, all_time_value), else_=week_value)

    xp = of_period(totals.c.xp, totals.c.week_xp)
    entries = (
        select(
            periods.c.period,
            totals.c.user_id,
            xp.label("total"),
            of_period(totals.c.lessons, totals.c.week_lessons).label("lessons"),
            of_period(totals.c.achievements, totals.c.week_achievements).label("achievements"),
        )
        # Each learner once per period they earned XP in.
        .select_from(totals.join(periods, xp > 0))
        .subquery("entries")
    )
    period, most = entries.c.period, entries.c.total.desc()
    return select(
        bindparam("generation", type_=Integer),
        entries.c.period,
        entries.c.user_id,
        func.rank().over(partition_by=period, order_by=most),
        func.row_number().over(partition_by=period, order_by=(most, entries.c.user_id)),
        entries.c.total,
        entries.c.lessons,
        entries.c.achievements,
        bindparam("now", type_=UTCDateTime()),
    ).order_by(entries.c.user_id, entries.c.period)


_WRITE_BOARDS = insert(_cache).from_select(BOARD_COLUMNS, both_boards())
_CURRENT = select(CURRENT_GENERATION)
_DROP_OTHER_GENERATIONS = delete(_cache).where(
    _cache.c.generation != bindparam("current", type_=Integer)
)
_IN_GENERATION = _cache.c.generation == bindparam("of_generation", type_=Integer)


async def current_generation(session: AsyncSession) -> int:
    return int((await session.execute(_CURRENT)).scalar_one())


_FOREIGN_KEY_CHECKS_OFF = text("SET SESSION foreign_key_checks = 0")
_FOREIGN_KEY_CHECKS_ON = text("SET SESSION foreign_key_checks = 1")


async def write_boards(
    session: AsyncSession, generation: int, now: datetime, since: datetime
) -> int:
    """Both periods' boards as `generation`, from one read of the ledger; the rows written."""
    params = {"generation": generation, "now": now, "since": since}
    if session.get_bind().dialect.name != "mysql":
        result = await session.execute(_WRITE_BOARDS, params)
        return int(result.rowcount)  # type: ignore[attr-defined]
    # InnoDB's foreign key check share-locks each ranked learner's users row until the commit:
    # a learner answering meanwhile (their streak is on that row) would wait for the whole
    # write, seconds at 100,000 learners, past a serving unit's time limit. Without it, a
    # learner deleted after this statement's read and before its write of their row leaves a
    # row no cascade removed: the rebuild finds and drops such rows before its switch
    # (wait_for_deletes_in_flight, drop_departed).
    await session.execute(_FOREIGN_KEY_CHECKS_OFF)
    try:
        result = await session.execute(_WRITE_BOARDS, params)
    finally:
        await session.execute(_FOREIGN_KEY_CHECKS_ON)
    return int(result.rowcount)  # type: ignore[attr-defined]


# A locking read of every users row that keeps none of its locks. The condition is false for
# every row but cannot be answered from an index (an expression over the key), so InnoDB reads
# and share-locks each row in turn, waiting for whoever holds it, and under READ COMMITTED
# releases each lock as soon as the row fails the condition: a learner's own UPDATE of their
# row waits for that instant at most, never for the rebuild. The scan must be of the primary
# key: through a secondary index (which COUNT(*) would pick) the index entries stay locked,
# and a learner's UPDATE of an indexed column (their next streak check) or a delete would
# wait for the commit.
_WAIT_FOR_USERS_LOCKS = text(
    "SELECT COUNT(*) FROM users FORCE INDEX (PRIMARY) WHERE id + 0 < 0 LOCK IN SHARE MODE"
)


async def wait_for_deletes_in_flight(session: AsyncSession) -> None:
    """MySQL: returns once each transaction that held a users row's lock when the scan came
    to that row has ended: a learner's "delete my data" begun before this (its lock on their
    row lasts until its commit) has committed or rolled back. Needs READ COMMITTED."""
    await session.execute(_WAIT_FOR_USERS_LOCKS)


# A plain read: no lock on users (a NOT EXISTS in a DELETE would share-lock every learner's
# row it finds until the commit), and under READ COMMITTED it sees every delete committed
# before it began. It walks the cache's unique key, which leads with the learner (the
# generation's own index would fetch every row to learn its learner, in rank order), so the
# users' primary key is probed in order too. Such rows are few (none, nearly always), so they
# are deleted by key.
_UNIQUE_KEY = next(c.name for c in _cache.constraints if isinstance(c, UniqueConstraint))
_DEPARTED = (
    select(_cache.c.id)
    .select_from(_cache.outerjoin(_users, _users.c.id == _cache.c.user_id))
    .where(_IN_GENERATION, _users.c.id.is_(None))
    .with_hint(_cache, f"FORCE INDEX ({_UNIQUE_KEY})", "mysql")
)
_DROP_BY_ID = delete(_cache).where(_cache.c.id.in_(bindparam("ids", expanding=True)))


async def drop_departed(session: AsyncSession, generation: int) -> int:
    """Rows of `generation` whose learner no longer exists; how many were deleted."""
    ids = list((await session.execute(_DEPARTED, {"of_generation": generation})).scalars())
    if ids:
        await session.execute(_DROP_BY_ID, {"ids": ids})
    return len(ids)


@dataclass(frozen=True, slots=True)
class BoardSize:
    rows: int
    last_position: int

    @property
    def contiguous(self) -> bool:
        """Positions are unique and start at 1, so they run 1..rows exactly when the last is
        `rows`. Rows gone only from the end leave every rank right too: each had no more XP
        than anyone left, so it counted in no one's rank."""
        return self.rows == self.last_position


_SIZES = (
    select(_cache.c.period, func.count(), func.coalesce(func.max(_cache.c.position), 0))
    .where(_IN_GENERATION)
    .group_by(_cache.c.period)
)


async def board_sizes(session: AsyncSession, generation: int) -> dict[LeaderboardPeriod, BoardSize]:
    rows = await session.execute(_SIZES, {"of_generation": generation})
    sizes = {LeaderboardPeriod(period): BoardSize(n, last) for period, n, last in rows}
    return {p: sizes.get(p, BoardSize(0, 0)) for p in LeaderboardPeriod}


def _reranked() -> Any:
    by_score = _cache.c.total_score.desc()
    return (
        select(
            _cache.c.id,
            func.rank().over(partition_by=_cache.c.period, order_by=by_score).label("new_rank"),
            func.row_number()
            .over(partition_by=_cache.c.period, order_by=(by_score, _cache.c.user_id))
            .label("new_position"),
        )
        .where(_IN_GENERATION)
        .subquery("reranked")
    )


_R = _reranked()
_RERANK = (
    update(_cache)
    .where(
        _cache.c.id == _R.c.id,
        or_(_cache.c.rank != _R.c.new_rank, _cache.c.position != _R.c.new_position),
    )
    .values(rank=_R.c.new_rank, position=_R.c.new_position)
)


async def rerank(session: AsyncSession, generation: int) -> int:
    """Ranks and positions of `generation` computed again from the rows left, as the board's
    INSERT computed them (RANK by XP, positions by XP then user id); the rows changed."""
    result = await session.execute(_RERANK, {"of_generation": generation})
    return int(result.rowcount)  # type: ignore[attr-defined]


async def switch_to(session: AsyncSession, generation: int, now: datetime) -> None:
    """From this transaction's commit on, readers see `generation`."""
    await session.execute(
        upsert(
            session,
            LeaderboardState,
            {"id": 1, "generation": generation, "built_at": now},
            conflict_columns=["id"],
            update_columns=["generation", "built_at"],
        )
    )


async def drop_other_generations(session: AsyncSession, current: int) -> int:
    """Rows of every generation but `current`: the replaced board, and what a rebuild that
    died before its switch left behind."""
    result = await session.execute(_DROP_OTHER_GENERATIONS, {"current": current})
    return int(result.rowcount)  # type: ignore[attr-defined]
