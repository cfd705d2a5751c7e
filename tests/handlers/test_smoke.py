from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import ProgressStatus
from db.models import ExerciseAttempt, User, UserProgress
from tests.support.chat import Chat
from tests.support.course import Course


async def test_start_then_first_lesson_run(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/start")
    assert "Hi, Ada" in chat.last_text
    await chat.tap("Continue")
    assert "Basics" in chat.last_text
    await chat.tap("Start exercises")
    assert "question 1 of 2" in chat.last_text
    await chat.tap("b")
    await chat.tap("True")
    assert "Finished" in chat.last_text
    async with sessionmaker() as s:
        row = await s.scalar(select(UserProgress))
        assert row is not None and row.status is ProgressStatus.COMPLETED and row.score == 100
        assert await s.scalar(select(func.count()).select_from(ExerciseAttempt)) == 2
        assert await s.scalar(select(func.count()).select_from(User)) == 1
