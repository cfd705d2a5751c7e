"""The course is held in memory; an admin's change made through another process reaches
learners within the catalog's refresh bound (DEFAULT_REFRESH_SECONDS), not before it matters
and never later."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks import LessonCb
from bot.config import Settings
from bot.services.catalog import CATALOG_KEY, DEFAULT_REFRESH_SECONDS, CatalogCache
from bot.services.content.importer import import_course
from bot.services.content.parse import parse_course
from db.engine import create_engine, create_sessionmaker
from db.models import Lesson
from tests.support.chat import Chat, make_chat
from tests.support.course import TEST_COURSE, Course


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
    settings: Settings, engine: AsyncEngine, ticks: Ticks, course: Course
) -> AsyncIterator[Chat]:
    """A learner on an app with the production catalog: checked at most every few seconds."""
    catalog = CatalogCache(monotonic=ticks)
    chat = make_chat(settings, create_sessionmaker(engine, info={CATALOG_KEY: catalog}))
    yield chat
    await chat.bot.session.close()


@pytest.fixture
async def admin(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Another process: its own engine and sessions on the same database."""
    engine = create_engine(database_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def test_an_edited_lesson_reaches_the_learner_within_the_bound(
    learner: Chat, admin: async_sessionmaker[AsyncSession], course: Course, ticks: Ticks
) -> None:
    lesson = LessonCb(lesson_id=course.lessons["basics"])
    await learner.press_data(lesson)
    assert "Python runs" in learner.last_text

    edited = TEST_COURSE.replace("Python runs **line by line**.", "Python reads top to bottom.")
    async with admin() as session:
        await import_course(session, parse_course(edited), publish=True)

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
