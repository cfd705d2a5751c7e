"""The course is held in memory; a change made through another process, or by an operator's
plain SQL, reaches learners within the catalog's refresh bound (DEFAULT_REFRESH_SECONDS), not
before it matters and never later."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import LessonCb
from bot.config import Settings
from bot.services.catalog import DEFAULT_REFRESH_SECONDS, CatalogCache
from bot.services.content.importer import import_course
from bot.services.content.parse import parse_course
from bot.services.context import Context
from db.clock import Clock
from db.engine import create_engine, create_sessionmaker
from db.models import ExerciseAttempt, Lesson
from tests.support.chat import Chat, make_chat
from tests.support.course import TEST_COURSE, Course
from tests.support.databases import operator_sql
from tests.support.rows import rows, snapshot


class Ticks:
    """The catalog's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
async def learner(
    settings: Settings, engine: AsyncEngine, ticks: Ticks, course: Course, clock: Clock
) -> AsyncIterator[Chat]:
    """A learner on an app with the production catalog: checked at most every few seconds."""
    catalog = CatalogCache(monotonic=ticks)
    chat = make_chat(settings, create_sessionmaker(engine), Context(clock, catalog))
    yield chat
    await chat.bot.session.close()
    assert chat.failures() == []


@pytest.fixture
async def admin(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Another process: its own engine and sessions on the same database."""
    engine = create_engine(database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def test_an_edited_lesson_reaches_the_learner_within_the_bound(
    learner: Chat,
    admin: async_sessionmaker[AsyncSession],
    course: Course,
    ticks: Ticks,
    context: Context,
) -> None:
    lesson = LessonCb(lesson_id=course.lessons["basics"])
    await learner.press_data(lesson)
    assert "Python runs" in learner.last_text

    edited = TEST_COURSE.replace("Python runs **line by line**.", "Python reads top to bottom.")
    async with admin() as session:
        await import_course(session, context, parse_course(edited), publish=True)

    ticks.now += DEFAULT_REFRESH_SECONDS
    await learner.press_data(lesson)
    assert "Python reads top to bottom." in learner.last_text


async def test_an_unpublished_lesson_is_gone_within_the_bound(
    learner: Chat, admin: async_sessionmaker[AsyncSession], course: Course, ticks: Ticks
) -> None:
    lesson = LessonCb(lesson_id=course.lessons["reading"])
    await learner.press_data(lesson)
    async with admin() as session:
        await session.execute(
            update(Lesson).where(Lesson.id == lesson.lesson_id).values(is_published=False)
        )
        await session.commit()

    ticks.now += DEFAULT_REFRESH_SECONDS
    await learner.press_data(lesson)
    assert learner.callback_texts()[-1] == en.LESSON_UNAVAILABLE


# What an operator types at a SQL prompt to take a lesson away from learners. None of it stamps
# updated_at: only the database's own triggers see it.
TAKING_AWAY = {
    "unpublish the lesson": "UPDATE lessons SET is_published = 0 WHERE id = {lesson}",
    "delete the lesson": "UPDATE lessons SET deleted_at = CURRENT_TIMESTAMP WHERE id = {lesson}",
    "unpublish its module": "UPDATE modules SET is_published = 0 WHERE id = {module}",
}


@pytest.mark.parametrize("change", TAKING_AWAY)
async def test_a_lesson_taken_away_in_plain_sql_is_gone_within_the_bound_and_writes_nothing(
    learner: Chat,
    course: Course,
    ticks: Ticks,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    change: str,
) -> None:
    lesson = LessonCb(lesson_id=course.lessons["basics"])
    await learner.press_data(lesson)
    await learner.tap("Start exercises")
    assert "Pick b" in learner.last_text
    before = await snapshot(sessionmaker)

    statement = TAKING_AWAY[change].format(
        lesson=course.lessons["basics"], module=course.modules["intro"]
    )
    assert operator_sql(database_url, statement) == 1
    ticks.now += DEFAULT_REFRESH_SECONDS

    await learner.tap("b", exact=True)
    assert learner.callback_texts()[-1] == en.LESSON_UNAVAILABLE
    await learner.press_data(lesson)
    assert learner.callback_texts()[-1] == en.LESSON_UNAVAILABLE
    assert await snapshot(sessionmaker) == before


async def test_an_exercise_edited_in_plain_sql_is_asked_and_graded_as_edited_within_the_bound(
    learner: Chat,
    course: Course,
    ticks: Ticks,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await learner.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    first = course.exercises["basics"][0]
    # "a" was wrong; the operator makes it the answer (the column holds JSON).
    edit = f"""UPDATE exercises SET prompt = 'Pick a', answer = '"a"' WHERE id = {first}"""
    assert operator_sql(database_url, edit) == 1
    ticks.now += DEFAULT_REFRESH_SECONDS

    await learner.tap("Start exercises")
    assert "Pick a" in learner.last_text
    await learner.tap("a", exact=True)
    [attempt] = await rows(sessionmaker, ExerciseAttempt)
    assert (attempt.exercise_id, attempt.is_correct) == (first, True)


async def test_an_exercise_deleted_in_plain_sql_takes_its_question_away_within_the_bound(
    learner: Chat,
    course: Course,
    ticks: Ticks,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await learner.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await learner.tap("Start exercises")
    before = await snapshot(sessionmaker)

    first = course.exercises["basics"][0]
    assert operator_sql(database_url, f"DELETE FROM exercises WHERE id = {first}") == 1
    ticks.now += DEFAULT_REFRESH_SECONDS

    # Its question's buttons are dead: the run's current question is now the next one.
    await learner.tap("b", exact=True)
    assert learner.callback_texts()[-1] == en.QUESTION_STALE
    assert await snapshot(sessionmaker) == before


async def test_a_lesson_text_edited_in_plain_sql_is_shown_within_the_bound(
    learner: Chat, course: Course, ticks: Ticks, database_url: str
) -> None:
    lesson = LessonCb(lesson_id=course.lessons["basics"])
    await learner.press_data(lesson)
    assert "Python runs" in learner.last_text

    edit = (
        f"UPDATE lessons SET content = 'Python reads top to bottom.' WHERE id = {lesson.lesson_id}"
    )
    assert operator_sql(database_url, edit) == 1
    ticks.now += DEFAULT_REFRESH_SECONDS

    # Rendered pages are cached too: by the text, not by a stamp plain SQL leaves alone.
    await learner.press_data(lesson)
    assert "Python reads top to bottom." in learner.last_text
