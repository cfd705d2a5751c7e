"""Only the question being asked looks answerable: a finished or dead question has no buttons."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import LessonCb
from bot.services.content.importer import import_course
from bot.services.content.parse import parse_course
from bot.services.context import Context
from db.models import Lesson
from tests.support.chat import Chat
from tests.support.course import RIGHT, Course
from tests.support.rows import set_values

TYPED_LAST = """
module: {slug: typed-last, title: Typed last, order: 3}
lessons:
  - slug: recall
    title: Recall
    content: Remember this.
    exercises:
      - {type: true_false, prompt: "Is this true?", answer: true}
      - {type: short_answer, prompt: "Type yes", answers: ["yes"]}
"""


def live_question_buttons(chat: Chat) -> list[str]:
    """Answer and Stop buttons on any message the learner can still see."""
    return [
        button.callback_data or ""
        for message in chat.api.messages.values()
        if message.reply_markup is not None
        for row in message.reply_markup.inline_keyboard
        for button in row
        if (button.callback_data or "").startswith(("ans:", "stop:"))
    ]


async def test_no_question_keeps_buttons_after_a_run_with_typed_answers(
    chat: Chat, course: Course
) -> None:
    await chat.take_lesson(course.lessons["typing"], RIGHT["typing"])
    assert live_question_buttons(chat) == []


async def test_no_question_keeps_buttons_after_a_typed_final_answer(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    async with sessionmaker() as session:
        report = await import_course(session, context, parse_course(TYPED_LAST), publish=True)
    assert report is not None
    await chat.send_text("/continue")
    await chat.tap("Start exercises")
    await chat.tap("True", exact=True)
    await chat.send_text("yes")
    assert "Finished" in chat.last_text
    assert live_question_buttons(chat) == []


async def test_a_question_of_a_lesson_taken_away_loses_its_buttons(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap("Start exercises")
    await set_values(sessionmaker, Lesson, course.lessons["basics"], is_published=False)

    await chat.tap("b", exact=True)

    assert chat.callback_texts()[-1] == en.LESSON_UNAVAILABLE
    assert chat.last_text == en.MAIN_MENU
    assert live_question_buttons(chat) == []


async def test_an_old_runs_question_loses_its_buttons_when_pressed(
    chat: Chat, course: Course
) -> None:
    lesson = LessonCb(lesson_id=course.lessons["basics"])
    await chat.press_data(lesson)
    await chat.tap("Start exercises")
    old = chat.button("b", exact=True)
    # Reset and start again: the first run's question is still on screen, unanswered.
    await chat.press_data(lesson)
    await chat.tap(en.RESET)
    await chat.tap(en.RESET_CONFIRM)
    await chat.press_data(lesson)
    await chat.tap("Start exercises")
    assert chat.api.messages[(chat.user.id, old.message_id)].reply_markup is not None

    await chat.press(old)

    assert chat.callback_texts()[-1] == en.QUESTION_STALE
    assert chat.api.messages[(chat.user.id, old.message_id)].reply_markup is None
