"""Leaderboard caches prepared the way the rebuild writes them: whole, set-based, one stamp."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Subquery,
    delete,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from db.base import UTCDateTime
from db.enums import ActivityType, LeaderboardPeriod
from db.models import ActivityLog, LeaderboardEntry, LeaderboardState, User
from db.repositories.leaderboard import CURRENT_GENERATION


async def add_learners(engine: AsyncEngine, names: dict[int, str | None], at: datetime) -> None:
    """Learners by Telegram id with their first names, in one INSERT."""
    rows = [
        {"telegram_id": t, "first_name": n, "created_at": at, "updated_at": at}
        for t, n in names.items()
    ]
    async with engine.begin() as conn:
        await conn.execute(insert(User), rows)


async def put_on_board(
    engine: AsyncEngine,
    period: LeaderboardPeriod,
    standings: list[tuple[int, int, int]],
    at: datetime,
) -> None:
    """The period's board: (telegram id, rank, XP) in board order, positions 1..n."""
    async with engine.begin() as conn:
        ids = dict((await conn.execute(select(User.telegram_id, User.id))).tuples().all())
        rows: list[dict[str, Any]] = [
            {
                "period": period,
                "user_id": ids[telegram_id],
                "rank": rank,
                "position": position,
                "total_score": xp,
                "updated_at": at,
            }
            for position, (telegram_id, rank, xp) in enumerate(standings, start=1)
        ]
        await conn.execute(insert(LeaderboardEntry), rows)


def _digits(name: str) -> Subquery:
    return union_all(*(select(literal(d).label("d")) for d in range(10))).subquery(name)


def _numbers(places: int) -> tuple[ColumnElement[int], list[Subquery]]:
    """1 .. 10**places as one cross join of digit tables (no recursion limit to raise on MySQL)."""
    tables = [_digits(f"d{p}") for p in range(places)]
    n: ColumnElement[int] = literal(1)
    for place, table in enumerate(tables):
        n = n + table.c.d * 10**place
    return n, tables


async def big_board(engine: AsyncEngine, size: int, at: datetime) -> None:
    """`size` (a power of ten) learners with Telegram ids 1..size, all on the all-time board
    with position and rank equal to their Telegram id: two INSERT .. SELECT statements. The
    board is generation 0, named by the state row as a rebuild leaves it."""
    places = len(str(size)) - 1
    assert 10**places == size
    n, tables = _numbers(places)
    cross: FromClause = tables[0]
    for previous, table in itertools.pairwise(tables):
        # Always true (digits differ by at most 9), but naming both tables tells SQLAlchemy the
        # product is meant, where `ON true` draws its cartesian-product warning.
        cross = cross.join(table, table.c.d <= previous.c.d + 9)
    numbers = select(n.label("n")).select_from(cross)
    stamp = literal(at, UTCDateTime())
    learners = numbers.add_columns(stamp, stamp)
    board = select(
        literal(LeaderboardPeriod.ALL_TIME.value),
        User.id,
        User.telegram_id,
        User.telegram_id,
        size + 1 - User.telegram_id,
        stamp,
    ).where(User.telegram_id.between(1, size))
    async with engine.begin() as conn:
        await conn.execute(
            insert(User).from_select(["telegram_id", "created_at", "updated_at"], learners)
        )
        await conn.execute(
            insert(LeaderboardEntry).from_select(
                ["period", "user_id", "rank", "position", "total_score", "updated_at"], board
            )
        )
        await conn.execute(delete(LeaderboardState))
        await conn.execute(insert(LeaderboardState).values(id=1, generation=0, built_at=at))


async def add_ledger(
    engine: AsyncEngine, entries: list[tuple[int, ActivityType, int, datetime]]
) -> None:
    """XP ledger rows (telegram id, activity, xp, when), in one INSERT."""
    async with engine.begin() as conn:
        ids = dict((await conn.execute(select(User.telegram_id, User.id))).tuples().all())
        rows = [
            {"user_id": ids[t], "activity_type": activity, "xp": xp, "created_at": at}
            for t, activity, xp, at in entries
        ]
        await conn.execute(insert(ActivityLog), rows)


async def current_board(engine: AsyncEngine, period: LeaderboardPeriod) -> list[tuple[int, ...]]:
    """The board readers see, in order: (telegram id, rank, position, xp, lessons,
    achievements)."""
    cache = LeaderboardEntry.__table__
    query = (
        select(
            User.telegram_id,
            cache.c.rank,
            cache.c.position,
            cache.c.total_score,
            cache.c.lessons_completed,
            cache.c.achievements_count,
        )
        .join_from(cache, User, User.id == cache.c.user_id)
        .where(cache.c.generation == CURRENT_GENERATION, cache.c.period == period)
        .order_by(cache.c.position)
    )
    async with engine.connect() as conn:
        return [tuple(row) for row in await conn.execute(query)]
