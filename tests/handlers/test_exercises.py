"""Runs of a lesson's exercises: starting and resuming, answering, feedback, scores and XP."""

from __future__ import annotations

from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import LessonCb
from db.enums import ActivityType, ProgressStatus
from db.models import ActivityLog, ExerciseAttempt, ModuleProgress, UserProgress
from db.repositories.progress import LESSON
from tests.support.chat import Chat
from tests.support.course import RIGHT, WRONG, Course
from tests.support.rows import one, rows


async def open_and_start(chat: Chat, lesson_id: int) -> None:
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    await chat.tap("exercises")


# The lesson's own events and grants; what achievements add to the log is tested on its own.
OF_LESSONS = ActivityLog.entity_type == LESSON


async def activity_kinds(sessionmaker: async_sessionmaker[AsyncSession]) -> list[ActivityType]:
    return [a.activity_type for a in await rows(sessionmaker, ActivityLog, OF_LESSONS)]


async def test_start_counts_one_attempt_and_start_again_resumes_the_run(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    start = chat.button("Start exercises")

    await chat.press(start)
    assert "Basics</b> · question 1 of 2" in chat.last_text
    assert "Pick b" in chat.last_text
    row = await one(sessionmaker, UserProgress)
    assert (row.attempts, row.last_run, row.active_run) == (1, 1, 1)

    await chat.press(start)  # the lesson message still shows Start
    assert "question 1 of 2" in chat.last_text
    await chat.tap("b", exact=True)
    await chat.press(start)
    assert "question 2 of 2" in chat.last_text  # resumed where it stopped
    row = await one(sessionmaker, UserProgress)
    assert (row.attempts, row.last_run, row.active_run) == (1, 1, 1)
    assert row.status is ProgressStatus.IN_PROGRESS

    # The lesson page now offers to continue the open run.
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    assert en.RESUME_EXERCISES in chat.labels()
    assert (await one(sessionmaker, UserProgress)).attempts == 1


async def test_button_questions_give_immediate_feedback(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_and_start(chat, course.lessons["basics"])
    # Every option once, in the run's order, and Stop last.
    assert sorted(chat.labels()[:-1]) == ["a", "b", "c"]
    assert chat.labels()[-1] == en.STOP_EXERCISES
    button_b = chat.button("b", exact=True)
    chat.forget()

    await chat.press(button_b)

    [edit] = chat.api.sent(EditMessageText)
    assert edit.message_id == button_b.message_id
    assert "question 1 of 2" in edit.text and "Pick b" in edit.text
    assert en.your_answer("b") in edit.text
    assert "✅ <b>Correct!</b>" in edit.text
    assert "💡 b is right." in edit.text
    assert edit.reply_markup is None  # an answered question loses its buttons
    assert chat.callback_texts() == ["✅"]
    [question] = chat.api.sent(SendMessage)
    assert "question 2 of 2" in question.text and "True is true" in question.text
    assert chat.labels() == ["True", "False", en.STOP_EXERCISES]
    button_false = chat.button("False", exact=True)
    chat.forget()

    await chat.press(button_false)

    [edit] = chat.api.sent(EditMessageText)
    assert "❌ <b>Not quite.</b> The answer: True" in edit.text
    assert en.your_answer("False") in edit.text
    assert chat.callback_texts() == ["❌"]
    attempts = await rows(sessionmaker, ExerciseAttempt)
    assert [(a.exercise_id, a.run, a.answer, a.is_correct, a.points_earned) for a in attempts] == [
        (course.exercises["basics"][0], 1, "b", True, 1),
        (course.exercises["basics"][1], 1, "False", False, 0),
    ]


async def test_short_answers_are_typed_and_compared_loosely(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_and_start(chat, course.lessons["typing"])
    assert "Six times seven?" in chat.last_text
    assert str(en.TYPE_ANSWER) in chat.last_text
    assert chat.labels() == [en.STOP_EXERCISES]

    await chat.send_text(" Forty-Two ")

    texts = chat.texts()
    assert texts[-2].startswith("✅ <b>Correct!</b>")
    assert "question 2 of 2" in texts[-1] and "Pick c" in texts[-1]
    [attempt] = await rows(sessionmaker, ExerciseAttempt)
    assert (attempt.exercise_id, attempt.answer, attempt.is_correct) == (
        course.exercises["typing"][0],
        " Forty-Two ",
        True,
    )


async def test_a_wrong_typed_answer_shows_the_right_one(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_and_start(chat, course.lessons["typing"])

    await chat.send_text("forty two")

    assert chat.texts()[-2] == "❌ <b>Not quite.</b> The answer: 42"
    [attempt] = await rows(sessionmaker, ExerciseAttempt)
    assert attempt.is_correct is False and attempt.points_earned == 0


async def test_cancel_leaves_the_typed_answer_state(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_and_start(chat, course.lessons["typing"])

    await chat.send_text("/cancel")
    assert chat.last_text == en.EXERCISES_STOPPED
    await chat.send_text("42")
    assert chat.last_text == en.STRAY_TEXT
    await chat.send_text("/cancel")
    assert chat.last_text == en.NOTHING_TO_CANCEL

    assert await rows(sessionmaker, ExerciseAttempt) == []
    row = await one(sessionmaker, UserProgress)
    assert (row.attempts, row.active_run) == (1, 1)  # the run stays open to come back to


async def test_stop_button_leaves_the_run_and_it_can_be_resumed(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_and_start(chat, course.lessons["typing"])

    await chat.tap("Stop")
    assert chat.callback_texts()[-1] == en.EXERCISES_STOPPED
    assert "<b>Typing answers</b>" in chat.last_text  # back on the lesson
    await chat.send_text("42")
    assert chat.last_text == en.STRAY_TEXT
    assert await rows(sessionmaker, ExerciseAttempt) == []

    await chat.press_data(LessonCb(lesson_id=course.lessons["typing"]))
    await chat.tap(en.RESUME_EXERCISES)
    assert "question 1 of 2" in chat.last_text
    await chat.send_text("42")
    assert "question 2 of 2" in chat.last_text
    assert len(await rows(sessionmaker, ExerciseAttempt)) == 1
    assert (await one(sessionmaker, UserProgress)).attempts == 1


async def test_typing_while_a_button_question_is_asked_gets_a_hint(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_and_start(chat, course.lessons["basics"])
    button_b = chat.button("b", exact=True)

    await chat.send_text("b")

    # The hint, and the question asked again below it: the question is still open.
    assert chat.last_text.startswith(str(en.TAP_AN_ANSWER))
    assert "question 1 of 2" in chat.last_text
    assert await rows(sessionmaker, ExerciseAttempt) == []
    await chat.press(button_b)  # a button of its first asking still answers it
    assert len(await rows(sessionmaker, ExerciseAttempt)) == 1


async def test_a_passing_run_completes_the_lesson(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await open_and_start(chat, lesson_id)
    await chat.tap("b", exact=True)
    await chat.tap("True", exact=True)

    result = chat.last_text
    assert result.startswith("🏁 <b>Finished!</b> 2 of 2 correct.")
    assert "Score: <b>100%</b> (pass mark 70%)" in result
    assert "🎉 Passed!" in result
    assert "⭐ +10 XP" in result
    assert "Your best" not in result
    assert chat.labels() == [en.TRY_AGAIN, en.NEXT_LESSON, en.BACK_TO_MODULE]
    row = await one(sessionmaker, UserProgress)
    assert (row.status, row.score, row.attempts, row.active_run) == (
        ProgressStatus.COMPLETED,
        100,
        1,
        None,
    )
    assert row.completed_at is not None
    # The answers themselves are the exercise_attempts rows; the log holds the lesson's events.
    assert await activity_kinds(sessionmaker) == [
        ActivityType.LESSON_STARTED,
        ActivityType.LESSON_COMPLETED,
    ]
    [grant] = await rows(sessionmaker, ActivityLog, ActivityLog.xp > 0, OF_LESSONS)
    assert (grant.activity_type, grant.entity_id, grant.xp) == (
        ActivityType.LESSON_COMPLETED,
        lesson_id,
        10,
    )

    await chat.tap(en.NEXT_LESSON)
    assert "<b>Typing answers</b>" in chat.last_text


async def test_a_failed_run_then_a_passing_one(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await open_and_start(chat, lesson_id)
    await chat.tap("a", exact=True)  # wrong
    await chat.tap("True", exact=True)  # right: 50% < 70%

    result = chat.last_text
    assert "1 of 2 correct" in result
    assert "Score: <b>50%</b> (pass mark 70%)" in result
    assert "Not passed yet" in result
    assert "XP" not in result
    assert chat.labels() == [
        en.READ_AGAIN,
        en.TRY_AGAIN,
        en.REVIEW_MISTAKES,
        en.NEXT_LESSON,
        en.BACK_TO_MODULE,
    ]
    row = await one(sessionmaker, UserProgress)
    assert (row.status, row.score, row.attempts, row.completed_at) == (
        ProgressStatus.IN_PROGRESS,
        50,
        1,
        None,
    )
    assert await rows(sessionmaker, ActivityLog, ActivityLog.xp > 0) == []
    assert ActivityType.LESSON_COMPLETED not in await activity_kinds(sessionmaker)

    await chat.tap(en.TRY_AGAIN)
    assert "question 1 of 2" in chat.last_text
    assert (await one(sessionmaker, UserProgress)).attempts == 2
    await chat.tap("b", exact=True)
    await chat.tap("True", exact=True)

    assert "🎉 Passed!" in chat.last_text and "⭐ +10 XP" in chat.last_text
    row = await one(sessionmaker, UserProgress)
    assert (row.status, row.score, row.attempts) == (ProgressStatus.COMPLETED, 100, 2)
    attempts = await rows(sessionmaker, ExerciseAttempt)
    assert [(a.run, a.answer, a.is_correct) for a in attempts] == [
        (1, "a", False),
        (1, "True", True),
        (2, "b", True),
        (2, "True", True),
    ]
    kinds = await activity_kinds(sessionmaker)
    assert kinds.count(ActivityType.LESSON_COMPLETED) == 1
    assert kinds.count(ActivityType.LESSON_STARTED) == 1
    solved = [a.exercise_id for a in attempts if a.is_correct]
    assert solved == [
        course.exercises["basics"][1],
        course.exercises["basics"][0],
        course.exercises["basics"][1],
    ]
    assert sum(a.xp for a in await rows(sessionmaker, ActivityLog, OF_LESSONS)) == 10


async def test_a_worse_run_keeps_the_best_score(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await chat.take_lesson(lesson_id, RIGHT["basics"])

    await chat.tap(en.TRY_AGAIN)
    await chat.tap("a", exact=True)
    await chat.tap("True", exact=True)

    assert "Score: <b>50%</b>" in chat.last_text
    assert "Your best: 100%" in chat.last_text
    assert "XP" not in chat.last_text
    row = await one(sessionmaker, UserProgress)
    assert (row.status, row.score, row.attempts) == (ProgressStatus.COMPLETED, 100, 2)
    grants = await rows(sessionmaker, ActivityLog, ActivityLog.xp > 0, OF_LESSONS)
    assert [g.xp for g in grants] == [10]


async def test_a_better_score_later_grants_only_the_difference(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["typing"]  # 20 XP, pass mark 50%
    await open_and_start(chat, lesson_id)
    await chat.send_text("42")
    await chat.tap("a", exact=True)
    assert "Score: <b>50%</b> (pass mark 50%)" in chat.last_text
    assert "🎉 Passed!" in chat.last_text and "⭐ +10 XP" in chat.last_text

    await chat.tap(en.TRY_AGAIN)
    await chat.send_text("forty-two")
    await chat.tap("c", exact=True)
    assert "Score: <b>100%</b>" in chat.last_text and "⭐ +10 XP" in chat.last_text

    await chat.take_lesson(lesson_id, RIGHT["typing"])  # the same best score again
    assert "XP" not in chat.last_text

    row = await one(sessionmaker, UserProgress)
    assert (row.status, row.score, row.attempts) == (ProgressStatus.COMPLETED, 100, 3)
    grants = await rows(sessionmaker, ActivityLog, ActivityLog.xp > 0, OF_LESSONS)
    assert [(g.activity_type, g.entity_id, g.xp) for g in grants] == [
        (ActivityType.LESSON_COMPLETED, lesson_id, 10),
        (ActivityType.SCORE_IMPROVED, lesson_id, 10),
    ]
    kinds = await activity_kinds(sessionmaker)
    assert kinds.count(ActivityType.LESSON_COMPLETED) == 1
    assert kinds.count(ActivityType.SCORE_IMPROVED) == 1


async def test_module_progress_follows_completed_lessons(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    intro = ModuleProgress.module_id == course.modules["intro"]

    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    module = await one(sessionmaker, ModuleProgress, intro)
    assert (module.status, module.lessons_completed, module.lessons_total) == (
        ProgressStatus.IN_PROGRESS,
        1,
        3,
    )
    assert module.started_at is not None and module.completed_at is None

    await chat.take_lesson(course.lessons["typing"], WRONG["typing"])  # failed: no change
    assert (await one(sessionmaker, ModuleProgress, intro)).lessons_completed == 1

    await chat.take_lesson(course.lessons["typing"], RIGHT["typing"])
    await chat.take_lesson(course.lessons["reading"], RIGHT["reading"])
    module = await one(sessionmaker, ModuleProgress, intro)
    assert (module.status, module.lessons_completed, module.lessons_total) == (
        ProgressStatus.COMPLETED,
        3,
        3,
    )
    assert module.completed_at is not None
    # The other module was never touched.
    assert (
        await rows(sessionmaker, ModuleProgress, ModuleProgress.module_id == course.modules["next"])
        == []
    )
