"""Opening and reading a lesson: progress on first open, paging, Mark as done."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageText
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import DoneCb, LessonCb
from db.base import utcnow
from db.enums import ActivityType, ProgressStatus
from db.models import Achievement, ActivityLog, Lesson, ModuleProgress, UserProgress
from tests.support.chat import Chat
from tests.support.course import Course
from tests.support.rows import one, rows, set_values

# Twelve paragraphs of about 600 characters: more than three pages of 3,500 characters.
LONG_CONTENT = "\n\n".join(
    f"Paragraph {n:02d}. " + "Python reads your program from top to bottom. " * 13
    for n in range(1, 13)
)


async def test_opening_a_lesson_records_progress_once(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await chat.send_text("/start")
    await chat.tap("Continue")

    text = chat.last_text
    assert text.startswith("📖 <b>Basics</b>")
    assert "⏱ 3 min" in text and "✍️ 2 exercises" in text and "⭐ 10 XP" in text
    assert "<b>line by line</b>" in text  # the Markdown is rendered
    # Opening started the lesson, but there is nothing to reset yet.
    assert chat.labels() == [en.START_EXERCISES, en.BACK_TO_MODULE, en.BACK_TO_MENU]
    row = await one(sessionmaker, UserProgress)
    assert (row.lesson_id, row.status) == (lesson_id, ProgressStatus.IN_PROGRESS)
    assert row.started_at is not None and row.last_accessed_at is not None
    assert (row.score, row.attempts, row.completed_at) == (None, 0, None)
    module = await one(sessionmaker, ModuleProgress)
    assert (module.module_id, module.status) == (
        course.modules["intro"],
        ProgressStatus.IN_PROGRESS,
    )
    assert (module.lessons_completed, module.lessons_total) == (0, 3)

    # Opening it again (and once more from the module) starts nothing new.
    await chat.send_text("/continue")
    await chat.press_data(LessonCb(lesson_id=lesson_id))

    again = await one(sessionmaker, UserProgress)
    assert again.id == row.id
    assert again.started_at == row.started_at
    assert again.last_accessed_at is not None and again.last_accessed_at >= row.last_accessed_at
    started = await rows(sessionmaker, ActivityLog)
    assert [(a.activity_type, a.entity_id, a.xp) for a in started] == [
        (ActivityType.LESSON_STARTED, lesson_id, 0)
    ]


async def test_time_spent_counts_gaps_with_breaks_capped(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    row = await one(sessionmaker, UserProgress)

    await set_values(
        sessionmaker, UserProgress, row.id, last_accessed_at=utcnow() - timedelta(seconds=90)
    )
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    after_short_gap = (await one(sessionmaker, UserProgress)).time_spent_seconds
    assert 90 <= after_short_gap < 150

    await set_values(
        sessionmaker, UserProgress, row.id, last_accessed_at=utcnow() - timedelta(hours=5)
    )
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    assert (await one(sessionmaker, UserProgress)).time_spent_seconds == after_short_gap + 300


async def test_long_lessons_are_paged(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await set_values(sessionmaker, Lesson, lesson_id, content=LONG_CONTENT)

    await chat.press_data(LessonCb(lesson_id=lesson_id))
    first = chat.last_text
    total = int(first.split("page 1/")[1][0])
    assert total >= 3
    assert "Paragraph 01" in first and "Paragraph 12" not in first
    assert chat.labels() == [en.NEXT, en.BACK_TO_MODULE, en.BACK_TO_MENU]

    seen = [first]
    for page in range(2, total + 1):
        await chat.tap(en.NEXT)
        assert f"page {page}/{total}" in chat.last_text
        seen.append(chat.last_text)
    assert chat.labels() == [
        en.PREVIOUS,
        en.START_EXERCISES,
        en.BACK_TO_MODULE,
        en.BACK_TO_MENU,
    ]
    assert "Paragraph 12" in seen[-1]
    assert all(len(text) <= 4096 for text in seen)
    # Every paragraph is on exactly one page.
    for n in range(1, 13):
        assert sum(f"Paragraph {n:02d}" in text for text in seen) == 1

    await chat.tap(en.PREVIOUS)
    assert f"page {total - 1}/{total}" in chat.last_text
    assert chat.labels()[:2] == [en.PREVIOUS, en.NEXT]
    # Paging is done by editing the one lesson message.
    assert len(chat.api.sent(EditMessageText)) == total


async def test_forged_page_numbers_are_clamped(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await set_values(sessionmaker, Lesson, lesson_id, content=LONG_CONTENT)
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    total = int(chat.last_text.split("page 1/")[1][0])

    await chat.press_data(LessonCb(lesson_id=lesson_id, page=99))
    assert f"page {total}/{total}" in chat.last_text
    assert en.START_EXERCISES in chat.labels()

    await chat.press_data(LessonCb(lesson_id=lesson_id, page=0))
    assert f"page 1/{total}" in chat.last_text
    assert en.PREVIOUS not in chat.labels()
    assert chat.callback_texts() == [None, None, None]

    # No button carries a negative page: the press is not understood and the page stays.
    await chat.press_data(f"les:{lesson_id}:-7")
    assert chat.callback_texts()[-1] == en.BUTTON_NOT_UNDERSTOOD
    assert f"page 1/{total}" in chat.last_text


async def test_mark_as_done_completes_a_reading_lesson_once(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["reading"]
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    assert "exercises" not in chat.last_text
    assert chat.labels()[0] == en.MARK_DONE
    done = chat.button("Mark as done")
    first_steps = (await one(sessionmaker, Achievement, Achievement.code == "first_lesson")).id

    await chat.press(done)

    assert chat.last_text == (
        "✅ Lesson completed!\n⭐ +5 XP\n🔥 Streak started! Come back tomorrow to keep it going.\n"
        "🎓 Achievement unlocked: <b>First steps</b> (+10 XP)"
    )
    assert chat.labels() == [en.NEXT_LESSON, en.BACK_TO_MODULE]
    row = await one(sessionmaker, UserProgress)
    assert row.status is ProgressStatus.COMPLETED
    assert row.score is None
    assert row.completed_at is not None and row.started_at is not None
    grants = await rows(sessionmaker, ActivityLog, ActivityLog.xp > 0)
    assert [(a.activity_type, a.entity_id, a.xp) for a in grants] == [
        (ActivityType.LESSON_COMPLETED, lesson_id, 5),
        (ActivityType.ACHIEVEMENT_EARNED, first_steps, 10),
    ]
    module = await one(sessionmaker, ModuleProgress)
    assert (module.lessons_completed, module.lessons_total) == (1, 3)

    # The same button again (an old message, a double tap): nothing changes.
    before = await rows(sessionmaker, ActivityLog)
    chat.forget()
    await chat.press(done)
    assert chat.callback_texts() == [en.ALREADY_DONE]
    assert chat.texts() == []
    assert len(await rows(sessionmaker, ActivityLog)) == len(before)
    assert (await one(sessionmaker, UserProgress)).completed_at == row.completed_at

    # A completed reading lesson offers no Mark as done any more.
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    assert en.MARK_DONE not in chat.labels()


async def test_next_lesson_after_mark_as_done_crosses_into_the_next_module(
    chat: Chat, course: Course
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["reading"]))
    await chat.tap("Mark as done")

    await chat.tap(en.NEXT_LESSON)

    assert "<b>Deep dive</b>" in chat.last_text


async def test_mark_as_done_is_refused_for_a_lesson_with_exercises(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await chat.press_data(LessonCb(lesson_id=lesson_id))

    await chat.press_data(DoneCb(lesson_id=lesson_id))

    assert chat.callback_texts()[-1] == en.BUTTON_NOT_UNDERSTOOD
    row = await one(sessionmaker, UserProgress)
    assert row.status is ProgressStatus.IN_PROGRESS
    assert await rows(sessionmaker, ActivityLog, ActivityLog.xp > 0) == []


async def test_a_lesson_with_one_exercise_says_one_exercise(chat: Chat, course: Course) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["deep"]))
    assert "✍️ 1 exercise ·" in chat.last_text
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    assert "✍️ 2 exercises ·" in chat.last_text
