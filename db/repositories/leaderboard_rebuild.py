"""The leaderboard rebuild's SQL: each period's board as one INSERT .. SELECT with window
functions over the XP ledger, written as a new generation beside the one readers see.

Why generations rather than a shadow table swapped in with RENAME TABLE: the cache's rows
cascade from `users` ("delete my data"), and MariaDB neither copies foreign keys with CREATE
TABLE .. LIKE nor allows two constraints of one name in a schema, so a swapped-in table would
lose the cascade or drift from the migrations; DDL at run time would also need rights the
application's database user should not hold, and would wait on every reader's metadata lock.
A generation is plain DML: rows of the next generation are invisible to readers (their lookups
lead with the current generation) until one UPDATE of `leaderboard_state` switches them in,
in the transaction that wrote them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Integer,
    Select,
    String,
    Table,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import UTCDateTime
from db.enums import ActivityType, LeaderboardPeriod
from db.models import ActivityLog, LeaderboardEntry, LeaderboardState
from db.repositories._dialect import upsert
from db.repositories.leaderboard import CURRENT_GENERATION

_ledger = cast(Table, ActivityLog.__table__)
_cache = cast(Table, LeaderboardEntry.__table__)

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


def _count_of(activity: ActivityType) -> Any:
    return func.sum(case((_ledger.c.activity_type == activity.value, 1), else_=0))


def ranked(period: LeaderboardPeriod, *, in_learner_order: bool = False) -> Select[Any]:
    """The period's board as rows of BOARD_COLUMNS, from the ledger alone. Binds: generation,
    now, and `since` (the week's start) for the weekly board.

    Learners with no XP in the period are not on it. Ties share a RANK(); positions break
    them by user id, the order learners joined in, so the same ledger always gives the same
    board. Lessons and achievements are those completed and earned in the period, counted from
    the same scan of the ledger (one row per first completion, one per achievement).

    `in_learner_order`: rows come out by user id, the order of the cache's unique key and of
    the users' primary key its foreign key checks, so writing them walks both indexes once
    instead of jumping about them (ranked order would), at the price of one more sort."""
    totals = select(
        _ledger.c.user_id,
        func.sum(_ledger.c.xp).label("total"),
        _count_of(ActivityType.LESSON_COMPLETED).label("lessons"),
        _count_of(ActivityType.ACHIEVEMENT_EARNED).label("achievements"),
    ).group_by(_ledger.c.user_id)
    if period is LeaderboardPeriod.WEEKLY:
        totals = totals.where(_ledger.c.created_at >= bindparam("since", type_=UTCDateTime()))
    t = totals.having(func.sum(_ledger.c.xp) > 0).subquery("totals")
    board = select(
        bindparam("generation", type_=Integer),
        literal(period.value, String),
        t.c.user_id,
        func.rank().over(order_by=t.c.total.desc()),
        func.row_number().over(order_by=(t.c.total.desc(), t.c.user_id)),
        t.c.total,
        t.c.lessons,
        t.c.achievements,
        bindparam("now", type_=UTCDateTime()),
    )
    return board.order_by(t.c.user_id) if in_learner_order else board


_INSERTS = {
    period: insert(_cache).from_select(BOARD_COLUMNS, ranked(period, in_learner_order=True))
    for period in LeaderboardPeriod
}
_CURRENT = select(CURRENT_GENERATION)
_DROP_OTHER_GENERATIONS = delete(_cache).where(
    _cache.c.generation != bindparam("current", type_=Integer)
)


async def current_generation(session: AsyncSession) -> int:
    return int((await session.execute(_CURRENT)).scalar_one())


_FOREIGN_KEY_CHECKS_OFF = text("SET SESSION foreign_key_checks = 0")
_FOREIGN_KEY_CHECKS_ON = text("SET SESSION foreign_key_checks = 1")


async def write_board(
    session: AsyncSession,
    period: LeaderboardPeriod,
    generation: int,
    now: datetime,
    since: datetime | None,
) -> int:
    """The period's board as `generation`; how many learners are on it."""
    params: dict[str, Any] = {"generation": generation, "now": now}
    if since is not None:
        params["since"] = since
    if session.get_bind().dialect.name != "mysql":
        result = await session.execute(_INSERTS[period], params)
        return int(result.rowcount)  # type: ignore[attr-defined]
    # InnoDB's foreign key check share-locks each ranked learner's users row until the commit:
    # a learner answering meanwhile (their streak is on that row) would wait for the whole
    # rebuild, seconds at 100,000 learners, past a serving unit's time limit. The rows come
    # from the ledger, whose own key guarantees the learners exist; one deleted in the
    # moment between this statement's read and its write leaves a row the readers' join to
    # users skips, gone at the next rebuild.
    await session.execute(_FOREIGN_KEY_CHECKS_OFF)
    try:
        result = await session.execute(_INSERTS[period], params)
    finally:
        await session.execute(_FOREIGN_KEY_CHECKS_ON)
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
