"""Review with spaced repetition, moved through days with the app's clock: a mistake comes back,
right answers push a card out, reviews leave lessons alone and pay their XP once a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.callbacks.learner import MenuAction, MenuCb, ReviewCb
from bot.config import Settings
from bot.services.authoring.lessons import delete_lesson
from bot.services.content.importer import import_course
from bot.services.content.parse import parse_course
from bot.services.context import Context
from bot.services.reminders import queue_reminders
from bot.services.review import REVIEW_XP
from bot.texts import review as t
from db.clock import ManualClock
from db.enums import ActivityType
from db.models import (
    ActivityLog,
    BroadcastDelivery,
    ExerciseAttempt,
    ReviewCard,
    ReviewLog,
    User,
    UserProgress,
)
from tests.support.chat import Chat, make_chat
from tests.support.course import RIGHT, TEST_COURSE, WRONG, Course
from tests.support.i18n import reading
from tests.support.outbox import make_sender
from tests.support.rows import one, rows

Sessions = async_sessionmaker[AsyncSession]
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SIX_TIMES_SEVEN = "Six times seven?"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY)


async def card_of(sessionmaker: Sessions, exercise_id: int) -> ReviewCard:
    return await one(sessionmaker, ReviewCard, ReviewCard.exercise_id == exercise_id)


async def lesson_snapshot(sessionmaker: Sessions) -> tuple[object, ...]:
    """What reviews must leave alone: lesson progress and the lessons' XP."""
    progress = [
        (p.lesson_id, p.status, p.score, p.attempts, p.last_run, p.completed_at)
        for p in await rows(sessionmaker, UserProgress)
    ]
    async with sessionmaker() as s:
        lesson_xp = await s.scalar(
            select(func.coalesce(func.sum(ActivityLog.xp), 0)).where(
                ActivityLog.entity_type == "lesson"
            )
        )
    return tuple(progress), lesson_xp, len(await rows(sessionmaker, ExerciseAttempt))


async def reminder_payloads(sessionmaker: Sessions) -> list[str | None]:
    async with sessionmaker() as s:
        return list(
            await s.scalars(
                select(BroadcastDelivery.payload).order_by(BroadcastDelivery.broadcast_id)
            )
        )


async def review_xp_rows(sessionmaker: Sessions) -> list[ActivityLog]:
    return await rows(
        sessionmaker, ActivityLog, ActivityLog.activity_type == ActivityType.REVIEW_SESSION
    )


async def test_a_mistake_comes_back_until_it_is_learned(
    chat: Chat, course: Course, sessionmaker: Sessions, clock: ManualClock
) -> None:
    typed, pick_c = course.exercises["typing"]
    await chat.take_lesson(course.lessons["typing"], ["41", "c"])  # the first one wrong
    # Every answered exercise is a card: the mistake due now, the right one far out.
    assert {c.exercise_id for c in await rows(sessionmaker, ReviewCard)} == {typed, pick_c}
    assert (await card_of(sessionmaker, typed)).due_at <= clock.now()
    assert (await card_of(sessionmaker, pick_c)).due_at - clock.now() >= timedelta(days=7)
    lessons_before = await lesson_snapshot(sessionmaker)

    # Day 1: the review asks the mistake (and only it).
    await chat.send_text("/review")
    assert SIX_TIMES_SEVEN in chat.last_text
    assert "card 1" in chat.last_text

    # Day 2: still due; answered right, it goes days out and the session ends.
    clock.set(MONDAY + timedelta(days=1))
    await chat.press_data(MenuCb(action=MenuAction.HOME))
    assert t.menu_review(1) in chat.labels()
    await chat.tap(t.menu_review(1))
    assert SIX_TIMES_SEVEN in chat.last_text
    await chat.send_text("42")
    assert t.summary(1, 1) in chat.last_text
    assert texts.xp_gained(REVIEW_XP) in chat.last_text
    first = (await card_of(sessionmaker, typed)).due_at - clock.now()
    assert first >= timedelta(days=2)
    clock.advance(days=1)
    await chat.send_text("/review")
    assert chat.last_text.startswith(t.nothing_due("")[:20])

    # When it comes back, a second right answer pushes it further out.
    clock.set((await card_of(sessionmaker, typed)).due_at)
    await chat.send_text("/review")
    assert SIX_TIMES_SEVEN in chat.last_text
    await chat.send_text("forty-two")
    second = (await card_of(sessionmaker, typed)).due_at - clock.now()
    assert second > first

    # A wrong answer brings it back the next day. By now the lesson's other card is due too,
    # and due longer: the session asks it first.
    clock.set((await card_of(sessionmaker, typed)).due_at)
    await chat.send_text("/review")
    assert "Pick c" in chat.last_text
    await chat.tap("c", exact=True)
    assert SIX_TIMES_SEVEN in chat.last_text and "card 2" in chat.last_text
    await chat.send_text("41")
    assert t.summary(2, 1) in chat.last_text
    back = (await card_of(sessionmaker, typed)).due_at - clock.now()
    assert timedelta(0) < back <= timedelta(days=1)
    clock.advance(days=1)
    await chat.send_text("/review")
    assert SIX_TIMES_SEVEN in chat.last_text

    log = await rows(
        sessionmaker, ReviewLog, ReviewLog.card_id == (await card_of(sessionmaker, typed)).id
    )
    assert [entry.is_correct for entry in log] == [True, True, False]
    # Reviews never touched the lessons: progress, attempts and lesson XP as they were.
    assert await lesson_snapshot(sessionmaker) == lessons_before
    # One review XP grant per day reviewed, three days.
    assert [r.xp for r in await review_xp_rows(sessionmaker)] == [REVIEW_XP] * 3


