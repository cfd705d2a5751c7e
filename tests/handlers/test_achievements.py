"""Achievements earned through the bot: at the threshold and not a step before, announced once
with the message that earned them, their points granted once; and the Achievements screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.callbacks.learner import LessonCb, MenuAction, MenuCb
from db.clock import ManualClock
from db.enums import AchievementType, ActivityType
from db.models import Achievement, ActivityLog
from tests.support.chat import Chat
from tests.support.course import RIGHT, Course
from tests.support.rows import rows
from tests.support.standing import (
    held_codes,
    prepare_completed_lessons,
    prepare_learner,
    prepare_solved_exercises,
    prepare_xp,
)

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY)


def announced(chat: Chat, title: str) -> int:
    return sum(t.count(f"Achievement unlocked: <b>{title}</b>") for t in chat.texts())


async def grants(sessionmaker: async_sessionmaker[AsyncSession]) -> list[int]:
    earned = ActivityLog.activity_type == ActivityType.ACHIEVEMENT_EARNED
    return [a.xp for a in await rows(sessionmaker, ActivityLog, earned)]


async def test_a_perfect_first_run_earns_first_steps_first_try_and_flawless(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])

    assert await held_codes(sessionmaker) == ["first_lesson", "first_try", "perfect_score"]
    assert await grants(sessionmaker) == [10, 10, 15]
    result = chat.last_text
    assert "Finished" in result
    assert "🎓 Achievement unlocked: <b>First steps</b> (+10 XP)" in result
    assert "🎯 Achievement unlocked: <b>First try</b> (+10 XP)" in result
    assert "💯 Achievement unlocked: <b>Flawless</b> (+15 XP)" in result
    # Doing it again earns nothing new and says nothing.
    chat.forget()
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    assert "Achievement" not in "".join(chat.texts())
    assert len(await grants(sessionmaker)) == 3


async def test_a_second_run_is_no_first_try(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.take_lesson(course.lessons["basics"], ["a", "False"])  # failed
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])

    assert await held_codes(sessionmaker) == ["first_lesson", "perfect_score"]


async def test_keen_learner_at_five_lessons_not_four(
    chat: Chat, course: Course, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await prepare_learner(engine)
    await prepare_completed_lessons(engine, user_id, 3)

    await chat.take_lesson(course.lessons["reading"], [])  # the 4th
    assert "lessons_5" not in await held_codes(sessionmaker)
    await chat.take_lesson(course.lessons["deep"], RIGHT["deep"])  # the 5th

    assert "lessons_5" in await held_codes(sessionmaker)
    assert announced(chat, "Keen learner") == 1
    # The one who already had lessons done was not new to them: First steps comes at once.
    assert announced(chat, "First steps") == 1


@pytest.fixture
async def hat_trick(engine: AsyncEngine) -> AsyncIterator[None]:
    """A catalogue row added by an operator; the catalogue outlives each test, so it goes after."""
    yield
    async with engine.begin() as conn:
        await conn.execute(delete(Achievement).where(Achievement.code == "lessons_3"))


async def test_a_new_catalogue_row_is_honoured_without_a_code_change(
    chat: Chat,
    course: Course,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    hat_trick: None,
) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            insert(Achievement).values(
                code="lessons_3",
                type=AchievementType.LESSON_COMPLETED,
                title="Hat trick",
                description="Complete 3 lessons.",
                icon="🎩",
                points=7,
                criteria={"lessons": 3},
                created_at=MONDAY,
            )
        )

    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    await chat.take_lesson(course.lessons["typing"], RIGHT["typing"])
    assert "lessons_3" not in await held_codes(sessionmaker)
    await chat.take_lesson(course.lessons["reading"], [])

    assert "lessons_3" in await held_codes(sessionmaker)
    # Unknown to the catalogues: its own title, as the row has it.
    assert "🎩 Achievement unlocked: <b>Hat trick</b> (+7 XP)" in chat.last_text
    assert 7 in await grants(sessionmaker)


async def test_problem_solver_at_ten_exercises_not_nine(
    chat: Chat, course: Course, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await prepare_learner(engine)
    await prepare_solved_exercises(engine, user_id, 8)
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap("Start exercises")

    await chat.tap("b", exact=True)  # the 9th: told nothing
    assert "solved_10" not in await held_codes(sessionmaker)
    assert "Achievement" not in chat.last_text
    await chat.tap("True", exact=True)  # the 10th, and the run's last

    assert "solved_10" in await held_codes(sessionmaker)
    assert "🧩 Achievement unlocked: <b>Problem solver</b> (+15 XP)" in chat.last_text
    # Solving the same exercises again is not solving new ones.
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    assert announced(chat, "Problem solver") == 1


async def test_an_achievement_earned_mid_run_is_told_with_that_answers_feedback(
    chat: Chat, course: Course, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await prepare_learner(engine)
    await prepare_solved_exercises(engine, user_id, 9)
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap("Start exercises")

    await chat.tap("b", exact=True)

    answered = chat.texts()[-2]  # the question, edited; then the next question
    assert "✅ <b>Correct!</b>" in answered and "<b>Problem solver</b>" in answered
    assert "question 2 of 2" in chat.last_text
    assert announced(chat, "Problem solver") == 1


async def test_rising_star_at_100_xp_not_99(
    chat: Chat, course: Course, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user_id = await prepare_learner(engine)
    # Just reading pays 5 XP and First steps 10: 84 + 15 = 99.
    await prepare_xp(engine, user_id, 84)
    await chat.take_lesson(course.lessons["reading"], [])
    assert "xp_100" not in await held_codes(sessionmaker)

    # Deep dive pays 10 XP, First try 10 and Flawless 15: past 100, and told once.
    await chat.take_lesson(course.lessons["deep"], RIGHT["deep"])
    assert "xp_100" in await held_codes(sessionmaker)
    assert announced(chat, "Rising star") == 1


async def test_on_a_roll_on_the_third_day_in_a_row(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    await chat.take_lesson(course.lessons["reading"], [])  # day 1
    clock.advance(days=1)
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])  # day 2
    assert "streak_3" not in await held_codes(sessionmaker)
    assert "🔥 2-day streak" in chat.last_text

    clock.advance(days=1)
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])  # day 3

    assert "streak_3" in await held_codes(sessionmaker)
    assert "🔥 3-day streak" in chat.last_text
    # Earned by the day's first right answer, so told with its feedback, once.
    assert announced(chat, "On a roll") == 1
    [told] = [t for t in chat.texts() if "<b>On a roll</b>" in t]
    assert "✅ <b>Correct!</b>" in told and "question 1 of 2" in told


async def test_module_master_when_a_module_is_completed(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    assert "module_1" not in await held_codes(sessionmaker)
    await chat.take_lesson(course.lessons["deep"], RIGHT["deep"])  # the whole "next" module

    assert "module_1" in await held_codes(sessionmaker)
    assert "🏅 Achievement unlocked: <b>Module master</b> (+30 XP)" in chat.last_text


async def test_the_achievements_screen_shows_earned_ones_with_dates_then_the_next(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/achievements")
    assert chat.last_text.startswith("🏆 <b>Achievements</b>")
    assert "Nothing earned yet" in chat.last_text
    assert "📚 Keen learner: 0 of 5 lessons" not in chat.last_text  # First steps comes first
    assert "🎓 First steps: 0 of 1 lesson" in chat.last_text

    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    await chat.take_lesson(course.lessons["reading"], [])
    await chat.press_data(MenuCb(action=MenuAction.ACHIEVEMENTS))

    text = chat.last_text
    earned, upcoming = text.split("<b>Next up</b>")
    assert "<b>Earned</b>" in earned
    for title in ("First steps", "First try", "Flawless"):
        assert f"<b>{title}</b> · Mar 2, 2026" in earned
    assert "📚 Keen learner: 2 of 5 lessons" in upcoming
    assert "🏅 Module master: 0 of 1 module" in upcoming
    assert "🧩 Problem solver: 2 of 10 exercises solved" in upcoming
    assert "⭐ Rising star: 50 of 100 XP" in upcoming
    assert "🔥 On a roll: 1 of 3 days in a row" in upcoming
    assert "First try" not in upcoming
