"""The streak job on the test databases, moved through time with a ManualClock."""

from __future__ import annotations

import itertools
import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.context import Context
from bot.services.streak_upkeep import upkeep_streaks
from db.clock import ManualClock
from db.enums import ActivityType, BroadcastKind
from db.models import Achievement, ActivityLog, Broadcast, BroadcastDelivery, User, UserAchievement
from tests.support.factories import insert_row
from tests.support.instants import utc
from tests.support.roundtrips import STATEMENT, RoundTrips, counting_as
from tests.support.rows import rows
from tests.support.standing import held_codes, prepare_learner

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def run(
    sessionmaker: async_sessionmaker[AsyncSession], context: Context, default: str = "UTC"
) -> int:
    async with sessionmaker() as session:
        return await upkeep_streaks(session, context, default)


async def row_of(sessionmaker: async_sessionmaker[AsyncSession], user_id: int) -> dict[str, Any]:
    [user] = await rows(sessionmaker, User, User.id == user_id)
    return {c.name: getattr(user, c.key) for c in User.__table__.columns}


async def streak_row(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: int
) -> tuple[Any, ...]:
    r = await row_of(sessionmaker, user_id)
    return (
        r["current_streak"],
        r["longest_streak"],
        r["last_active_date"],
        r["streak_freezes"],
        r["streak_due_at"],
    )


