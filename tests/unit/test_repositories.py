"""The repositories' SQL, on a real migrated database of each kind."""

from __future__ import annotations

import pytest
from sqlalchemy import String, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.clock import Clock
from db.enums import ActivityType, ProgressStatus
from db.models import Achievement, ActivityLog, User, UserAchievement, UserProgress
from db.repositories import achievements, activity, progress, users
from db.repositories.users import TelegramProfile
from tests.support.factories import count, create_course, create_user

Sessions = async_sessionmaker[AsyncSession]


async def _achievement_id(session: AsyncSession, code: str) -> int:
    achievement = await achievements.get_by_code(session, code)
    assert achievement is not None, f"{code} missing from the catalogue"
    return achievement.id


# --- users ---------------------------------------------------------------------------------


async def test_register_creates_the_learner(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    profile = TelegramProfile(42, "ada", "Ada", "Lovelace", "en")
    async with sessionmaker() as session:
        user = await users.register_or_refresh(session, profile, now=clock.now())
        await session.commit()

    assert user.id is not None
    assert (user.telegram_id, user.username, user.first_name, user.last_name) == (
        42,
        "ada",
        "Ada",
        "Lovelace",
    )
    assert user.language_code == "en"
    assert user.is_active is True
    assert user.current_streak == 0
    assert user.reminders_enabled is True
    assert await count(engine, User) == 1


async def test_register_again_refreshes_the_profile_and_reactivates(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    async with sessionmaker() as session:
        first = await users.register_or_refresh(
            session, TelegramProfile(42, "ada", "Ada"), now=clock.now()
        )
        await session.commit()
    # What the learner set up in the bot, and that they blocked it since.
    async with engine.begin() as conn:
        await conn.execute(
            update(User)
            .where(User.id == first.id)
            .values(timezone="Europe/Berlin", current_streak=3, is_active=False)
        )

    async with sessionmaker() as session:
        again = await users.register_or_refresh(
            session, TelegramProfile(42, "countess", "Augusta", "King", "de"), now=clock.now()
        )
        await session.commit()

    assert again.id == first.id
    assert (again.username, again.first_name, again.last_name, again.language_code) == (
        "countess",
        "Augusta",
        "King",
        "de",
    )
    assert again.is_active is True
    # Only the Telegram profile is refreshed; the learner's own settings and history stay.
    assert again.timezone == "Europe/Berlin"
    assert again.current_streak == 3
    assert again.created_at == first.created_at
    assert await count(engine, User) == 1


async def test_register_refreshes_an_already_loaded_learner(
    sessionmaker: Sessions, clock: Clock
) -> None:
    """The same session may already hold the row: it must see the new values, not stale ones."""
    async with sessionmaker() as session:
        first = await users.register_or_refresh(
            session, TelegramProfile(42, "ada"), now=clock.now()
        )
        await session.commit()
        await users.set_active(session, first.id, False)
        await session.commit()

        again = await users.register_or_refresh(
            session, TelegramProfile(42, "countess"), now=clock.now()
        )

        assert again is first
        assert again.username == "countess"
        assert again.is_active is True


async def test_register_stores_the_language_once(sessionmaker: Sessions, clock: Clock) -> None:
    async with sessionmaker() as session:
        first = await users.register_or_refresh(
            session, TelegramProfile(42), language="ru", now=clock.now()
        )
        await session.commit()
    assert first.language == "ru"

    # Registering again (a refresh, or the loser of a race to register) keeps the first choice.
    async with sessionmaker() as session:
        again = await users.register_or_refresh(
            session, TelegramProfile(42, language_code="en"), language="en", now=clock.now()
        )
        await session.commit()
    assert (again.language_code, again.language) == ("en", "ru")


def column_length(column: str) -> int:
    column_type = User.__table__.c[column].type
    assert isinstance(column_type, String) and column_type.length is not None
    return column_type.length


async def test_register_fits_an_overlong_profile_to_the_columns(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    # Characters, not bytes: MySQL's utf8mb4 columns count characters too.
    long = TelegramProfile(42, "a" * 100, "Ада🦄" * 75, "L" * 300, "x" * 40)
    async with sessionmaker() as session:
        await users.register_or_refresh(session, long, now=clock.now())
        await session.commit()
    async with sessionmaker() as session:
        await users.register_or_refresh(session, long, now=clock.now())  # the refresh fits too
        await session.commit()

    async with sessionmaker() as session:
        [user] = (await session.scalars(select(User))).all()
    assert user.username == "a" * column_length("username")
    assert user.first_name == ("Ада🦄" * 75)[: column_length("first_name")]
    assert user.last_name == "L" * column_length("last_name")
    assert user.language_code == "x" * column_length("language_code")
    assert users.fit_profile(long) == TelegramProfile(
        42, user.username, user.first_name, user.last_name, user.language_code
    )


async def test_set_active_and_lookup(sessionmaker: Sessions, clock: Clock) -> None:
    async with sessionmaker() as session:
        user = await users.register_or_refresh(session, TelegramProfile(7), now=clock.now())
        await users.set_active(session, user.id, False)
        await session.commit()

    async with sessionmaker() as session:
        found = await users.get_by_telegram_id(session, 7)
        assert found is not None
        assert found.is_active is False
        assert await users.get_by_telegram_id(session, 8) is None


# --- progress ------------------------------------------------------------------------------


async def test_a_new_progress_row_is_saved_once_and_read_back(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    course = await create_course(engine)
    user_id = await create_user(engine, 42)

    async with sessionmaker() as session:
        first = await progress.lesson_state(session, user_id, course.lesson_id, course.module_id)
        assert first.progress.id is None
        await progress.save_progress(session, first.progress, now=clock.now())
        await session.commit()
    async with sessionmaker() as session:
        second = await progress.lesson_state(session, user_id, course.lesson_id, course.module_id)
        await session.commit()

    assert second.progress.id == first.progress.id is not None
    row = second.progress
    assert (row.user_id, row.lesson_id) == (user_id, course.lesson_id)
    assert row.status is ProgressStatus.NOT_STARTED
    assert (row.score, row.attempts, row.time_spent_seconds) == (None, 0, 0)
    assert await count(engine, UserProgress) == 1


async def test_lesson_state_reads_what_another_process_committed(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    course = await create_course(engine)
    user_id = await create_user(engine, 42)

    async with sessionmaker() as session:
        state = await progress.lesson_state(session, user_id, course.lesson_id, course.module_id)
        await progress.save_progress(session, state.progress, now=clock.now())
        await session.commit()
        # Another process finishes the lesson meanwhile.
        async with engine.begin() as conn:
            await conn.execute(
                update(UserProgress)
                .where(UserProgress.id == state.progress.id)
                .values(status=ProgressStatus.COMPLETED, score=80)
            )

        again = await progress.lesson_state(session, user_id, course.lesson_id, course.module_id)
        await session.commit()

    assert again.progress.id == state.progress.id
    assert again.progress.status is ProgressStatus.COMPLETED
    assert again.progress.score == 80


async def test_progress_is_per_learner_and_lesson(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    course = await create_course(engine, lessons=2)
    ada, bob = await create_user(engine, 1), await create_user(engine, 2)

    async with sessionmaker() as session:
        ids = set()
        for user_id in (ada, bob):
            for lesson_id in course.lesson_ids:
                state = await progress.lesson_state(session, user_id, lesson_id, course.module_id)
                await progress.save_progress(session, state.progress, now=clock.now())
                ids.add(state.progress.id)
        await session.commit()
        with pytest.raises(progress.UnknownLearner):
            await progress.lesson_state(session, ada + bob, course.lesson_id, course.module_id)
        await session.rollback()

    assert len(ids) == 4
    assert await count(engine, UserProgress) == 4


async def test_lesson_state_sums_the_xp_granted_for_that_lesson_only(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    course = await create_course(engine, lessons=2)
    first, second = course.lesson_ids
    ada, bob = await create_user(engine, 1), await create_user(engine, 2)
    async with sessionmaker() as session:
        for user_id, lesson_id, xp in (
            (ada, first, 7),
            (ada, first, 3),
            (ada, second, 10),
            (bob, first, 5),
        ):
            await activity.add(
                session,
                user_id,
                ActivityType.LESSON_COMPLETED,
                entity_type="lesson",
                entity_id=lesson_id,
                xp=xp,
                now=clock.now(),
            )
        await session.commit()

    async def granted(user_id: int, lesson_id: int) -> int:
        async with sessionmaker() as session:
            state = await progress.lesson_state(session, user_id, lesson_id, course.module_id)
            await session.rollback()
            return state.xp_granted

    assert await granted(ada, first) == 10
    assert await granted(ada, second) == 10
    assert await granted(bob, first) == 5
    assert await granted(bob, second) == 0


# --- achievements --------------------------------------------------------------------------


async def test_award_is_true_once_then_false(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    user_id = await create_user(engine, 42)
    async with sessionmaker() as session:
        first_lesson = await _achievement_id(session, "first_lesson")
        assert await achievements.award(session, user_id, first_lesson, now=clock.now()) is True
        await session.commit()
    async with sessionmaker() as session:
        assert await achievements.award(session, user_id, first_lesson, now=clock.now()) is False
        assert await achievements.award(session, user_id, first_lesson, now=clock.now()) is False
        # A different badge is a different award.
        streak_7 = await _achievement_id(session, "streak_7")
        assert await achievements.award(session, user_id, streak_7, now=clock.now()) is True
        await session.commit()

    assert await count(engine, UserAchievement, user_id=user_id) == 2
    assert await count(engine, UserAchievement, achievement_id=first_lesson) == 1


async def test_get_by_code(session: AsyncSession) -> None:
    streak_7 = await achievements.get_by_code(session, "streak_7")
    assert streak_7 is not None
    assert streak_7.criteria == {"days": 7}
    assert await achievements.get_by_code(session, "no_such_badge") is None
    codes = set((await session.scalars(select(Achievement.code))).all())
    assert "first_lesson" in codes


# --- activity / XP ledger ------------------------------------------------------------------


async def test_activity_xp_ledger(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    course = await create_course(engine, lessons=2)
    first, second = course.lesson_ids
    ada, bob = await create_user(engine, 1), await create_user(engine, 2)

    async with sessionmaker() as session:
        await activity.add(session, ada, ActivityType.LOGIN, now=clock.now())
        await activity.add(
            session,
            ada,
            ActivityType.LESSON_STARTED,
            entity_type="lesson",
            entity_id=first,
            now=clock.now(),
        )
        await activity.add(
            session,
            ada,
            ActivityType.LESSON_COMPLETED,
            entity_type="lesson",
            entity_id=first,
            xp=7,
            details={"score": 70},
            now=clock.now(),
        )
        await activity.add(
            session,
            ada,
            ActivityType.LESSON_COMPLETED,
            entity_type="lesson",
            entity_id=first,
            xp=3,
            now=clock.now(),
        )
        await activity.add(
            session,
            ada,
            ActivityType.LESSON_COMPLETED,
            entity_type="lesson",
            entity_id=second,
            xp=10,
            now=clock.now(),
        )
        await activity.add(
            session,
            bob,
            ActivityType.LESSON_COMPLETED,
            entity_type="lesson",
            entity_id=first,
            xp=5,
            now=clock.now(),
        )
        await session.commit()

    async with sessionmaker() as session:
        assert await activity.total_xp(session, ada) == 20
        assert await activity.total_xp(session, bob) == 5
        assert await activity.total_xp(session, ada + bob) == 0

        details = await session.scalar(
            select(ActivityLog.details).where(ActivityLog.xp == 7, ActivityLog.user_id == ada)
        )
        assert details == {"score": 70}

    assert await count(engine, ActivityLog, user_id=ada) == 5


async def test_activity_refuses_negative_xp(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    user_id = await create_user(engine, 1)
    async with sessionmaker() as session:
        with pytest.raises(ValueError, match="only grows"):
            await activity.add(
                session, user_id, ActivityType.LESSON_COMPLETED, xp=-1, now=clock.now()
            )
        await session.commit()
    assert await count(engine, ActivityLog) == 0
