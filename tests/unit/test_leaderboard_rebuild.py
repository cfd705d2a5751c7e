"""The leaderboard rebuild against a brute-force ranking of random ledgers with many ties, and
readers during rebuilds: they see a whole board, the old one or the new one."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import distinct, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.scheduler.jobs import job_named
from bot.scheduler.runner import JobRunner
from bot.services.context import Context
from bot.services.leaderboard_rebuild import rebuild_leaderboard, week_start
from db.clock import ManualClock
from db.engine import create_engine
from db.enums import ActivityType, JobStatus, LeaderboardPeriod
from db.models import LeaderboardEntry, User
from db.repositories import leaderboard_rebuild as repo
from db.repositories.leaderboard import CURRENT_GENERATION
from tests.support.leaderboard import add_learners, add_ledger, current_board

# A Wednesday: the ISO week began on Monday 2 March 2026, 00:00 UTC.
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
WEEK = week_start(NOW)
Entry = tuple[int, ActivityType, int, datetime]
ACTIVITIES = [
    ActivityType.LESSON_COMPLETED,
    ActivityType.CHALLENGE_SOLVED,
    ActivityType.ACHIEVEMENT_EARNED,
    ActivityType.SCORE_IMPROVED,
]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


def test_the_week_starts_on_monday_utc() -> None:
    assert week_start(NOW) == datetime(2026, 3, 2, tzinfo=UTC)
    assert week_start(WEEK) == WEEK
    assert week_start(WEEK - timedelta(microseconds=1)) == datetime(2026, 2, 23, tzinfo=UTC)


def random_ledger(rng: random.Random, learners: int) -> list[Entry]:
    """XP from a small set (ties are many), times spread over three weeks with some right at
    the week's edges; some learners earn only 0 XP and some nothing at all."""
    edges = [WEEK, WEEK - timedelta(microseconds=1), WEEK + timedelta(microseconds=1)]
    entries: list[Entry] = []
    for learner in range(1, learners + 1):
        only_zero = learner % 17 == 0
        for _ in range(rng.randrange(0, 5)):
            at = (
                rng.choice(edges)
                if rng.random() < 0.1
                else NOW - timedelta(seconds=rng.randrange(0, 21 * 86400))
            )
            activity = rng.choice(ACTIVITIES)
            xp = 0 if only_zero else rng.choice([0, 5, 10, 20])
            entries.append((learner, activity, xp, at))
    return entries


def brute_force(entries: list[Entry], since: datetime | None) -> list[tuple[int, ...]]:
    totals: dict[int, int] = defaultdict(int)
    lessons: dict[int, int] = defaultdict(int)
    achievements: dict[int, int] = defaultdict(int)
    for learner, activity, xp, at in entries:
        if since is not None and at < since:
            continue
        totals[learner] += xp
        lessons[learner] += activity is ActivityType.LESSON_COMPLETED
        achievements[learner] += activity is ActivityType.ACHIEVEMENT_EARNED
    # Telegram ids were given in the order learners were added, as their user ids are.
    ranked = sorted((t for t in totals if totals[t] > 0), key=lambda t: (-totals[t], t))
    return [
        (
            t,
            1 + sum(1 for other in ranked if totals[other] > totals[t]),
            position,
            totals[t],
            lessons[t],
            achievements[t],
        )
        for position, t in enumerate(ranked, start=1)
    ]


async def seed(engine: AsyncEngine, entries: list[Entry], learners: int) -> None:
    await add_learners(engine, {t: f"L{t}" for t in range(1, learners + 1)}, NOW)
    await add_ledger(engine, entries)