async def test_the_review_xp_is_paid_once_a_day_and_the_day_counts_for_the_streak(
    chat: Chat, course: Course, sessionmaker: Sessions, clock: ManualClock
) -> None:
    await chat.take_lesson(course.lessons["basics"], WRONG["basics"])  # no streak: none right
    await chat.send_text("/review")
    await chat.tap("b", exact=True)
    await chat.tap(texts.TRUE, exact=True)
    assert t.summary(2, 2) in chat.last_text
    assert texts.xp_gained(REVIEW_XP) in chat.last_text
    assert "🔥 1-day streak" in chat.last_text

    # Another mistake, another session the same day: no second XP.
    await chat.take_lesson(course.lessons["deep"], WRONG["deep"])
    await chat.send_text("/review")
    await chat.tap(texts.FALSE, exact=True)
    assert t.summary(1, 1) in chat.last_text
    assert "XP" not in chat.last_text
    assert [r.xp for r in await review_xp_rows(sessionmaker)] == [REVIEW_XP, 0]


async def test_a_stale_or_repeated_press_records_nothing_twice(
    chat: Chat, course: Course, sessionmaker: Sessions
) -> None:
    await chat.take_lesson(course.lessons["basics"], WRONG["basics"])
    await chat.send_text("/review")
    question = max(mid for (_, mid) in chat.api.messages)
    first = chat.last_keyboard()[1]  # "b", the right option
    await chat.press(first)
    card = await one(sessionmaker, ReviewCard, ReviewCard.reviews == 1)
    after_first = (card.due_at, card.reviews, len(await rows(sessionmaker, ReviewLog)))

    # The same button again, and another option of the answered card.
    await chat.press(first)
    stale = ReviewCb(card_id=card.id, seen=0, done=0, right=0, option=0)
    await chat.press_data(stale, message_id=question)
    again = await card_of(sessionmaker, card.exercise_id)
    assert (again.due_at, again.reviews, len(await rows(sessionmaker, ReviewLog))) == after_first

    # A card that is not this learner's, or none at all: told it is out of date.
    await chat.press_data(ReviewCb(card_id=card.id + 1000, seen=0, done=0, right=0, option=0))
    assert len(await rows(sessionmaker, ReviewLog)) == 1


async def test_nothing_due_says_when_the_next_card_comes(
    chat: Chat, course: Course, clock: ManualClock
) -> None:
    await chat.send_text("/review")
    assert chat.last_text == t.NO_CARDS
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    await chat.send_text("/review")
    assert chat.last_text == t.nothing_due(t.in_days(8))


