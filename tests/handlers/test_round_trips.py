"""What an answer costs the database, with the caches a process keeps: the motivation rules
ride on the lesson state's one locking read, and write only when something changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.callbacks import LessonCb
from bot.config import Settings
from bot.services.achievements import ACHIEVEMENTS_KEY, AchievementCache
from bot.services.catalog import CATALOG_KEY, CatalogCache
from db.clock import ManualClock
from db.engine import create_sessionmaker
from tests.support.chat import Chat, make_chat
from tests.support.course import RIGHT, Course

# The learning loop's budget (issue 7), on MySQL where a BEGIN is no round trip of its own.
ANSWER, LAST_ANSWER = 4, 6


class RoundTrips:
    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        self.engine = engine.sync_engine

    def _statement(self, *_args: Any) -> None:
        self.count += 1

    def __enter__(self) -> RoundTrips:
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._statement)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._statement)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def process_sessions(engine: AsyncEngine, clock: ManualClock) -> async_sessionmaker[AsyncSession]:
    info = {CATALOG_KEY: CatalogCache(refresh_seconds=3600), ACHIEVEMENTS_KEY: AchievementCache()}
    return create_sessionmaker(engine, clock=clock, info=info)


@pytest.fixture
def learner(
    settings: Settings, process_sessions: async_sessionmaker[AsyncSession]
) -> Iterator[Chat]:
    yield make_chat(settings, process_sessions)


async def cost(engine: AsyncEngine, chat: Chat, answer: str) -> int:
    with RoundTrips(engine) as trips:
        await chat.answer(answer)
    return trips.count


async def test_an_answer_and_a_last_answer_stay_within_the_budget(
    learner: Chat, course: Course, engine: AsyncEngine, db_kind: str, clock: ManualClock
) -> None:
    chat = learner
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])  # today is kept
    await chat.press_data(LessonCb(lesson_id=course.lessons["typing"]))
    await chat.tap("Start exercises")
    await chat.answer("41")
    await chat.answer("a")  # failed: the next run completes the lesson, on no first try
    await chat.tap("Try again")

    answer = await cost(engine, chat, "42")
    last = await cost(engine, chat, "c")  # completes the lesson, earns nothing new
    assert "Passed" in chat.last_text and "Achievement" not in chat.last_text

    clock.advance(days=1)
    await chat.tap("Try again")
    new_day = await cost(engine, chat, "42")  # the day's first: the streak is written

    # SQLite begins each writing transaction with its own BEGIN IMMEDIATE.
    begin = 1 if db_kind == "sqlite" else 0
    assert (answer, last, new_day) == (ANSWER + begin, LAST_ANSWER + begin, ANSWER + 1 + begin)
