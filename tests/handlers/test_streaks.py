"""Streaks counted on the learner's own calendar, moved through time with the app's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.callbacks.learner import LessonCb
from bot.config import Settings
from bot.services.context import Context
from bot.texts import motivation
from db.clock import ManualClock
from db.models import User
from tests.support.chat import Chat, make_chat
from tests.support.course import Course
from tests.support.rows import one
from tests.support.standing import prepare_learner

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY)


async def solve_one(chat: Chat, course: Course) -> None:
    """A right answer: the first question of Basics, in a run of its own."""
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap("exercises")
    if "question 2 of 2" in chat.last_text:  # an earlier day left the run there
        await chat.tap("True", exact=True)
        await chat.tap("Try again")
    await chat.tap("b", exact=True)


async def streak_of(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, int, date, int]:
    user = await one(sessionmaker, User)
    assert user.last_active_date is not None
    return user.current_streak, user.longest_streak, user.last_active_date, user.streak_freezes


async def test_consecutive_local_days_and_a_right_answer_keeps_the_day(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await chat.take_lesson(course.lessons["reading"], [])
    assert str(motivation.STREAK_STARTED) in chat.last_text  # the first day starts a streak
    clock.advance(hours=10)  # still Monday
    await solve_one(chat, course)
    assert await streak_of(sessionmaker) == (1, 1, date(2026, 3, 2), 0)

    for day in range(1, 7):
        clock.set(MONDAY + timedelta(days=day))
        await solve_one(chat, course)
        assert (await streak_of(sessionmaker))[0] == day + 1
    # Day 7 earns a freeze; the next completion shows it.
    assert await streak_of(sessionmaker) == (7, 7, date(2026, 3, 8), 1)
    await chat.tap("True", exact=True)
    assert "🔥 7-day streak · 1 freeze" in chat.last_text


async def test_a_wrong_answer_keeps_no_day(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap("Start exercises")
    await chat.tap("a", exact=True)
    user = await one(sessionmaker, User)
    assert (user.current_streak, user.last_active_date) == (0, None)


async def test_the_date_line_the_same_instant_is_two_different_days(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    course: Course,
    clock: ManualClock,
    context: Context,
) -> None:
    clock.set(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    east = make_chat(settings, sessionmaker, context, user_id=1)
    west = make_chat(settings, sessionmaker, context, user_id=2, dp=east.dp, bot=east.bot)
    await prepare_learner(engine, 1, timezone="Pacific/Kiritimati")  # UTC+14
    await prepare_learner(engine, 2, timezone="Etc/GMT+12")  # UTC-12

    await east.take_lesson(course.lessons["reading"], [])
    await west.take_lesson(course.lessons["reading"], [])

    days = {
        u.telegram_id: u.last_active_date
        for u in [await one(sessionmaker, User, User.telegram_id == t) for t in (1, 2)]
    }
    assert days == {1: date(2026, 3, 3), 2: date(2026, 3, 1)}
    await east.bot.session.close()


async def test_a_zone_the_learner_stored_that_cannot_be_loaded_is_the_default(
    chat: Chat, course: Course, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await prepare_learner(engine, timezone="Mars/Olympus")
    await chat.take_lesson(course.lessons["reading"], [])
    assert (await one(sessionmaker, User)).last_active_date == date(2026, 3, 2)  # UTC


@pytest.mark.parametrize(
    ("first", "second", "second_day"),
    [
        # The spring change (29 March): 23:30 CET, then 23:30 CEST only 23 hours later.
        (
            datetime(2026, 3, 28, 22, 30, tzinfo=UTC),
            datetime(2026, 3, 29, 21, 30, tzinfo=UTC),
            date(2026, 3, 29),
        ),
        # The autumn change (25 October): 23:30 CEST, then 23:30 CET 25 hours later; a fixed
        # offset would put the second on the 26th and call the 25th missed.
        (
            datetime(2026, 10, 24, 21, 30, tzinfo=UTC),
            datetime(2026, 10, 25, 22, 30, tzinfo=UTC),
            date(2026, 10, 25),
        ),
    ],
)
async def test_consecutive_days_across_a_dst_change_in_berlin(
    chat: Chat,
    course: Course,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    first: datetime,
    second: datetime,
    second_day: date,
) -> None:
    await prepare_learner(engine, timezone="Europe/Berlin")
    clock.set(first)
    await solve_one(chat, course)
    clock.set(second)
    await solve_one(chat, course)
    assert await streak_of(sessionmaker) == (2, 2, second_day, 0)


async def test_a_missed_day_is_covered_by_a_freeze_two_reset_the_streak_the_longest_stays(
    chat: Chat,
    course: Course,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    # Eight days in a row up to yesterday, one freeze held.
    await prepare_learner(
        engine,
        current_streak=8,
        longest_streak=8,
        last_active_date=date(2026, 3, 1),
        streak_freezes=1,
    )
    clock.set(MONDAY + timedelta(days=1))  # Tuesday: Monday missed
    await solve_one(chat, course)
    assert await streak_of(sessionmaker) == (9, 9, date(2026, 3, 3), 0)

    clock.set(MONDAY + timedelta(days=4))  # Friday: Wednesday and Thursday missed
    await solve_one(chat, course)
    assert await streak_of(sessionmaker) == (1, 9, date(2026, 3, 6), 0)


async def test_never_more_than_two_freezes(
    chat: Chat,
    course: Course,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    await prepare_learner(
        engine,
        current_streak=20,
        longest_streak=20,
        last_active_date=date(2026, 3, 1),
        streak_freezes=2,
    )
    await solve_one(chat, course)  # day 21 would earn a third
    assert await streak_of(sessionmaker) == (21, 21, date(2026, 3, 2), 2)


async def test_my_progress_shows_the_streak_as_it_stands_today(
    chat: Chat, course: Course, clock: ManualClock
) -> None:
    await chat.send_text("/progress")
    assert "🔥 No streak yet" in chat.last_text
    await chat.take_lesson(course.lessons["reading"], [])
    clock.advance(days=1)
    await solve_one(chat, course)

    await chat.send_text("/progress")
    assert "🔥 2-day streak" in chat.last_text
    assert "🏔 Longest streak: <b>2</b> days" in chat.last_text
    clock.advance(days=2)  # a day missed, no freeze: the streak is gone, the longest stays
    await chat.send_text("/progress")
    assert "🔥 No streak yet" in chat.last_text
    assert "🏔 Longest streak: <b>2</b> days" in chat.last_text
