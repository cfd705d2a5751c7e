"""What an update costs the database, in round trips counted at the driver (statements, pings,
COMMIT and ROLLBACK), with the caches a process keeps: the budget of the learning loop. A later
change that adds a round trip to one of these fails here."""

from __future__ import annotations

from collections.abc import Awaitable, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.callbacks.learner import LessonCb
from bot.config import Settings
from bot.services.achievements import AchievementCache
from bot.services.catalog import CatalogCache
from bot.services.context import Context
from db.clock import ManualClock
from db.engine import create_sessionmaker
from tests.support.chat import Chat, make_chat
from tests.support.course import RIGHT, Course
from tests.support.roundtrips import RoundTrips, counting_as

# The learning loop's budget, on MySQL where a BEGIN is no round trip of its own. An answer
# (and so a last answer) includes the one upsert of the exercise's review card: it depends on
# the card's own row, which the answer's locking read does not hold.
START, OPEN_AGAIN, ANSWER, LAST_ANSWER = 0, 3, 5, 7


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def process_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
def process_context(clock: ManualClock) -> Context:
    return Context(clock, CatalogCache(refresh_seconds=3600), AchievementCache())


@pytest.fixture
def learner(
    settings: Settings,
    process_sessions: async_sessionmaker[AsyncSession],
    process_context: Context,
) -> Iterator[Chat]:
    yield make_chat(settings, process_sessions, process_context)


@pytest.fixture
def counter(engine: AsyncEngine) -> RoundTrips:
    counter = RoundTrips()
    counter.attach(engine)
    return counter


async def cost(counter: RoundTrips, label: str, action: Awaitable[None]) -> int:
    with counting_as(label):
        await action
    return counter.total(label)


async def test_an_answer_and_a_last_answer_stay_within_the_budget(
    learner: Chat, course: Course, counter: RoundTrips, db_kind: str, clock: ManualClock
) -> None:
    chat = learner
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])  # today is kept
    await chat.press_data(LessonCb(lesson_id=course.lessons["typing"]))
    await chat.tap("Start exercises")
    await chat.answer("41")
    await chat.answer("a")  # failed: the next run completes the lesson, on no first try
    await chat.tap("Try again")

    answer = await cost(counter, "answer", chat.answer("42"))
    last = await cost(
        counter, "last answer", chat.answer("c")
    )  # completes the lesson, earns nothing new
    assert "Passed" in chat.last_text and "Achievement" not in chat.last_text

    clock.advance(days=1)
    await chat.tap("Try again")
    new_day = await cost(
        counter, "new day", chat.answer("42")
    )  # the day's first: the streak is written

    # SQLite begins each writing transaction with its own BEGIN IMMEDIATE.
    begin = 1 if db_kind == "sqlite" else 0
    assert (answer, last, new_day) == (ANSWER + begin, LAST_ANSWER + begin, ANSWER + 1 + begin)


async def test_a_known_learners_start_and_a_lesson_opened_again_stay_within_the_budget(
    learner: Chat, course: Course, counter: RoundTrips, db_kind: str
) -> None:
    chat = learner
    await chat.send_text("/start")
    lesson = LessonCb(lesson_id=course.lessons["basics"])
    await chat.press_data(lesson)

    start = await cost(counter, "start", chat.send_text("/start"))
    open_again = await cost(counter, "open again", chat.press_data(lesson))

    begin = 1 if db_kind == "sqlite" else 0
    assert (start, open_again) == (START, OPEN_AGAIN + begin)
