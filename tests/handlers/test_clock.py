"""Time comes from the app's clock: a learner crosses days without the test sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks.learner import LessonCb
from db.clock import ManualClock
from db.enums import ActivityType, ProgressStatus
from db.models import ActivityLog, UserProgress
from tests.support.chat import Chat
from tests.support.course import Course
from tests.support.rows import one, rows

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY)


async def test_study_time_and_dates_follow_the_clock_across_days(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    clock.advance(minutes=2)
    await chat.tap("Start exercises")
    # A night's sleep between two answers is a break, not five hundred minutes of study.
    clock.advance(days=1)
    await chat.tap("b", exact=True)
    clock.advance(seconds=30)
    await chat.tap("True", exact=True)
    assert "Finished" in chat.last_text

    row = await one(sessionmaker, UserProgress)
    assert row.status is ProgressStatus.COMPLETED
    assert row.started_at == MONDAY
    assert row.completed_at == MONDAY + timedelta(days=1, minutes=2, seconds=30)
    assert row.time_spent_seconds == 120 + 300 + 30
    logged = {a.activity_type: a.created_at for a in await rows(sessionmaker, ActivityLog)}
    assert logged[ActivityType.LESSON_STARTED] == MONDAY
    assert logged[ActivityType.LESSON_COMPLETED] == MONDAY + timedelta(
        days=1, minutes=2, seconds=30
    )