async def test_across_the_date_line_each_learner_is_looked_at_on_their_own_midnight(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    last = date(2026, 3, 2)
    east = await prepare_learner(
        engine, 1, timezone="Pacific/Kiritimati", current_streak=5, longest_streak=5,
        last_active_date=last, streak_due_at=utc(2026, 3, 3, 10), remind_at=utc(2026, 3, 3, 5),
        reminder_hour=9,
    )  # fmt: skip
    west = await prepare_learner(
        engine, 2, timezone="Etc/GMT+12", current_streak=3, longest_streak=6,
        last_active_date=last, streak_due_at=utc(2026, 3, 4, 12),
    )  # fmt: skip

    clock.set(utc(2026, 3, 3, 9, 59))  # 23:59 on the 3rd in Kiritimati
    assert await run(sessionmaker, context) == 0
    assert (await streak_row(sessionmaker, east))[0] == 5

    clock.set(utc(2026, 3, 3, 10, 5))  # the 4th has begun there, the 2nd is not over in the west
    assert await run(sessionmaker, context) == 1
    assert await streak_row(sessionmaker, east) == (0, 5, last, 0, None)
    assert (await row_of(sessionmaker, east))["remind_at"] is None
    assert await streak_row(sessionmaker, west) == (3, 6, last, 0, utc(2026, 3, 4, 12))

    clock.set(utc(2026, 3, 4, 12))
    assert await run(sessionmaker, context) == 1
    assert await streak_row(sessionmaker, west) == (0, 6, last, 0, None)


async def test_a_freeze_covers_each_missed_day_then_the_streak_breaks_and_freezes_stay(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    user = await prepare_learner(
        engine, current_streak=9, longest_streak=9, last_active_date=date(2026, 3, 1),
        streak_freezes=2, streak_due_at=utc(2026, 3, 3),
    )  # fmt: skip
    clock.set(utc(2026, 3, 3, 0, 15))
    assert await run(sessionmaker, context) == 1
    assert await streak_row(sessionmaker, user) == (9, 9, date(2026, 3, 2), 1, utc(2026, 3, 4))
    assert await run(sessionmaker, context) == 0  # the same night again: nothing due

    clock.set(utc(2026, 3, 4, 0, 15))
    assert await run(sessionmaker, context) == 1
    assert await streak_row(sessionmaker, user) == (9, 9, date(2026, 3, 3), 0, utc(2026, 3, 5))

    clock.set(utc(2026, 3, 5, 0, 15))
    assert await run(sessionmaker, context) == 1
    assert await streak_row(sessionmaker, user) == (0, 9, date(2026, 3, 3), 0, None)


@pytest.mark.parametrize(
    ("freezes", "expected"),
    [
        # Two days missed (the job did not run for a day): two freezes cover both.
        (2, (4, 4, date(2026, 3, 3), 0, utc(2026, 3, 5))),
        # One freeze cannot cover two days: broken, the freeze kept for the next streak.
        (1, (0, 4, date(2026, 3, 1), 1, None)),
        (0, (0, 4, date(2026, 3, 1), 0, None)),
    ],
)
async def test_two_missed_days_take_two_freezes_or_break_the_streak(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    freezes: int,
    expected: tuple[Any, ...],
    context: Context,
) -> None:
    user = await prepare_learner(
        engine, current_streak=4, longest_streak=4, last_active_date=date(2026, 3, 1),
        streak_freezes=freezes, streak_due_at=utc(2026, 3, 3),
    )  # fmt: skip
    clock.set(utc(2026, 3, 4, 1))
    assert await run(sessionmaker, context) == 1
    assert await streak_row(sessionmaker, user) == expected


async def test_daylight_saving_changes_in_berlin(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    spring = await prepare_learner(
        engine, 1, timezone="Europe/Berlin", current_streak=2, longest_streak=2,
        last_active_date=date(2026, 3, 27), streak_freezes=1, streak_due_at=utc(2026, 3, 28, 23),
    )  # fmt: skip
    autumn = await prepare_learner(
        engine, 2, timezone="Europe/Berlin", current_streak=2, longest_streak=2,
        last_active_date=date(2026, 10, 23), streak_freezes=1, streak_due_at=utc(2026, 10, 24, 22),
    )  # fmt: skip
    clock.set(utc(2026, 3, 28, 23))  # Sunday 29 March begins; its day has 23 hours
    assert await run(sessionmaker, context) == 1
    assert await streak_row(sessionmaker, spring) == (
        2,
        2,
        date(2026, 3, 28),
        0,
        utc(2026, 3, 29, 22),
    )
    clock.set(utc(2026, 10, 24, 22))  # Sunday 25 October begins; its day has 25 hours
    assert (
        await run(sessionmaker, context) == 2
    )  # the spring learner's next midnight passed long ago
    assert await streak_row(sessionmaker, autumn) == (
        2,
        2,
        date(2026, 10, 24),
        0,
        utc(2026, 10, 25, 23),
    )
    assert (await streak_row(sessionmaker, spring))[0] == 0


async def test_learners_not_due_are_left_exactly_as_they_were(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    later = await prepare_learner(
        engine, 1, current_streak=3, longest_streak=3, last_active_date=date(2026, 3, 1),
        streak_due_at=utc(2026, 3, 3),
    )  # fmt: skip
    # A streak the column says nothing about (broken but never looked at): not this job's.
    unlisted = await prepare_learner(
        engine, 2, current_streak=3, longest_streak=3, last_active_date=date(2026, 2, 1)
    )
    due = await prepare_learner(
        engine, 3, current_streak=1, longest_streak=1, last_active_date=date(2026, 2, 27),
        streak_due_at=utc(2026, 3, 1),
    )  # fmt: skip
    before = [await row_of(sessionmaker, u) for u in (later, unlisted)]
    assert await run(sessionmaker, context) == 1
    assert [await row_of(sessionmaker, u) for u in (later, unlisted)] == before
    assert (await streak_row(sessionmaker, due))[0] == 0


async def test_an_intact_streak_whose_instant_is_stale_only_gets_its_instant(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    # As the migration leaves a learner with a streak: due now, whatever their day.
    user = await prepare_learner(
        engine, timezone="Asia/Tokyo", current_streak=3, longest_streak=3,
        last_active_date=date(2026, 3, 1), streak_due_at=utc(2026, 1, 1),
    )  # fmt: skip
    assert await run(sessionmaker, context) == 1
    assert await streak_row(sessionmaker, user) == (3, 3, date(2026, 3, 1), 0, utc(2026, 3, 2, 15))


async def notices(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[int, str | None]]:
    async with sessionmaker() as session:
        found = await session.execute(
            select(BroadcastDelivery.user_id, BroadcastDelivery.payload)
            .join(Broadcast)
            .where(Broadcast.kind == BroadcastKind.NOTICE)
            .order_by(BroadcastDelivery.user_id, BroadcastDelivery.payload)
        )
        return [(u, p) for u, p in found]


async def test_a_missing_streak_achievement_is_awarded_paid_and_told_once(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    catalogue = {a.code: a for a in await rows(sessionmaker, Achievement)}
    first = await prepare_learner(
        engine, 1, current_streak=8, longest_streak=8, last_active_date=date(2026, 2, 27),
        streak_due_at=utc(2026, 3, 1),
    )  # fmt: skip
    second = await prepare_learner(
        engine, 2, current_streak=2, longest_streak=4, last_active_date=date(2026, 2, 28),
        streak_due_at=utc(2026, 3, 2),
    )  # fmt: skip
    async with engine.begin() as conn:
        await insert_row(
            conn, UserAchievement, user_id=first, achievement_id=catalogue["streak_3"].id
        )
    clock.set(utc(2026, 3, 2, 0, 5))
    assert await run(sessionmaker, context) == 2
    assert sorted(await held_codes(sessionmaker)) == ["streak_3", "streak_3", "streak_7"]
    assert await notices(sessionmaker) == [(first, "streak_7"), (second, "streak_3")]
    paid = [
        (r.user_id, r.entity_id, r.xp)
        for r in await rows(
            sessionmaker, ActivityLog, ActivityLog.activity_type == ActivityType.ACHIEVEMENT_EARNED
        )
    ]
    assert sorted(paid) == sorted(
        [
            (first, catalogue["streak_7"].id, catalogue["streak_7"].points),
            (second, catalogue["streak_3"].id, catalogue["streak_3"].points),
        ]
    )
    # One broadcast per achievement: a broadcast holds one delivery per learner.
    assert len(await rows(sessionmaker, Broadcast)) == 2

    # Due again (as if their instant had been wrong): nothing earned twice, nobody told twice.
    async with sessionmaker() as session:
        await session.execute(update(User).values(streak_due_at=utc(2026, 3, 1)))
        await session.commit()
    assert await run(sessionmaker, context) == 2
    assert await run(sessionmaker, context) == 0
    assert len(await held_codes(sessionmaker)) == 3
    assert len(await notices(sessionmaker)) == 2
    assert len(await rows(sessionmaker, ActivityLog)) == 2


async def test_an_unknown_zone_falls_back_to_the_default_and_the_run_goes_on(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    context: Context,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.services.sweeps")
    stray = await prepare_learner(
        engine, 1, timezone="Mars/Olympus_Mons", current_streak=2, longest_streak=2,
        last_active_date=date(2026, 3, 1), streak_due_at=utc(2026, 1, 1),
    )  # fmt: skip
    other = await prepare_learner(
        engine, 2, current_streak=2, longest_streak=2, last_active_date=date(2026, 2, 20),
        streak_due_at=utc(2026, 2, 22),
    )  # fmt: skip
    assert await run(sessionmaker, context, default="Asia/Tokyo") == 2
    # Tokyo's midnight ending 2 March: 15:00 UTC.
    assert (await streak_row(sessionmaker, stray))[4] == utc(2026, 3, 2, 15)
    assert (await streak_row(sessionmaker, other))[0] == 0
    assert any(
        f"learner {stray}" in r.getMessage() and "Mars/Olympus_Mons" in r.getMessage()
        for r in caplog.records
    )


async def test_a_row_no_rule_can_read_is_put_off_a_day_and_the_run_goes_on(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
    context: Context,
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.services.streak_upkeep")
    broken = await prepare_learner(
        engine, 1, current_streak=2, longest_streak=2, last_active_date=date(9999, 12, 30),
        streak_due_at=utc(2026, 1, 1),
    )  # fmt: skip
    other = await prepare_learner(
        engine, 2, current_streak=2, longest_streak=2, last_active_date=date(2026, 2, 20),
        streak_due_at=utc(2026, 2, 22),
    )  # fmt: skip
    assert await run(sessionmaker, context) == 2
    assert await streak_row(sessionmaker, broken) == (
        2, 2, date(9999, 12, 30), 0, START + timedelta(days=1),
    )  # fmt: skip
    assert (await streak_row(sessionmaker, other))[0] == 0
    assert any(f"learner {broken}" in r.getMessage() for r in caplog.records)


TELEGRAM_IDS = itertools.count(10_000, 1_000)


async def due_learners(engine: AsyncEngine, telegram_ids: range) -> None:
    """Learners due a look, each to lose an 8-day streak and earn two achievements."""
    async with engine.begin() as conn:
        for telegram_id in telegram_ids:
            await insert_row(
                conn, User, telegram_id=telegram_id, current_streak=8, longest_streak=8,
                last_active_date=date(2026, 2, 20), streak_due_at=utc(2026, 2, 22),
            )  # fmt: skip


async def statements(
    engine: AsyncEngine,
    context: Context,
    sessionmaker: async_sessionmaker[AsyncSession],
    counter: RoundTrips,
    n: int,
    batch_size: int,
) -> int:
    first = next(TELEGRAM_IDS)
    await due_learners(engine, range(first, first + n))
    label = f"upkeep {n}/{batch_size}"
    with counting_as(label):
        async with sessionmaker() as session:
            assert await upkeep_streaks(session, context, batch_size=batch_size) == n
    return counter.of(label)[STATEMENT]


async def test_upkeep_costs_a_fixed_number_of_statements_per_batch_not_per_learner(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    db_kind: str,
    context: Context,
) -> None:
    counter = RoundTrips()
    counter.attach(engine)
    # The process reads the achievement catalogue once, at its first batch.
    await statements(engine, context, sessionmaker, counter, 1, 1000)
    nothing_due = await statements(engine, context, sessionmaker, counter, 0, 1000)
    few = await statements(engine, context, sessionmaker, counter, 3, 1000)
    many = await statements(engine, context, sessionmaker, counter, 40, 1000)
    batched = await statements(engine, context, sessionmaker, counter, 40, 10)
    assert few == many
    # Four full batches and the read that finds none left.
    assert batched == 4 * few + nothing_due
    # A batch: its read, its UPDATE, the awards, their ledger rows, and per achievement a
    # broadcast and its deliveries (SQLite's BEGIN IMMEDIATE is a statement of its own).
    begin = 1 if db_kind == "sqlite" else 0
    assert (nothing_due, few) == (begin + 1, begin + 1 + 1 + 2 + 2 * 2)
