"""Review cards of a lesson learners cannot see (unpublished, or in an unpublished module) are
neither asked nor counted anywhere: not by the review, the menu, My progress or the reminder.
Unpublishing retires nothing, so publishing again brings the cards back as they were."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.callbacks.learner import MenuAction, MenuCb
from bot.config import Settings
from bot.services.authoring.lessons import set_lesson_published
from bot.services.authoring.modules import set_module_published
from bot.services.context import Context
from bot.services.reminders import queue_reminders
from bot.texts import review as t
from bot.views.review import when
from db.clock import ManualClock
from db.enums import ExerciseType
from db.models import BroadcastDelivery, Exercise, ReviewCard, User
from tests.support.chat import Chat, make_chat
from tests.support.course import WRONG, Course
from tests.support.rows import one, rows

Sessions = async_sessionmaker[AsyncSession]
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY)


async def publish_lesson(sessions: Sessions, context: Context, lesson_id: int, on: bool) -> None:
    async with sessions() as s:
        await set_lesson_published(s, context, lesson_id, on)


async def publish_module(sessions: Sessions, context: Context, module_id: int, on: bool) -> None:
    async with sessions() as s:
        await set_module_published(s, context, module_id, on)


async def add_due_cards(
    sessions: Sessions, user_id: int, lesson_id: int, count: int, due_at: datetime
) -> None:
    """`count` more questions in the lesson, each with the learner's card due at `due_at`."""
    async with sessions() as s:
        exercises = [
            Exercise(
                lesson_id=lesson_id,
                order=100 + n,
                type=ExerciseType.TRUE_FALSE,
                prompt=f"Extra {n}",
                answer=True,
            )
            for n in range(count)
        ]
        s.add_all(exercises)
        await s.flush()
        s.add_all(
            ReviewCard(user_id=user_id, exercise_id=e.id, state=1, due_at=due_at, last_right=False)
            for e in exercises
        )
        await s.commit()


async def reminder_payloads(sessions: Sessions) -> list[str | None]:
    async with sessions() as s:
        statement = select(BroadcastDelivery.payload).order_by(BroadcastDelivery.broadcast_id)
        return list(await s.scalars(statement))


async def test_the_review_asks_a_visible_card_due_after_many_hidden_ones(
    chat: Chat, course: Course, sessionmaker: Sessions, context: Context, clock: ManualClock
) -> None:
    await chat.take_lesson(course.lessons["deep"], WRONG["deep"])  # one card, due now
    learner = await one(sessionmaker, User)
    # More cards than a session asks, all due longer, in a lesson then unpublished.
    hidden = course.lessons["typing"]
    await add_due_cards(sessionmaker, learner.id, hidden, 25, clock.now() - timedelta(days=1))
    await publish_lesson(sessionmaker, context, hidden, False)

    await chat.send_text("/review")
    assert "False is true" in chat.last_text
    assert "card 1" in chat.last_text


async def test_hidden_cards_are_not_counted_until_their_lesson_is_published_again(
    chat: Chat, course: Course, sessionmaker: Sessions, context: Context, clock: ManualClock
) -> None:
    await chat.take_lesson(course.lessons["basics"], WRONG["basics"])  # two cards due now
    await chat.take_lesson(course.lessons["deep"], WRONG["deep"])  # one
    await publish_lesson(sessionmaker, context, course.lessons["basics"], False)
    assert all(card.retired_at is None for card in await rows(sessionmaker, ReviewCard))

    await chat.press_data(MenuCb(action=MenuAction.HOME))
    assert t.menu_review(1) in chat.labels()
    await chat.send_text("/progress")
    assert t.cards_learned(0, 1) in chat.last_text
    assert t.due_today(1) in chat.last_text

    # The one card shown, answered: nothing else is due, and the next card is the one answered.
    await chat.send_text("/review")
    assert "False is true" in chat.last_text
    await chat.tap(texts.FALSE, exact=True)
    assert t.summary(1, 1) in chat.last_text
    assert str(t.REVIEW_MORE) not in chat.labels()
    (answered,) = course.exercises["deep"]
    deep = await one(sessionmaker, ReviewCard, ReviewCard.exercise_id == answered)
    comes_back = when(deep.due_at, clock.now(), UTC)
    assert comes_back != str(t.LATER_TODAY)
    await chat.send_text("/review")
    assert chat.last_text == t.nothing_due(comes_back)

    await publish_lesson(sessionmaker, context, course.lessons["basics"], True)
    await chat.press_data(MenuCb(action=MenuAction.HOME))
    assert t.menu_review(2) in chat.labels()
    await chat.send_text("/progress")
    assert t.cards_learned(1, 3) in chat.last_text
    assert t.due_today(2) in chat.last_text
    await chat.send_text("/review")
    assert "Pick b" in chat.last_text


async def test_a_reminder_counts_only_the_cards_learners_can_see(
    settings: Settings, course: Course, sessionmaker: Sessions, clock: ManualClock, context: Context
) -> None:
    chat = make_chat(settings, sessionmaker, context, user_id=2001)
    await chat.take_lesson(course.lessons["basics"], WRONG["basics"])  # no streak: none right
    await chat.take_lesson(course.lessons["deep"], WRONG["deep"])
    learner = await one(sessionmaker, User, User.telegram_id == 2001)
    async with sessionmaker() as s:
        await s.execute(update(User).where(User.id == learner.id).values(reminder_hour=9))
        await s.commit()

    async def remind(day: int) -> int:
        clock.set(MONDAY + timedelta(days=day, hours=1))  # past the learner's hour
        async with sessionmaker() as s:
            return await queue_reminders(s, context)

    # The second module unpublished: the reminder names the first module's two cards.
    await publish_module(sessionmaker, context, course.modules["next"], False)
    assert await remind(1) == 1
    assert await reminder_payloads(sessionmaker) == ["2"]

    # Those hidden too: no reminder, and none planned for a learner with no card to see.
    await publish_lesson(sessionmaker, context, course.lessons["basics"], False)
    assert await remind(2) == 0
    assert await remind(3) == 0
    assert (await one(sessionmaker, User, User.id == learner.id)).remind_at is None

    # Published again, every card counts again.
    await publish_module(sessionmaker, context, course.modules["next"], True)
    await publish_lesson(sessionmaker, context, course.lessons["basics"], True)
    assert await remind(4) == 1
    assert await reminder_payloads(sessionmaker) == ["2", "3"]
    assert chat.failures() == []
    await chat.bot.session.close()