async def test_the_boards_match_a_brute_force_ranking(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    rng = random.Random(20261123)
    learners = 400
    entries = random_ledger(rng, learners)
    await seed(engine, entries, learners)
    runner = JobRunner(engine, sessionmaker, context, Settings(_env_file=None))

    outcome = await runner.run_by_hand(job_named("leaderboard"))

    all_time = brute_force(entries, None)
    weekly = brute_force(entries, WEEK)
    assert await current_board(engine, LeaderboardPeriod.ALL_TIME) == all_time
    assert await current_board(engine, LeaderboardPeriod.WEEKLY) == weekly
    assert outcome.status is JobStatus.OK
    assert outcome.rows == len(all_time) + len(weekly)
    # The data is what the test meant: many ties, and learners left off each board.
    assert len({row[1] for row in all_time}) < len(all_time) / 3
    assert 0 < len(weekly) < len(all_time) < learners

    # More XP a day later: the next rebuild replaces both boards whole.
    clock.advance(days=1)
    later = [(t, ActivityType.CHALLENGE_SOLVED, 5, clock.now()) for t in range(1, learners, 3)]
    await add_ledger(engine, later)
    again = await runner.run_by_hand(job_named("leaderboard"))

    assert await current_board(engine, LeaderboardPeriod.ALL_TIME) == brute_force(
        entries + later, None
    )
    assert await current_board(engine, LeaderboardPeriod.WEEKLY) == brute_force(
        entries + later, WEEK
    )
    async with engine.connect() as conn:
        stored = (await conn.execute(select(func.count()).select_from(LeaderboardEntry))).scalar()
    assert stored == again.rows, "the replaced generation is gone"


async def test_a_new_week_starts_with_an_empty_weekly_board(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    await seed(engine, [(1, ActivityType.LESSON_COMPLETED, 10, NOW)], 1)
    clock.set(WEEK + timedelta(days=7))

    async with sessionmaker() as session:
        await rebuild_leaderboard(session, context)

    assert await current_board(engine, LeaderboardPeriod.WEEKLY) == []
    assert await current_board(engine, LeaderboardPeriod.ALL_TIME) == [(1, 1, 1, 10, 1, 0)]


async def test_a_reader_sees_a_whole_board_during_rebuilds(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    context: Context,
) -> None:
    rng = random.Random(7)
    learners = 600
    entries = random_ledger(rng, learners)
    await seed(engine, entries, learners)
    async with sessionmaker() as session:
        await rebuild_leaderboard(session, context)
    expected = len(brute_force(entries, None))
    cache = LeaderboardEntry.__table__
    shape = select(
        func.count(),
        func.min(cache.c.position),
        func.max(cache.c.position),
        func.count(distinct(cache.c.position)),
    ).where(cache.c.generation == CURRENT_GENERATION, cache.c.period == LeaderboardPeriod.ALL_TIME)
    done = asyncio.Event()
    seen: list[tuple[int, ...]] = []
    reader_engine = create_engine(database_url)

    async def read() -> None:
        async with reader_engine.connect() as conn:
            while not done.is_set():
                seen.append(tuple((await conn.execute(shape)).one()))
                # Each read in a snapshot of its own.
                await conn.rollback()
                await asyncio.sleep(0)

    async def rebuild() -> None:
        try:
            for _ in range(4):
                async with sessionmaker() as session:
                    await rebuild_leaderboard(session, context)
        finally:
            done.set()

    try:
        await asyncio.gather(read(), rebuild())
    finally:
        await reader_engine.dispose()

    assert seen, "the reader read while the board was rebuilt"
    assert set(seen) == {(expected, 1, expected, expected)}


async def test_a_learner_writes_their_row_while_the_board_is_written(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], db_kind: str
) -> None:
    """The rebuild's transactions hold no lock on learners' rows: a learner answering while the
    boards are written, or while the new generation is checked against the learners who still
    exist and ranked again (their streak is on their users row), does not wait for a commit."""
    if db_kind != "mysql":
        pytest.skip("SQLite has one writer at a time: the rebuild is short there")
    await seed(engine, random_ledger(random.Random(3), 50), 50)

    async def learner_answers(user_id: int) -> None:
        async with engine.connect() as learner:
            await learner.execute(text("SET SESSION innodb_lock_wait_timeout = 1"))
            await learner.execute(
                update(User)
                .where(User.id == user_id)
                # The streak's next check is an indexed column: its index entry changes too.
                .values(current_streak=User.current_streak + 1, streak_due_at=NOW)
            )
            await learner.commit()

    async with sessionmaker() as rebuilding:
        await rebuilding.connection(execution_options={"isolation_level": "READ COMMITTED"})
        written = await repo.write_boards(rebuilding, 99, NOW, WEEK)
        assert written > 0
        # Not committed yet: a learner on the new board changes their own row meanwhile.
        ranked = await rebuilding.scalar(
            select(LeaderboardEntry.user_id).where(LeaderboardEntry.generation == 99).limit(1)
        )
        assert ranked is not None
        await learner_answers(ranked)
        # The foreign key checks were switched back on for whatever the connection does next.
        assert await rebuilding.scalar(text("SELECT @@foreign_key_checks")) == 1
        # The checks before the switch keep no lock on users rows either.
        await repo.wait_for_deletes_in_flight(rebuilding)
        assert await repo.drop_departed(rebuilding, 99) == 0
        await rebuilding.execute(
            update(LeaderboardEntry)
            .where(LeaderboardEntry.generation == 99)
            .values(position=LeaderboardEntry.position + 1)
        )
        assert await repo.rerank(rebuilding, 99) == written
        await learner_answers(ranked)
        await rebuilding.rollback()