async def test_an_admins_rewrite_or_deletion_retires_the_cards(
    chat: Chat, course: Course, sessionmaker: Sessions, context: Context
) -> None:
    await chat.take_lesson(course.lessons["basics"], WRONG["basics"])
    await chat.take_lesson(course.lessons["typing"], WRONG["typing"])
    pick_b, true_is_true = course.exercises["basics"]
    assert len(await rows(sessionmaker, ReviewCard)) == 4

    # The course file rewrites "Pick b": its cards retire; the other card of the lesson stays.
    async with sessionmaker() as s:
        rewritten = TEST_COURSE.replace("prompt: Pick b", "prompt: Pick the letter b")
        await import_course(s, context, parse_course(rewritten), publish=True)
    assert (await card_of(sessionmaker, pick_b)).retired_at is not None
    assert (await card_of(sessionmaker, true_is_true)).retired_at is None
    await chat.send_text("/review")
    assert "Pick b" not in chat.last_text and "Pick the letter b" not in chat.last_text

    # Answering the new question in the lesson revives the card as a new one.
    await chat.take_lesson(course.lessons["basics"], ["a", "True"])
    revived = await card_of(sessionmaker, pick_b)
    assert (revived.retired_at, revived.reviews, revived.last_right) == (None, 0, False)

    # Deleting the lesson retires every card of its exercises.
    async with sessionmaker() as s:
        await delete_lesson(s, context, course.lessons["typing"])
    typing_cards = await rows(
        sessionmaker, ReviewCard, ReviewCard.exercise_id.in_(course.exercises["typing"])
    )
    assert typing_cards and all(c.retired_at is not None for c in typing_cards)


async def test_due_cards_alone_bring_one_reminder_a_day_naming_them_in_the_learners_language(
    settings: Settings, course: Course, sessionmaker: Sessions, clock: ManualClock, context: Context
) -> None:
    chat = make_chat(settings, sessionmaker, context, user_id=2001)
    await chat.take_lesson(course.lessons["basics"], WRONG["basics"])  # no streak: none right
    user = await one(sessionmaker, User, User.telegram_id == 2001)
    async with sessionmaker() as s:
        # The learner reads Russian and picked 9:00 for their reminder.
        values = {"reminder_hour": 9, "language": "ru"}
        await s.execute(update(User).where(User.id == user.id).values(**values))
        await s.commit()
    assert (await one(sessionmaker, User, User.id == user.id)).remind_at is None

    clock.set(MONDAY + timedelta(days=1, hours=1))  # Tuesday 10:00, past the learner's hour
    async with sessionmaker() as s:
        assert await queue_reminders(s, context) == 1
    async with sessionmaker() as s:
        assert await queue_reminders(s, context) == 0  # once a day
    assert await reminder_payloads(sessionmaker) == ["2"]
    await make_sender(sessionmaker, chat.api, context, bot=chat.bot).drain()
    with reading("ru"):
        assert chat.last_text == t.reminder_cards(2)
        assert "2 карточки" in chat.last_text
        assert chat.labels() == [str(t.MENU_REVIEW), str(texts.MENU_CONTINUE)]
        await chat.tap(t.MENU_REVIEW)
        assert "Pick b" in chat.last_text

    clock.advance(days=1)  # Wednesday: still due, reminded again
    async with sessionmaker() as s:
        assert await queue_reminders(s, context) == 1
    assert len(await reminder_payloads(sessionmaker)) == 2
    assert chat.failures() == []
    await chat.bot.session.close()


async def test_my_progress_shows_cards_learned_due_today_and_retention(
    chat: Chat, course: Course
) -> None:
    await chat.take_lesson(course.lessons["basics"], WRONG["basics"])
    await chat.send_text("/review")
    await chat.tap("b", exact=True)
    await chat.tap(texts.FALSE, exact=True)  # wrong again
    await chat.take_lesson(course.lessons["deep"], RIGHT["deep"])
    await chat.send_text("/progress")
    assert t.cards_learned(2, 3) in chat.last_text
    assert t.due_today(0) in chat.last_text  # the mistake comes back tomorrow
    assert t.retention(50) in chat.last_text
