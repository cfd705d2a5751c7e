"""My progress, and resetting a lesson."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import LessonCb, MenuAction, MenuCb
from db.enums import ActivityType, ProgressStatus
from db.models import ActivityLog, ExerciseAttempt, ModuleProgress, UserProgress
from db.repositories.progress import LESSON
from tests.support.chat import Chat
from tests.support.course import RIGHT, Course
from tests.support.rows import one, rows, set_values

# The lessons' grants; achievements add theirs, tested on their own.
OF_LESSONS = ActivityLog.entity_type == LESSON


async def test_progress_before_anything_is_done(chat: Chat, course: Course) -> None:
    await chat.send_text("/start")
    await chat.tap("My progress")

    text = chat.last_text
    assert text.startswith("📊 <b>My progress</b>")
    assert "<b>Intro &lt;course&gt;</b>\n░░░░░░░░░░ 0% · 0/3 lessons" in text
    assert "<b>Next steps</b>\n░░░░░░░░░░ 0% · 0/1 lesson\n" in text
    assert "Lessons completed: <b>0</b> of 4" in text
    assert "Average score: <b>no scores yet</b>" in text
    assert "Time spent: <b>none yet</b>" in text
    assert "XP: <b>0</b>" in text
    assert chat.labels() == [en.BACK_TO_MENU]


async def test_progress_average_leaves_unscored_lessons_out(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # Typing answers at 50% (passes its 50% mark: 10 of 20 XP), Just reading has no score (5 XP).
    await chat.take_lesson(course.lessons["typing"], ["42", "a"])
    await chat.take_lesson(course.lessons["reading"], RIGHT["reading"])
    for slug, seconds in (("typing", 600), ("reading", 150)):
        row = await one(sessionmaker, UserProgress, UserProgress.lesson_id == course.lessons[slug])
        await set_values(sessionmaker, UserProgress, row.id, time_spent_seconds=seconds)

    await chat.press_data(MenuCb(action=MenuAction.PROGRESS))

    text = chat.last_text
    assert "<b>Intro &lt;course&gt;</b>\n▓▓▓▓▓▓▓░░░ 67% · 2/3 lessons" in text
    assert "<b>Next steps</b>\n░░░░░░░░░░ 0% · 0/1 lesson\n" in text
    assert "Lessons completed: <b>2</b> of 4" in text
    assert "Average score: <b>50%</b>" in text  # not 25%: no score is not a zero
    assert "Time spent: <b>12 min</b>" in text
    # 15 XP of lessons, and the points of First steps (10) and First try (10).
    assert "XP: <b>35</b>" in text
    assert sum(a.xp for a in await rows(sessionmaker, ActivityLog, OF_LESSONS)) == 15
    assert sum(a.xp for a in await rows(sessionmaker, ActivityLog)) == 35


async def test_progress_counts_hours(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    row = await one(sessionmaker, UserProgress)
    await set_values(sessionmaker, UserProgress, row.id, time_spent_seconds=3 * 3600 + 125)

    await chat.send_text("/progress")

    assert "Time spent: <b>3 h 2 min</b>" in chat.last_text
    assert "Average score: <b>100%</b>" in chat.last_text


async def test_reset_asks_first_and_no_keeps_everything(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await chat.take_lesson(lesson_id, RIGHT["basics"])
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    before = await one(sessionmaker, UserProgress)

    await chat.tap(en.RESET)
    assert chat.last_text == en.reset_question("Basics")
    assert chat.labels() == [en.RESET_CONFIRM, en.RESET_CANCEL]
    await chat.tap(en.RESET_CANCEL)

    assert "<b>Basics</b>" in chat.last_text
    after = await one(sessionmaker, UserProgress)
    assert (after.status, after.score, after.attempts, after.completed_at) == (
        before.status,
        before.score,
        before.attempts,
        before.completed_at,
    )
    assert after.status is ProgressStatus.COMPLETED


async def test_reset_returns_the_lesson_to_not_started_and_keeps_the_xp(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await chat.take_lesson(lesson_id, RIGHT["basics"])
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    ledger = [(a.id, a.xp) for a in await rows(sessionmaker, ActivityLog)]

    await chat.tap(en.RESET)
    await chat.tap(en.RESET_CONFIRM)

    assert chat.callback_texts()[-1] == en.RESET_DONE
    assert "0/3 lessons completed" in chat.last_text  # back on the module
    assert chat.labels()[0] == "⚪ 1. Basics"
    row = await one(sessionmaker, UserProgress)
    assert row.status is ProgressStatus.NOT_STARTED
    assert (row.score, row.attempts, row.active_run, row.time_spent_seconds) == (None, 0, None, 0)
    assert (row.started_at, row.completed_at, row.last_accessed_at) == (None, None, None)
    assert [(a.id, a.xp) for a in await rows(sessionmaker, ActivityLog)] == ledger
    assert len(await rows(sessionmaker, ExerciseAttempt)) == 2  # the history stays
    module = await one(sessionmaker, ModuleProgress)
    assert (module.status, module.lessons_completed) == (ProgressStatus.NOT_STARTED, 0)

    # Redoing it with the same score completes it again, for no new XP.
    await chat.take_lesson(lesson_id, RIGHT["basics"])
    assert "🎉 Passed!" in chat.last_text and "XP" not in chat.last_text
    row = await one(sessionmaker, UserProgress)
    assert (row.status, row.score, row.attempts) == (ProgressStatus.COMPLETED, 100, 1)
    assert sum(a.xp for a in await rows(sessionmaker, ActivityLog, OF_LESSONS)) == 10
    attempts = await rows(sessionmaker, ExerciseAttempt)
    assert [a.run for a in attempts] == [1, 1, 2, 2]  # runs keep counting across a reset
    assert (await one(sessionmaker, ModuleProgress)).lessons_completed == 1


async def test_after_a_reset_a_better_score_grants_only_the_difference(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["typing"]  # 20 XP
    await chat.take_lesson(lesson_id, ["42", "a"])  # 50%: +10
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    await chat.tap(en.RESET)
    await chat.tap(en.RESET_CONFIRM)

    await chat.take_lesson(lesson_id, RIGHT["typing"])  # 100%

    assert "⭐ +10 XP" in chat.last_text
    grants = await rows(sessionmaker, ActivityLog, ActivityLog.xp > 0, OF_LESSONS)
    assert [(g.activity_type, g.xp) for g in grants] == [
        (ActivityType.LESSON_COMPLETED, 10),
        (ActivityType.LESSON_COMPLETED, 10),
    ]


async def test_resetting_a_reading_lesson_and_marking_it_done_again(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["reading"]
    await chat.take_lesson(lesson_id, [])
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    await chat.tap(en.RESET)
    await chat.tap(en.RESET_CONFIRM)
    assert (await one(sessionmaker, UserProgress)).status is ProgressStatus.NOT_STARTED

    await chat.take_lesson(lesson_id, [])

    assert chat.last_text == f"{en.LESSON_COMPLETED}\n🔥 1-day streak"
    assert (await one(sessionmaker, UserProgress)).status is ProgressStatus.COMPLETED
    assert sum(a.xp for a in await rows(sessionmaker, ActivityLog, OF_LESSONS)) == 5
