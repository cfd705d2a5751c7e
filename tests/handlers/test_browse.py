"""Courses, a module's lessons, and Continue."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import MenuAction, MenuCb, ModuleCb
from db.base import utcnow
from db.models import Lesson, Module
from tests.support.chat import Chat
from tests.support.course import RIGHT, WRONG, Course
from tests.support.rows import set_values


async def test_courses_lists_published_modules_in_order_with_completion(
    chat: Chat, course: Course
) -> None:
    await chat.send_text("/start")
    await chat.tap("Courses")

    text = chat.last_text
    assert "Intro &lt;course&gt;" in text  # titles are escaped
    assert text.index("Intro") < text.index("Next steps")
    assert "0% · 0/3 lessons" in text
    assert "0% · 0/1 lesson" in text and "0/1 lessons" not in text  # one lesson, singular
    assert chat.labels() == ["Intro <course> · 0%", "Next steps · 0%", en.BACK_TO_MENU]

    await chat.take_lesson(course.lessons["reading"], RIGHT["reading"])
    await chat.press_data(MenuCb(action=MenuAction.COURSES))

    assert "33% · 1/3 lessons" in chat.last_text
    assert chat.labels()[:2] == ["Intro <course> · 33%", "Next steps · 0%"]


async def test_module_order_follows_the_order_column(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await set_values(sessionmaker, Module, course.modules["next"], order=0)

    await chat.send_text("/courses")

    assert chat.labels()[:2] == ["Next steps · 0%", "Intro <course> · 0%"]


async def test_unpublished_and_deleted_content_is_not_listed(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await set_values(sessionmaker, Module, course.modules["next"], is_published=False)
    await set_values(sessionmaker, Lesson, course.lessons["typing"], is_published=False)
    await set_values(sessionmaker, Lesson, course.lessons["reading"], deleted_at=utcnow())

    await chat.send_text("/courses")
    assert "Next steps" not in chat.last_text
    assert chat.last_text.endswith("0/1 lesson")  # only Basics is left in Intro
    assert chat.labels() == ["Intro <course> · 0%", en.BACK_TO_MENU]

    await chat.tap("Intro")
    assert chat.labels() == ["⚪ 1. Basics", en.BACK_TO_COURSES]


async def test_soft_deleted_module_is_not_listed(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await set_values(sessionmaker, Module, course.modules["intro"], deleted_at=utcnow())

    await chat.send_text("/courses")

    assert "Intro" not in chat.last_text
    assert chat.labels() == ["Next steps · 0%", en.BACK_TO_MENU]


async def test_no_courses_at_all(chat: Chat) -> None:
    await chat.send_text("/courses")

    assert chat.last_text == en.NO_COURSES


async def test_module_shows_lessons_in_order_with_status_marks(chat: Chat, course: Course) -> None:
    await chat.press_data(ModuleCb(module_id=course.modules["intro"]))
    assert "Intro &lt;course&gt;" in chat.last_text
    assert "The first steps." in chat.last_text
    assert "0/3 lessons completed" in chat.last_text
    assert chat.labels() == [
        "⚪ 1. Basics",
        "⚪ 2. Typing answers",
        "⚪ 3. Just reading",
        en.BACK_TO_COURSES,
    ]

    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    await chat.take_lesson(course.lessons["reading"], RIGHT["reading"])
    await chat.take_lesson(course.lessons["typing"], WRONG["typing"])  # failed: still going
    await chat.press_data(ModuleCb(module_id=course.modules["intro"]))

    assert "2/3 lessons completed" in chat.last_text
    assert chat.labels() == [
        "✅ 100% 1. Basics",
        "🟡 2. Typing answers",
        "✅ 3. Just reading",
        en.BACK_TO_COURSES,
    ]


async def test_lesson_order_follows_the_order_column(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await set_values(sessionmaker, Lesson, course.lessons["reading"], order=0)

    await chat.press_data(ModuleCb(module_id=course.modules["intro"]))

    assert chat.labels()[:3] == ["⚪ 1. Just reading", "⚪ 2. Basics", "⚪ 3. Typing answers"]


async def test_continue_opens_the_first_unfinished_lesson_across_modules(
    chat: Chat, course: Course
) -> None:
    await chat.send_text("/start")
    await chat.tap("Continue")
    assert "<b>Basics</b>" in chat.last_text

    # Reading a later lesson first does not change where Continue leads.
    await chat.take_lesson(course.lessons["reading"], RIGHT["reading"])
    await chat.send_text("/continue")
    assert "<b>Basics</b>" in chat.last_text

    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    await chat.send_text("/continue")
    assert "<b>Typing answers</b>" in chat.last_text

    await chat.take_lesson(course.lessons["typing"], RIGHT["typing"])
    await chat.send_text("/continue")
    assert "<b>Deep dive</b>" in chat.last_text  # module 2

    await chat.take_lesson(course.lessons["deep"], RIGHT["deep"])
    await chat.send_text("/start")
    await chat.tap("Continue")
    assert chat.last_text == en.ALL_DONE
    assert "Continue" in chat.labels()[0]


async def test_continue_skips_hidden_lessons(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await set_values(sessionmaker, Lesson, course.lessons["basics"], deleted_at=utcnow())
    await set_values(sessionmaker, Lesson, course.lessons["typing"], is_published=False)

    await chat.send_text("/continue")

    assert "<b>Just reading</b>" in chat.last_text


async def test_continue_without_courses(chat: Chat) -> None:
    await chat.send_text("/continue")

    assert chat.last_text == en.NO_COURSES
