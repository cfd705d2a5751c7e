"""The learner's path without dead ends: reading again after a failed run, Reset only when
there is something to reset, options in a new order on each run, typing while buttons are
asked, and the moments a run marks (a streak started, a module and the course finished)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiogram.methods import EditMessageReplyMarkup, SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import LessonCb, ResetCb
from bot.texts import motivation
from bot.texts import review as review_texts
from db.clock import ManualClock
from db.models import ExerciseAttempt
from tests.support.chat import Chat
from tests.support.course import RIGHT, WRONG, Course
from tests.support.rows import rows

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY)


async def test_a_failed_run_offers_to_read_the_lesson_again_from_its_first_page(
    chat: Chat, course: Course
) -> None:
    lesson_id = course.lessons["basics"]
    await chat.take_lesson(lesson_id, WRONG["basics"])
    assert "Not passed yet" in chat.last_text

    await chat.tap(en.READ_AGAIN)

    assert chat.last_text.startswith("📖 <b>Basics</b>")
    assert "<b>line by line</b>" in chat.last_text  # the lesson's first page
    assert chat.labels()[0] == en.START_EXERCISES


async def test_a_failed_run_offers_to_review_the_questions_just_missed(
    chat: Chat, course: Course
) -> None:
    await chat.take_lesson(course.lessons["basics"], WRONG["basics"])
    assert en.REVIEW_MISTAKES in chat.labels()

    await chat.tap(en.REVIEW_MISTAKES)

    # Both questions were missed, so both cards are due now: the review asks them at once.
    assert "card 1" in chat.last_text
    await chat.tap("b", exact=True)
    await chat.tap(en.TRUE, exact=True)
    assert review_texts.summary(2, 2) in chat.last_text


async def test_a_passed_run_offers_no_review_of_mistakes(chat: Chat, course: Course) -> None:
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    assert en.REVIEW_MISTAKES not in chat.labels()


async def test_reset_is_offered_only_once_there_is_progress_to_reset(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    assert en.RESET not in chat.labels()  # opened, never tried

    await chat.tap(en.START_EXERCISES)
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    assert en.RESET in chat.labels()  # a run is open

    await chat.tap(en.RESET)
    await chat.tap(en.RESET_CONFIRM)
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    assert en.RESET not in chat.labels()  # nothing left to reset

    # A reading lesson has progress once it is marked done.
    reading = course.lessons["reading"]
    await chat.press_data(LessonCb(lesson_id=reading))
    assert en.RESET not in chat.labels()
    await chat.tap(en.MARK_DONE)
    await chat.press_data(LessonCb(lesson_id=reading))
    assert en.RESET in chat.labels()


async def test_each_run_shows_the_options_in_its_own_order_and_records_the_one_pressed(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    first_exercise = course.exercises["basics"][0]
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    await chat.tap(en.START_EXERCISES)
    orders: list[list[str]] = []
    pressed: list[str] = []
    for run in range(1, 21):
        if run > 1:
            await chat.tap(en.TRY_AGAIN)
        order = chat.labels()[:-1]
        assert sorted(order) == ["a", "b", "c"]
        if run <= 3:
            # Drawn again within the run (the lesson page's Continue resumes it): same order.
            await chat.press_data(LessonCb(lesson_id=lesson_id))
            await chat.tap(en.RESUME_EXERCISES)
            assert chat.labels()[:-1] == order
        orders.append(order)
        # Press the button at a position that moves from run to run.
        button = chat.last_keyboard()[run % 3]
        pressed.append(button.text)
        await chat.press(button)
        await chat.tap(en.TRUE, exact=True)
        assert "Finished" in chat.last_text

    assert len({order[0] for order in orders}) > 1
    attempts = await rows(
        sessionmaker, ExerciseAttempt, ExerciseAttempt.exercise_id == first_exercise
    )
    assert [(a.run, a.answer) for a in sorted(attempts, key=lambda a: a.run)] == list(
        zip(range(1, 21), pressed, strict=True)
    )
    assert [a.is_correct for a in sorted(attempts, key=lambda a: a.run)] == [
        p == "b" for p in pressed
    ]


async def test_typing_during_a_button_question_keeps_the_question_on_screen(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap(en.START_EXERCISES)
    first = chat.last_keyboard()
    chat.forget()

    await chat.send_text("b, I think")

    # The hint and the question again, with its buttons in the run's order; no main menu.
    [sent] = chat.api.sent(SendMessage)
    assert sent.text.startswith(str(en.TAP_AN_ANSWER))
    assert "question 1 of 2" in sent.text and "Pick b" in sent.text
    assert str(en.MAIN_MENU) not in sent.text
    assert chat.labels() == [b.text for b in first]
    # The first asking loses its buttons: only the question at the bottom looks answerable.
    [closed] = chat.api.sent(EditMessageReplyMarkup)
    assert closed.message_id == first[0].message_id and closed.reply_markup is None
    assert await rows(sessionmaker, ExerciseAttempt) == []

    # Typing again asks again; the answer then goes on as usual, on the true/false question too.
    await chat.send_text("hello?")
    assert chat.last_text.startswith(str(en.TAP_AN_ANSWER))
    await chat.tap("b", exact=True)
    assert "question 2 of 2" in chat.last_text
    await chat.send_text("true")
    assert chat.last_text.startswith(str(en.TAP_AN_ANSWER))
    assert "question 2 of 2" in chat.last_text
    assert chat.labels() == [en.TRUE, en.FALSE, en.STOP_EXERCISES]
    await chat.tap(en.TRUE, exact=True)
    assert "Finished" in chat.last_text
    attempts = await rows(sessionmaker, ExerciseAttempt)
    assert sorted(a.answer for a in attempts) == ["True", "b"]

    # With no question open any more, typing gets the general hint and the menu.
    await chat.send_text("what now?")
    assert chat.last_text == en.STRAY_TEXT


async def test_typing_after_the_run_closed_elsewhere_says_the_question_is_over(
    chat: Chat, course: Course
) -> None:
    lesson_id = course.lessons["basics"]
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    await chat.tap(en.START_EXERCISES)
    # The run is reset from the lesson page (an older message), leaving the question's state.
    await chat.press_data(ResetCb(lesson_id=lesson_id, confirmed=True))

    await chat.send_text("b")

    assert chat.last_text == en.QUESTION_STALE
    assert en.MENU_CONTINUE in chat.labels()
    await chat.send_text("b")  # the state is over too
    assert chat.last_text == en.STRAY_TEXT


async def run_texts(chat: Chat, lesson_id: int) -> list[str]:
    """What the bot said during one right run of Basics."""
    before = len(chat.texts())
    await chat.take_lesson(lesson_id, RIGHT["basics"])
    return chat.texts()[before:]


async def test_the_answer_that_starts_a_streak_says_so_once(
    chat: Chat, course: Course, clock: ManualClock
) -> None:
    basics = course.lessons["basics"]
    await chat.press_data(LessonCb(lesson_id=basics))
    await chat.tap(en.START_EXERCISES)
    await chat.tap("a", exact=True)  # wrong: no day kept, nothing started
    assert str(motivation.STREAK_STARTED) not in chat.texts()[-2]
    await chat.tap(en.TRUE, exact=True)  # right, and the run's last answer
    assert str(motivation.STREAK_STARTED) in chat.last_text
    assert motivation.streak(1, 0) not in chat.last_text  # the start says it all

    # The same day again: the streak goes on, it does not start.
    said = await run_texts(chat, basics)
    assert not any(str(motivation.STREAK_STARTED) in t for t in said)
    assert motivation.streak(1, 0) in said[-1]
    # The next day: two days long, no start.
    clock.advance(days=1)
    said = await run_texts(chat, basics)
    assert not any(str(motivation.STREAK_STARTED) in t for t in said)
    assert motivation.streak(2, 0) in said[-1]

    # A lapse: the next right answer, mid-run, starts a new streak and tells it with its
    # feedback; the run's result then shows the streak as usual.
    clock.advance(days=5)
    said = await run_texts(chat, basics)
    [first_feedback] = [t for t in said if "question 1 of 2" in t and "Correct" in t]
    result = said[-1]
    assert str(motivation.STREAK_STARTED) in first_feedback
    assert motivation.streak(1, 0) in result and str(motivation.STREAK_STARTED) not in result


async def test_a_completed_module_is_named_and_the_course_ends_with_what_to_do_next(
    chat: Chat, course: Course
) -> None:
    # The course's last lesson first: the end of the course order, but not of the course.
    await chat.take_lesson(course.lessons["deep"], RIGHT["deep"])
    assert en.module_completed("Next steps") in chat.last_text
    assert str(en.COURSE_COMPLETED) not in chat.last_text
    # No next lesson: the menu is the way on.
    assert chat.labels() == [en.TRY_AGAIN, en.BACK_TO_MODULE, en.BACK_TO_MENU]

    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    assert "Module completed" not in chat.last_text
    assert chat.labels() == [en.TRY_AGAIN, en.NEXT_LESSON, en.BACK_TO_MODULE]
    await chat.take_lesson(course.lessons["typing"], RIGHT["typing"])
    assert str(en.COURSE_COMPLETED) not in chat.last_text

    # The reading lesson is the one left: marking it done finishes the module and the course.
    await chat.take_lesson(course.lessons["reading"], [])
    done = chat.last_text
    assert en.module_completed("Intro <course>") in done
    assert done.endswith(str(en.COURSE_COMPLETED))
    assert "/review" in done
    assert chat.labels() == [
        en.NEXT_LESSON,
        en.BACK_TO_MODULE,
        en.MENU_LEADERBOARD,
        en.BACK_TO_MENU,
    ]
    await chat.tap(en.BACK_TO_MENU)
    assert chat.last_text == en.MAIN_MENU
    # A better run later completes nothing new: no second course message.
    await chat.take_lesson(course.lessons["deep"], RIGHT["deep"])
    assert str(en.COURSE_COMPLETED) not in chat.last_text


async def test_a_run_that_finishes_the_course_offers_the_leaderboard_and_the_menu(
    chat: Chat, course: Course
) -> None:
    for slug in ("basics", "typing", "reading"):
        await chat.take_lesson(course.lessons[slug], RIGHT[slug])
    await chat.take_lesson(course.lessons["deep"], WRONG["deep"])
    assert str(en.COURSE_COMPLETED) not in chat.last_text  # failed: not finished

    await chat.tap(en.TRY_AGAIN)
    await chat.tap(en.FALSE, exact=True)

    result = chat.last_text
    assert "🎉 Passed!" in result
    assert en.module_completed("Next steps") in result and result.endswith(str(en.COURSE_COMPLETED))
    assert chat.labels() == [
        en.TRY_AGAIN,
        en.BACK_TO_MODULE,
        en.MENU_LEADERBOARD,
        en.BACK_TO_MENU,
    ]
