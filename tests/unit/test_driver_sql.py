"""The hot path's statements sent through exec_driver_sql (db/repositories/driver_sql.py) and its
one read packed into a JSON array (db/repositories/packed_row.py): what they write and read is
what SQLAlchemy's own execution writes and reads, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.unit_of_work import unit_of_work
from db.enums import ExerciseType, ProgressStatus
from db.models import Exercise, ExerciseAttempt, UserProgress
from db.repositories import driver_sql, progress
from db.repositories.lesson_state import LESSON_STATE, PROGRESS_COLUMNS
from tests.support.factories import count, create_course, create_user

Sessions = async_sessionmaker[AsyncSession]

WHOLE_SECOND = datetime(2026, 12, 6, 13, 5, 17, tzinfo=UTC)
MICROSECONDS = datetime(2026, 12, 6, 13, 5, 18, 120034, tzinfo=UTC)


async def test_a_progress_row_written_by_the_driver_reads_back_as_the_orm_wrote_it(
    sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    course = await create_course(engine)
    mine, theirs = await create_user(engine, 1), await create_user(engine, 2)
    values = {
        "lesson_id": course.lesson_id,
        "status": ProgressStatus.COMPLETED,
        "score": 80,
        "attempts": 3,
        "last_run": 4,
        "active_run": None,
        "time_spent_seconds": 95,
        "started_at": WHOLE_SECOND,
        "last_accessed_at": MICROSECONDS,
        "completed_at": MICROSECONDS,
        "created_at": WHOLE_SECOND,
        "updated_at": WHOLE_SECOND,
    }
    async with engine.begin() as conn:
        # Theirs by SQLAlchemy's own execution; mine first as a fresh row, then updated to the
        # same values through the driver.
        await conn.execute(insert(UserProgress).values(user_id=theirs, **values))
    async with sessionmaker() as session:
        state = await progress.lesson_state(session, mine, course.lesson_id, course.module_id)
        await progress.save_progress(session, state.progress, now=WHOLE_SECOND)
        row = state.progress
        row.status, row.score, row.attempts, row.last_run = ProgressStatus.COMPLETED, 80, 3, 4
        row.time_spent_seconds = 95
        row.started_at, row.last_accessed_at, row.completed_at = (
            WHOLE_SECOND,
            MICROSECONDS,
            MICROSECONDS,
        )
        await progress.save_progress(session, row, now=WHOLE_SECOND)
        await session.commit()

    columns = [c for c in PROGRESS_COLUMNS if c.name not in ("id", "user_id")]
    async with engine.connect() as conn:
        # As stored: SQLite keeps datetimes as text, which must compare as the ORM's do.
        stored = (
            await conn.execute(
                text(
                    "SELECT user_id, status, started_at, last_accessed_at, completed_at "
                    "FROM user_progress ORDER BY user_id"
                )
            )
        ).all()
        typed = (
            await conn.execute(
                select(UserProgress.user_id, *columns).order_by(UserProgress.user_id)
            )
        ).all()
    assert [tuple(r[1:]) for r in stored if r[0] == mine] == [
        tuple(r[1:]) for r in stored if r[0] == theirs
    ]
    assert [tuple(r[1:]) for r in typed if r[0] == mine] == [
        tuple(r[1:]) for r in typed if r[0] == theirs
    ]

    # And the packed read gives back what was written, typed as the ORM types it.
    async with sessionmaker() as session:
        again = await progress.lesson_state(
            session, mine, course.lesson_id, course.module_id, with_standing=True
        )
        await session.rollback()
    assert again.progress.status is ProgressStatus.COMPLETED
    assert (again.progress.score, again.progress.attempts, again.progress.last_run) == (80, 3, 4)
    assert again.progress.started_at == WHOLE_SECOND
    assert again.progress.last_accessed_at == MICROSECONDS
    assert again.progress.completed_at == MICROSECONDS
    assert again.progress.completed_at.tzinfo is UTC
    assert again.standing is not None and again.standing.streak.last_active is None


async def test_a_unit_whose_only_write_went_through_the_driver_commits_it(
    sessionmaker: Sessions, engine: AsyncEngine
) -> None:
    course = await create_course(engine)
    user_id = await create_user(engine, 1)
    async with engine.begin() as conn:
        exercise_id = (
            await conn.execute(
                insert(Exercise)
                .values(
                    lesson_id=course.lesson_id,
                    type=ExerciseType.SHORT_ANSWER,
                    prompt="2 + 2?",
                    answer=["4"],
                )
                .returning(Exercise.id)
            )
        ).scalar_one()

    @unit_of_work
    async def answer(session: AsyncSession) -> bool:
        return await progress.add_attempt(
            session,
            user_id=user_id,
            lesson_id=course.lesson_id,
            exercise_id=exercise_id,
            run=1,
            answer="4",
            is_correct=True,
            points_earned=10,
            now=MICROSECONDS,
        )

    async with sessionmaker() as session:
        assert await answer(session) is True
        assert await answer(session) is False  # the same exercise of the same run: ignored

    assert await count(engine, ExerciseAttempt) == 1


async def test_a_value_left_out_is_an_error_not_a_null(sessionmaker: Sessions) -> None:
    async with sessionmaker() as session:
        with pytest.raises(KeyError, match="lesson_id"):
            await driver_sql.execute(
                session,
                LESSON_STATE.statement,
                {"user_id": 1, "module_id": 1, "entity_type": "lesson"},
            )
