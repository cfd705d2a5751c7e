"""The same press delivered many times at once (double taps, retries, two devices) counts once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram.methods import SendMessage
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import AnswerCb, DoneCb, LessonCb, RunCb
from bot.config import Settings
from bot.services.context import Context
from db.engine import WRITER_LOCK_KEY
from db.enums import ActivityType, ProgressStatus
from db.models import (
    Achievement,
    ActivityLog,
    ExerciseAttempt,
    ModuleProgress,
    User,
    UserAchievement,
    UserProgress,
)
from tests.support.chat import Chat, make_chat
from tests.support.course import Course
from tests.support.rows import one, rows

TIMES = 20
# Seconds a reply that waits for nothing is given: far less than a lock wait (or a writer's
# turn) would take to give up.
DEADLINE = 5


def turn_of(sessionmaker: async_sessionmaker[AsyncSession]) -> asyncio.Lock:
    turn: asyncio.Lock = sessionmaker.kw["info"][WRITER_LOCK_KEY]
    return turn


async def held_codes(sessionmaker: async_sessionmaker[AsyncSession]) -> list[str]:
    codes = {a.id: a.code for a in await rows(sessionmaker, Achievement)}
    return sorted(codes[h.achievement_id] for h in await rows(sessionmaker, UserAchievement))


def feedback_texts(chat: Chat) -> list[str]:
    return [t for t in chat.texts() if "Correct" in t or "Not quite" in t]


async def test_the_last_answer_pressed_twenty_times_at_once(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    course: Course,
    context: Context,
) -> None:
    chat = make_chat(settings, sessionmaker, context, throttle=None)
    lesson_id = course.lessons["basics"]
    await chat.send_text("/start")
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    await chat.tap("Start exercises")
    await chat.tap("b", exact=True)
    last = chat.button("True", exact=True)
    chat.forget()

    await asyncio.gather(*(chat.press(last) for _ in range(TIMES)))

    attempts = await rows(sessionmaker, ExerciseAttempt)
    assert [(a.exercise_id, a.run) for a in attempts] == [
        (course.exercises["basics"][0], 1),
        (course.exercises["basics"][1], 1),
    ]
    completed = await rows(
        sessionmaker, ActivityLog, ActivityLog.activity_type == ActivityType.LESSON_COMPLETED
    )
    assert [(a.entity_id, a.xp) for a in completed] == [(lesson_id, 10)]
    # The completion earned First steps, First try and Flawless: each awarded once, its
    # points granted once, and announced once.
    assert await held_codes(sessionmaker) == ["first_lesson", "first_try", "perfect_score"]
    ledger = await rows(sessionmaker, ActivityLog)
    assert [(a.activity_type, a.xp) for a in ledger] == [
        (ActivityType.LESSON_STARTED, 0),
        (ActivityType.LESSON_COMPLETED, 10),
        (ActivityType.ACHIEVEMENT_EARNED, 10),
        (ActivityType.ACHIEVEMENT_EARNED, 10),
        (ActivityType.ACHIEVEMENT_EARNED, 15),
    ]
    assert sum("Achievement unlocked" in t for t in chat.texts()) == 1
    [result] = [t for t in chat.texts() if "Finished" in t]
    for title in ("First steps", "First try", "Flawless"):
        assert result.count(f"<b>{title}</b>") == 1
    row = await one(sessionmaker, UserProgress)
    assert (row.status, row.score, row.attempts, row.active_run) == (
        ProgressStatus.COMPLETED,
        100,
        1,
        None,
    )
    module = await one(sessionmaker, ModuleProgress)
    assert module.lessons_completed == 1

    [feedback] = feedback_texts(chat)
    assert "✅ <b>Correct!</b>" in feedback
    assert sum("Finished" in t for t in chat.texts()) == 1
    answers = chat.callback_texts()
    assert len(answers) == TIMES
    assert [a for a in answers if a is not None] == ["✅"]  # the others quietly
    assert chat.failures() == []


async def test_a_middle_answer_pressed_twenty_times_at_once(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap("Start exercises")
    first = chat.button("a", exact=True)  # wrong
    chat.forget()

    await asyncio.gather(*(chat.press(first) for _ in range(TIMES)))

    [attempt] = await rows(sessionmaker, ExerciseAttempt)
    assert (attempt.exercise_id, attempt.is_correct) == (course.exercises["basics"][0], False)
    [feedback] = feedback_texts(chat)
    assert "Not quite" in feedback
    # The next question is asked once.
    assert sum("question 2 of 2" in m.text for m in chat.api.sent(SendMessage)) == 1
    answers = chat.callback_texts()
    assert len(answers) == TIMES
    assert [a for a in answers if a is not None] == ["❌"]


async def test_start_exercises_twenty_times_at_once(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]  # never opened: the first press creates the row
    await chat.send_text("/start")
    chat.forget()

    await asyncio.gather(*(chat.press_data(RunCb(lesson_id=lesson_id)) for _ in range(TIMES)))

    row = await one(sessionmaker, UserProgress)
    assert (row.status, row.attempts, row.last_run, row.active_run) == (
        ProgressStatus.IN_PROGRESS,
        1,
        1,
        1,
    )
    started = await rows(
        sessionmaker, ActivityLog, ActivityLog.activity_type == ActivityType.LESSON_STARTED
    )
    assert len(started) == 1
    # Every press showed the same question of the same run.
    questions = [m for m in chat.api.sent(SendMessage) if "question 1 of 2" in m.text]
    assert len(questions) == TIMES
    runs = {
        AnswerCb.unpack(m.reply_markup.inline_keyboard[0][0].callback_data).run for m in questions
    }
    assert runs == {1}


async def test_first_open_twenty_times_at_once(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["typing"]

    await asyncio.gather(*(chat.press_data(LessonCb(lesson_id=lesson_id)) for _ in range(TIMES)))

    row = await one(sessionmaker, UserProgress)
    assert row.status is ProgressStatus.IN_PROGRESS
    assert [a.activity_type for a in await rows(sessionmaker, ActivityLog)] == [
        ActivityType.LESSON_STARTED
    ]
    assert len(await rows(sessionmaker, ModuleProgress)) == 1


async def test_mark_as_done_twenty_times_at_once(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["reading"]
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    chat.forget()

    await asyncio.gather(*(chat.press_data(DoneCb(lesson_id=lesson_id)) for _ in range(TIMES)))

    grants = await rows(sessionmaker, ActivityLog, ActivityLog.xp > 0)
    assert [(g.activity_type, g.xp) for g in grants] == [
        (ActivityType.LESSON_COMPLETED, 5),
        (ActivityType.ACHIEVEMENT_EARNED, 10),
    ]
    assert await held_codes(sessionmaker) == ["first_lesson"]
    assert (await one(sessionmaker, UserProgress)).status is ProgressStatus.COMPLETED
    assert sum("Lesson completed" in t for t in chat.texts()) == 1
    assert sum("Achievement unlocked: <b>First steps</b>" in t for t in chat.texts()) == 1


async def test_the_same_typed_answer_twenty_times_at_once(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["typing"]))
    await chat.tap("Start exercises")
    chat.forget()

    await asyncio.gather(*(chat.send_text("42") for _ in range(TIMES)))

    [attempt] = await rows(sessionmaker, ExerciseAttempt)
    assert (attempt.exercise_id, attempt.is_correct) == (course.exercises["typing"][0], True)
    assert len(feedback_texts(chat)) == 1
    assert sum("question 2 of 2" in t for t in chat.texts()) == 1


@asynccontextmanager
async def learner_held(
    db_kind: str, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[None]:
    """Another transaction holds what a writer of the learner waits for: on MySQL the learner's
    row lock, on SQLite the process's writers' turn."""
    if db_kind == "sqlite":
        async with turn_of(sessionmaker):
            yield
        return
    learner = await one(sessionmaker, User)
    async with engine.connect() as holder, holder.begin() as transaction:
        await holder.execute(
            text("SELECT id FROM users WHERE id = :id FOR UPDATE"), {"id": learner.id}
        )
        try:
            yield
        finally:
            await transaction.rollback()


async def test_a_question_asked_again_waits_for_no_writer(
    chat: Chat,
    course: Course,
    db_kind: str,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap("Start exercises")
    async with learner_held(db_kind, engine, sessionmaker):
        # Typed while a button question is open: the hint and the question, read and written
        # nothing, so nothing the learner's writers hold can hold it up.
        await asyncio.wait_for(chat.send_text("b"), DEADLINE)
    assert chat.last_text.startswith(str(en.TAP_AN_ANSWER))
    assert "question 1 of 2" in chat.last_text


async def test_copies_of_a_typed_answer_are_never_told_their_question_is_stale(
    chat: Chat, course: Course
) -> None:
    # A copy that finds its answer taken and the next question asked is a copy, not a stale
    # answer: telling it so would also end the question now open.
    await chat.press_data(LessonCb(lesson_id=course.lessons["typing"]))
    await chat.tap("Start exercises")
    chat.forget()

    await asyncio.gather(*(chat.send_text("42") for _ in range(TIMES)))

    assert str(en.QUESTION_STALE) not in chat.texts()
    assert sum("question 2 of 2" in t for t in chat.texts()) == 1
