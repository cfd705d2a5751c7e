"""The reminder job on the test databases: one reminder on a learner's local day, at their hour,
only while there is a streak to keep and only to one who has not learned that day."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services import settings as learner_settings
from bot.services.context import Context
from bot.services.reminders import queue_reminders
from bot.services.streak_upkeep import upkeep_streaks
from db.clock import ManualClock
from db.enums import BroadcastKind
from db.models import Broadcast, BroadcastDelivery, User
from tests.support.factories import insert_row
from tests.support.instants import utc
from tests.support.roundtrips import STATEMENT, RoundTrips, counting_as
from tests.support.rows import rows
from tests.support.standing import prepare_learner

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def run(
    sessionmaker: async_sessionmaker[AsyncSession], context: Context, **kwargs: Any
) -> int:
    async with sessionmaker() as session:
        return await queue_reminders(session, context, **kwargs)


async def reminded(sessionmaker: async_sessionmaker[AsyncSession]) -> list[int]:
    """The learners with a REMINDER delivery, once per delivery."""
    async with sessionmaker() as session:
        found = await session.scalars(
            select(BroadcastDelivery.user_id)
            .join(Broadcast)
            .where(Broadcast.kind == BroadcastKind.REMINDER)
            .order_by(BroadcastDelivery.user_id)
        )
        return list(found)


async def reminder_columns(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: int
) -> tuple[datetime | None, date | None]:
    [user] = await rows(sessionmaker, User, User.id == user_id)
    return user.remind_at, user.last_reminded_on


async def learner(engine: AsyncEngine, telegram_id: int, **columns: Any) -> int:
    """A learner with a 3-day streak kept yesterday (1 March) and a reminder at 9."""
    values: dict[str, Any] = {
        "current_streak": 3,
        "longest_streak": 3,
        "last_active_date": date(2026, 3, 1),
        "reminder_hour": 9,
        "reminders_enabled": True,
    }
    values.update(columns)
    return await prepare_learner(engine, telegram_id, **values)


async def test_each_learner_is_reminded_at_their_hour_in_their_zone(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    # 09:00 on 2 March in each zone, as the activity of 1 March left it.
    east = await learner(engine, 1, timezone="Pacific/Kiritimati", remind_at=utc(2026, 3, 1, 19))
    west = await learner(engine, 2, timezone="Etc/GMT+12", remind_at=utc(2026, 3, 2, 21))
    berlin = await learner(engine, 3, timezone="Europe/Berlin", remind_at=utc(2026, 3, 2, 8))
    # Another in Kiritimati who learned on the 2nd there: owed one at 09:00 on the 3rd.
    learned = await learner(
        engine, 4, timezone="Pacific/Kiritimati", last_active_date=date(2026, 3, 2),
        remind_at=utc(2026, 3, 2, 19),
    )  # fmt: skip

    clock.set(utc(2026, 3, 1, 18, 59))
    assert await run(sessionmaker, context) == 0
    clock.set(utc(2026, 3, 1, 19, 0))
    assert await run(sessionmaker, context) == 1
    assert await reminded(sessionmaker) == [east]
    assert await reminder_columns(sessionmaker, east) == (utc(2026, 3, 2, 19), date(2026, 3, 2))

    clock.set(utc(2026, 3, 2, 7, 59))
    assert await run(sessionmaker, context) == 0
    clock.set(utc(2026, 3, 2, 8, 1))
    assert await run(sessionmaker, context) == 1
    assert await reminder_columns(sessionmaker, berlin) == (utc(2026, 3, 3, 8), date(2026, 3, 2))

    clock.set(utc(2026, 3, 2, 21, 0))
    assert await run(sessionmaker, context) == 2
    assert await reminded(sessionmaker) == [east, west, berlin, learned]
    assert await reminder_columns(sessionmaker, west) == (utc(2026, 3, 3, 21), date(2026, 3, 2))
    assert await reminder_columns(sessionmaker, learned) == (utc(2026, 3, 3, 19), date(2026, 3, 3))
    # The first one's 3 March came and went without learning: their streak is over, and so
    # are the reminders.
    assert await reminder_columns(sessionmaker, east) == (None, date(2026, 3, 2))


async def test_the_reminder_follows_the_local_hour_across_a_daylight_saving_change(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    user = await learner(
        engine, 1, timezone="Europe/Berlin", last_active_date=date(2026, 3, 27),
        remind_at=utc(2026, 3, 28, 8),
    )  # fmt: skip
    clock.set(utc(2026, 3, 28, 8))
    assert await run(sessionmaker, context) == 1
    # 09:00 on Sunday 29 March is CEST: 07:00 UTC.
    assert await reminder_columns(sessionmaker, user) == (utc(2026, 3, 29, 7), date(2026, 3, 28))


async def test_a_second_run_or_a_later_hour_the_same_day_reminds_no_one_again(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    user = await learner(engine, 1, remind_at=utc(2026, 3, 2, 9), streak_freezes=1)
    clock.set(utc(2026, 3, 2, 9, 5))
    assert await run(sessionmaker, context) == 1
    assert await run(sessionmaker, context) == 0

    # Reminded at 9, the learner now asks for 18: from tomorrow on.
    async with sessionmaker() as session:
        await learner_settings.set_reminder_hour(session, context, user, 18)
    assert await reminder_columns(sessionmaker, user) == (utc(2026, 3, 3, 18), date(2026, 3, 2))
    # Off and on again is no way round it either.
    async with sessionmaker() as session:
        await learner_settings.set_reminders(session, context, user, enabled=False)
    assert await reminder_columns(sessionmaker, user) == (None, date(2026, 3, 2))
    async with sessionmaker() as session:
        await learner_settings.set_reminders(session, context, user, enabled=True)
    clock.set(utc(2026, 3, 2, 18, 30))
    assert await run(sessionmaker, context) == 0
    assert await reminded(sessionmaker) == [user]

    clock.set(utc(2026, 3, 3, 18, 0))
    assert await run(sessionmaker, context) == 1
    assert await reminded(sessionmaker) == [user, user]


@pytest.mark.parametrize(
    ("columns", "remind_at_after"),
    [
        # Blocked the bot: not reminded, but still owed one tomorrow should they come back.
        ({"is_active": False}, utc(2026, 3, 3, 9)),
        # Learned today (a write that missed the column, or a clock that moved): tomorrow.
        ({"last_active_date": date(2026, 3, 2)}, utc(2026, 3, 3, 9)),
        # Reminders off, or no hour: nothing owed any more.
        ({"reminders_enabled": False}, None),
        ({"reminder_hour": None}, None),
        # No streak to keep, or one that broke on a day not yet looked at by the streak job.
        ({"current_streak": 0}, None),
        ({"last_active_date": date(2026, 2, 27)}, None),
    ],
)
async def test_who_is_never_reminded(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    columns: dict[str, Any],
    remind_at_after: datetime | None,
    context: Context,
) -> None:
    user = await learner(engine, 1, remind_at=utc(2026, 3, 2, 9), **columns)
    clock.set(utc(2026, 3, 2, 10))
    assert await run(sessionmaker, context) == 0
    assert await reminded(sessionmaker) == []
    assert await reminder_columns(sessionmaker, user) == (remind_at_after, None)


async def test_learners_not_due_are_left_as_they_were(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    later = await learner(engine, 1, remind_at=utc(2026, 3, 2, 18))
    none_set = await learner(engine, 2)
    clock.set(utc(2026, 3, 2, 10))
    assert await run(sessionmaker, context) == 0
    assert await reminder_columns(sessionmaker, later) == (utc(2026, 3, 2, 18), None)
    assert await reminder_columns(sessionmaker, none_set) == (None, None)


async def test_one_broadcast_per_batch_and_a_fixed_number_of_statements(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    db_kind: str,
    context: Context,
) -> None:
    counter = RoundTrips()
    counter.attach(engine)
    for telegram_id in range(1, 26):
        await learner(engine, telegram_id, remind_at=utc(2026, 3, 2, 9), streak_freezes=2)
    clock.set(utc(2026, 3, 2, 9))
    with counting_as("one batch"):
        assert await run(sessionmaker, context) == 25
    assert len(await reminded(sessionmaker)) == 25
    assert len(await rows(sessionmaker, Broadcast)) == 1
    clock.set(utc(2026, 3, 3, 9))
    with counting_as("three batches"):
        assert await run(sessionmaker, context, batch_size=10) == 25
    assert len(await reminded(sessionmaker)) == 50
    # A broadcast per batch: each is whole when its transaction commits, so a sender never
    # finishes one that a later batch would still add to.
    assert len(await rows(sessionmaker, Broadcast)) == 1 + 3
    one, three = (counter.of(label)[STATEMENT] for label in ("one batch", "three batches"))
    # Per batch: its read, the broadcast, its deliveries, the UPDATE (and SQLite's BEGIN). Per
    # run, before the batches: the one UPDATE planning a reminder for learners with only review
    # cards due (and SQLite's BEGIN).
    begin = 1 if db_kind == "sqlite" else 0
    batch, run_once = 4 + begin, 1 + begin
    assert one == batch + run_once
    assert three == 3 * batch + run_once


async def test_both_jobs_at_once_over_the_same_learners_do_their_whole_work(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    # Due to both jobs, which lock them in opposite orders (the streak job's index runs up the
    # ids, the reminder job's down): however their batches interleave, each job's work is done
    # whole. (A batch that loses a deadlock is run again by its unit of work:
    # tests/unit/test_sweeps.py.)
    clock.set(utc(2026, 3, 3, 10))
    async with engine.begin() as conn:
        for n in range(1, 301):
            await insert_row(
                conn, User, telegram_id=n, current_streak=3, longest_streak=3,
                last_active_date=date(2026, 3, 1), streak_freezes=1, reminder_hour=9,
                streak_due_at=utc(2026, 3, 3, 0, n % 60), remind_at=utc(2026, 3, 3, 9, 59 - n % 60),
            )  # fmt: skip

    async def upkeep() -> int:
        async with sessionmaker() as session:
            return await upkeep_streaks(session, context, batch_size=50)

    async def remind() -> int:
        async with sessionmaker() as session:
            return await queue_reminders(session, context, batch_size=50)

    assert list(await asyncio.gather(upkeep(), remind())) == [300, 300]
    learners = await rows(sessionmaker, User)
    assert {
        (u.current_streak, u.streak_freezes, u.last_active_date, u.last_reminded_on)
        for u in learners
    } == {(3, 0, date(2026, 3, 2), date(2026, 3, 3))}
    assert len(await reminded(sessionmaker)) == 300


async def test_a_learner_half_an_hour_off_utc_is_reminded_and_kept_on_their_own_day(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    # A streak kept on 1 March, reminders at 9: then the learner types "UTC+5:30".
    user = await learner(engine, 1)
    newfoundland = await learner(engine, 2)
    clock.set(utc(2026, 3, 1, 22))  # 03:30 on the 2nd in India, 18:30 on the 1st in St. John's
    async with sessionmaker() as session:
        await learner_settings.set_timezone(session, context, user, "UTC+5:30")
        await learner_settings.set_timezone(session, context, newfoundland, "-3:30")
    [row] = await rows(sessionmaker, User, User.id == user)
    assert row.timezone == "UTC+05:30"
    # 09:00 on the 2nd at +5:30 is 03:30 UTC; the day after the 2nd ends at 18:30 UTC on the 2nd.
    assert (row.remind_at, row.streak_due_at) == (utc(2026, 3, 2, 3, 30), utc(2026, 3, 2, 18, 30))
    [west] = await rows(sessionmaker, User, User.id == newfoundland)
    assert (west.timezone, west.remind_at) == ("UTC-03:30", utc(2026, 3, 2, 12, 30))

    clock.set(utc(2026, 3, 2, 3, 29))
    assert await run(sessionmaker, context) == 0
    clock.set(utc(2026, 3, 2, 3, 30))
    assert await run(sessionmaker, context) == 1
    assert await reminded(sessionmaker) == [user]
    assert await reminder_columns(sessionmaker, user) == (utc(2026, 3, 3, 3, 30), date(2026, 3, 2))

    # No learning on the 2nd at +5:30: at 18:30 UTC their 3rd begins and the streak is over.
    clock.set(utc(2026, 3, 2, 18, 29))
    async with sessionmaker() as session:
        await upkeep_streaks(session, context)
    assert (await rows(sessionmaker, User, User.id == user))[0].current_streak == 3
    clock.set(utc(2026, 3, 2, 18, 30))
    async with sessionmaker() as session:
        assert await upkeep_streaks(session, context) == 1
    [row] = await rows(sessionmaker, User, User.id == user)
    assert (row.current_streak, row.streak_due_at, row.remind_at) == (0, None, None)
