"""The database itself refuses bad rows: the rules hold whatever code writes them.

Every write here is a raw core INSERT, so nothing in Python gets a chance to validate first.
What the drivers raise differs: SQLite reports every violation as IntegrityError, while MariaDB
reports a failed CHECK as error 4025 (ER_CONSTRAINT_FAILED), which PyMySQL maps to
OperationalError. Unique-key and foreign-key violations are IntegrityError on both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Executable, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.enums import ActivityType, ExerciseType, LeaderboardPeriod
from db.models import (
    Achievement,
    ActivityLog,
    Broadcast,
    BroadcastDelivery,
    Exercise,
    ExerciseAttempt,
    LeaderboardEntry,
    ModuleProgress,
    User,
    UserAchievement,
    UserProgress,
)
from db.repositories import users
from tests.support.factories import count, create_course, create_user, insert_row

CHECK_VIOLATION: dict[str, type[DBAPIError]] = {
    "sqlite": IntegrityError,
    "mysql": OperationalError,
}


@dataclass(frozen=True, slots=True)
class Learner:
    user_id: int
    module_id: int
    lesson_id: int


@pytest.fixture
async def learner(engine: AsyncEngine) -> Learner:
    course = await create_course(engine)
    user_id = await create_user(engine, telegram_id=1001)
    return Learner(user_id, course.module_id, course.lesson_id)


async def _refused(engine: AsyncEngine, stmt: Executable, error: type[DBAPIError]) -> str:
    """Run the statement, expect exactly `error`, roll back; returns the driver's message."""
    async with engine.connect() as conn:
        with pytest.raises(DBAPIError) as info:
            await conn.execute(stmt)
        await conn.rollback()
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value.orig}"
    return str(info.value.orig)


def _progress(learner: Learner, **values: Any) -> Executable:
    return insert(UserProgress).values(
        user_id=learner.user_id, lesson_id=learner.lesson_id, **values
    )


async def test_second_progress_row_for_the_same_lesson_is_refused(
    engine: AsyncEngine, learner: Learner, db_kind: str
) -> None:
    async with engine.begin() as conn:
        await conn.execute(_progress(learner))

    message = await _refused(engine, _progress(learner), IntegrityError)

    expected = {
        "sqlite": "UNIQUE constraint failed: user_progress.user_id, user_progress.lesson_id",
        "mysql": "uq_user_progress_user_id_lesson_id",
    }[db_kind]
    assert expected in message
    assert await count(engine, UserProgress) == 1


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"score": 101}, "ck_user_progress_score_range"),
        ({"score": -1}, "ck_user_progress_score_range"),
        ({"attempts": -1}, "ck_user_progress_attempts_non_negative"),
        ({"time_spent_seconds": -1}, "ck_user_progress_time_spent_non_negative"),
    ],
    ids=["score-101", "score--1", "attempts--1", "time_spent--1"],
)
async def test_out_of_range_progress_is_refused(
    engine: AsyncEngine,
    learner: Learner,
    db_kind: str,
    values: dict[str, int],
    constraint: str,
) -> None:
    message = await _refused(engine, _progress(learner, **values), CHECK_VIOLATION[db_kind])

    assert constraint in message
    assert await count(engine, UserProgress) == 0


@pytest.mark.parametrize("score", [None, 0, 100])
async def test_score_in_range_or_null_is_accepted(
    engine: AsyncEngine, learner: Learner, score: int | None
) -> None:
    async with engine.begin() as conn:
        await conn.execute(_progress(learner, score=score))

    async with engine.connect() as conn:
        stored = (await conn.execute(select(UserProgress.score))).scalars().all()
    assert stored == [score]


async def test_second_user_with_the_same_telegram_id_is_refused(
    engine: AsyncEngine, learner: Learner, db_kind: str
) -> None:
    message = await _refused(engine, insert(User).values(telegram_id=1001), IntegrityError)

    expected = {
        "sqlite": "UNIQUE constraint failed: users.telegram_id",
        "mysql": "uq_users_telegram_id",
    }[db_kind]
    assert expected in message
    assert await count(engine, User) == 1


async def test_progress_of_an_unknown_user_is_refused(
    engine: AsyncEngine, learner: Learner, db_kind: str
) -> None:
    """Foreign keys are enforced (SQLite needs PRAGMA foreign_keys=ON on every connection)."""
    stmt = insert(UserProgress).values(user_id=learner.user_id + 1000, lesson_id=learner.lesson_id)

    message = await _refused(engine, stmt, IntegrityError)

    expected = {
        "sqlite": "FOREIGN KEY constraint failed",
        "mysql": "fk_user_progress_user_id_users",
    }[db_kind]
    assert expected in message


# Every table holding rows about one learner (each has a user_id column).
ABOUT_A_LEARNER = [
    UserProgress,
    ModuleProgress,
    ExerciseAttempt,
    ActivityLog,
    UserAchievement,
    LeaderboardEntry,
    BroadcastDelivery,
]


async def _everything_about(engine: AsyncEngine, learner: Learner, broadcast_id: int) -> None:
    user_id = learner.user_id
    async with engine.begin() as conn:
        exercise_id = await insert_row(
            conn,
            Exercise,
            lesson_id=learner.lesson_id,
            type=ExerciseType.TRUE_FALSE,
            prompt="The sky is blue?",
            answer=True,
        )
        achievement_id = (
            await conn.execute(select(Achievement.id).where(Achievement.code == "first_lesson"))
        ).scalar_one()
        await insert_row(conn, UserProgress, user_id=user_id, lesson_id=learner.lesson_id)
        await insert_row(conn, ModuleProgress, user_id=user_id, module_id=learner.module_id)
        await insert_row(
            conn,
            ExerciseAttempt,
            user_id=user_id,
            lesson_id=learner.lesson_id,
            exercise_id=exercise_id,
            run=1,
            answer="true",
            is_correct=True,
        )
        await insert_row(
            conn, ActivityLog, user_id=user_id, activity_type=ActivityType.LESSON_COMPLETED, xp=10
        )
        await insert_row(conn, UserAchievement, user_id=user_id, achievement_id=achievement_id)
        await insert_row(
            conn,
            LeaderboardEntry,
            period=LeaderboardPeriod.ALL_TIME,
            user_id=user_id,
            rank=1,
            position=1,
        )
        await conn.execute(
            insert(BroadcastDelivery).values(broadcast_id=broadcast_id, user_id=user_id)
        )


async def test_deleting_a_learner_deletes_every_row_about_them(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], learner: Learner
) -> None:
    other = Learner(
        await create_user(engine, telegram_id=2002), learner.module_id, learner.lesson_id
    )
    async with engine.begin() as conn:
        broadcast_id = await insert_row(conn, Broadcast, text="New lesson!")
    await _everything_about(engine, learner, broadcast_id)
    await _everything_about(engine, other, broadcast_id)
    for model in ABOUT_A_LEARNER:
        assert await count(engine, model, user_id=learner.user_id) == 1, model.__tablename__

    async with sessionmaker() as session:
        await users.delete_user(session, learner.user_id)
        await session.commit()

    assert await count(engine, User, id=learner.user_id) == 0
    for model in ABOUT_A_LEARNER:
        assert await count(engine, model, user_id=learner.user_id) == 0, model.__tablename__
        assert await count(engine, model, user_id=other.user_id) == 1, model.__tablename__
    # What is not about the learner stays: the course, the catalogue, the broadcast.
    assert await count(engine, Broadcast) == 1
    assert await count(engine, Achievement, code="first_lesson") == 1
    assert await count(engine, Exercise) == 2
