"""The instants the scheduler's jobs find learners by, kept right by what changes them: the day
an activity keeps, the zone and reminder settings; and the jobs acting on them afterwards."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.callbacks.learner import ReminderCb, ReminderHourCb, ZoneCb
from bot.config import Settings
from bot.services.context import Context
from bot.services.reminders import queue_reminders
from bot.services.streak_upkeep import upkeep_streaks
from bot.services.timezones import ZONES
from db.clock import ManualClock
from db.models import User
from tests.support.chat import Chat, make_chat
from tests.support.course import Course
from tests.support.instants import utc
from tests.support.rows import one
from tests.support.standing import prepare_learner

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY)


async def due_columns(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> tuple[datetime | None, datetime | None]:
    user = await one(sessionmaker, User)
    return user.streak_due_at, user.remind_at


async def solve_one(chat: Chat, course: Course) -> None:
    await chat.take_lesson(course.lessons["reading"], [])


async def test_a_new_learner_has_nothing_due(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/start")
    assert await due_columns(sessionmaker) == (None, None)


async def test_a_kept_day_sets_both_instants_in_the_learners_zone(
    chat: Chat,
    course: Course,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    await prepare_learner(engine, timezone="Europe/Berlin", reminder_hour=20)
    await solve_one(chat, course)  # 10:00 on Monday in Berlin
    # Looked at when Wednesday begins there; reminded at 20:00 on Tuesday.
    assert await due_columns(sessionmaker) == (utc(2026, 3, 3, 23), utc(2026, 3, 3, 19))

    clock.set(utc(2026, 3, 3, 19, 30))  # reminded on Tuesday, then learns at 20:30
    async with sessionmaker() as session:
        assert await queue_reminders(session, context) == 1
    assert await due_columns(sessionmaker) == (utc(2026, 3, 3, 23), utc(2026, 3, 4, 19))
    await chat.take_lesson(course.lessons["basics"], ["b", "True"])
    assert await due_columns(sessionmaker) == (utc(2026, 3, 4, 23), utc(2026, 3, 4, 19))


async def test_without_an_hour_a_kept_day_owes_no_reminder(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await solve_one(chat, course)  # reminders on (the default) but no hour picked
    assert await due_columns(sessionmaker) == (utc(2026, 3, 4), None)


@pytest.fixture
async def tokyo_chat(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> AsyncIterator[Chat]:
    settings = Settings(
        _env_file=None, database_url=database_url, bot_token=None, default_timezone="Asia/Tokyo"
    )
    chat = make_chat(settings, sessionmaker, context)
    yield chat
    await chat.bot.session.close()
    assert chat.failures() == []


async def test_settings_move_the_instants_in_the_zone_they_leave(
    tokyo_chat: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chat = tokyo_chat
    # Learned today (2 March in Tokyo, where it is 18:00), no zone of their own, no hour yet.
    await prepare_learner(
        engine, current_streak=2, longest_streak=2, last_active_date=date(2026, 3, 2),
        streak_due_at=utc(2026, 3, 3, 15),
    )  # fmt: skip

    await chat.press_data(ReminderHourCb(hour=20))
    assert await due_columns(sessionmaker) == (utc(2026, 3, 3, 15), utc(2026, 3, 3, 11))
    await chat.press_data(ReminderCb(enabled=False))
    assert await due_columns(sessionmaker) == (utc(2026, 3, 3, 15), None)
    await chat.press_data(ReminderCb(enabled=True))
    assert await due_columns(sessionmaker) == (utc(2026, 3, 3, 15), utc(2026, 3, 3, 11))

    await chat.press_data(ZoneCb(zone=ZONES.index("Europe/Berlin")))
    assert await due_columns(sessionmaker) == (utc(2026, 3, 3, 23), utc(2026, 3, 3, 19))


async def test_the_jobs_act_on_what_the_activity_left(
    chat: Chat,
    course: Course,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    await prepare_learner(engine, timezone="Pacific/Kiritimati", reminder_hour=9)
    await solve_one(chat, course)  # 23:00 on 2 March in Kiritimati

    async def jobs() -> tuple[int, int]:
        async with sessionmaker() as session:
            return await upkeep_streaks(session, context), await queue_reminders(session, context)

    clock.set(utc(2026, 3, 2, 18, 59))
    assert await jobs() == (0, 0)
    clock.set(utc(2026, 3, 2, 19, 0))  # 09:00 on the 3rd there
    assert await jobs() == (0, 1)
    clock.set(utc(2026, 3, 3, 10, 0))  # the 4th begins there: the 3rd was missed
    assert await jobs() == (1, 0)
    user = await one(sessionmaker, User)
    assert (user.current_streak, user.longest_streak, user.streak_due_at, user.remind_at) == (
        0, 1, None, None,
    )  # fmt: skip
