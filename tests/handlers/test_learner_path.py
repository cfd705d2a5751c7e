"""The learner's path without dead ends: reading again after a failed run, Reset only when
there is something to reset, options in a new order on each run, typing while buttons are
asked, and the moments a run marks (a streak started, a module and the course finished)."""

from __future__ import annotations

from aiogram.methods import EditMessageReplyMarkup, SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks import LessonCb, ResetCb
from db.models import ExerciseAttempt
from tests.support.chat import Chat
from tests.support.course import WRONG, Course
from tests.support.rows import rows


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
