"""Editing a module or a lesson: every step shows the value it has now and keeps it with one
press, as writing an exercise again does, so fixing one field is one typed value; a typed value
goes through the checks it always did."""

from __future__ import annotations

from typing import Any

import pytest
from babel.support import LazyProxy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks.admin import AuthorLessonCb, AuthorModuleCb
from bot.config import Settings
from bot.services.content.fields import TEXT_MAX_LEN
from bot.services.content.model import TITLE_MAX_LEN, XP_MAX
from bot.services.context import Context
from bot.texts import authoring as texts
from db.models import Lesson
from tests.support.authoring import admin_settings, content_snapshot, nothing_written
from tests.support.chat import Chat
from tests.support.course import Course
from tests.support.rows import one, set_values

KEEP, SKIP, CANCEL = texts.KEEP, texts.SKIP, texts.CANCEL  # read in the test's language


@pytest.fixture
def settings(database_url: str) -> Settings:
    return admin_settings(database_url)


async def open_module(admin: Chat, course: Course, slug: str) -> None:
    await admin.send_text("/admin")
    await admin.press_data(AuthorModuleCb(module_id=course.modules[slug]))


async def open_lesson(admin: Chat, course: Course, slug: str) -> None:
    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=course.lessons[slug]))


def lesson_rows(snapshot: dict[str, list[dict[str, Any]]]) -> dict[int, dict[str, Any]]:
    """Every lesson's columns by id, but the time of its last change."""
    rows = snapshot[Lesson.__tablename__]
    return {row["id"]: {k: v for k, v in row.items() if k != "updated_at"} for row in rows}


async def keep_every_step(
    admin: Chat, edit: LazyProxy, *steps: tuple[str | None, list[Any]]
) -> None:
    """Press `edit`, then Keep at each step, which shows its current value (None: shown by
    the dialog another way) and offers `labels`; the edit is saved."""
    await admin.tap(edit)
    for shown, labels in steps:
        if shown is not None:
            assert texts.current_value(f"<code>{shown}</code>") in admin.last_text
        assert admin.labels() == labels
        await admin.tap(KEEP)
    assert admin.last_text.startswith(str(texts.SAVED))


async def test_keeping_a_modules_title_and_description_changes_nothing(
    admin: Chat,
    course: Course,
    context: Context,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await open_module(admin, course, "intro")
    async with nothing_written(context, sessionmaker, caplog):
        await keep_every_step(admin, texts.EDIT_TITLE, ("Intro &lt;course&gt;", [KEEP, CANCEL]))
        await keep_every_step(
            admin, texts.EDIT_DESCRIPTION, ("The first steps.", [KEEP, SKIP, CANCEL])
        )
        # Without a description there is none to keep: Skip already leaves it without one.
        await open_module(admin, course, "next")
        await admin.tap(texts.EDIT_DESCRIPTION)
        assert admin.labels() == [SKIP, CANCEL]
        await admin.tap(SKIP)


async def test_keeping_every_step_of_a_lessons_edits_changes_nothing(
    admin: Chat,
    course: Course,
    context: Context,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await open_lesson(admin, course, "basics")
    async with nothing_written(context, sessionmaker, caplog):
        await keep_every_step(admin, texts.EDIT_TITLE, ("Basics", [KEEP, CANCEL]))
        await admin.tap(texts.EDIT_CONTENT)
        # The text is the message above the question, whole, to copy: the question does not
        # repeat it.
        assert "Python runs **line by line**." in admin.texts()[-2]
        assert "Python runs" not in admin.last_text
        await admin.tap(texts.CANCEL)
        await keep_every_step(admin, texts.EDIT_CONTENT, (None, [KEEP, CANCEL]))
        await keep_every_step(
            admin,
            texts.EDIT_NUMBERS,
            ("3", [KEEP, SKIP, CANCEL]),
            ("10", [KEEP, CANCEL]),
            ("70", [KEEP, CANCEL]),
        )


async def test_one_number_typed_and_the_others_kept(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    before = await content_snapshot(sessionmaker)
    await open_lesson(admin, course, "basics")
    await admin.tap(texts.EDIT_NUMBERS)
    await admin.tap(KEEP)
    assert texts.xp_question(0, XP_MAX) in admin.last_text
    await admin.send_text("-5")
    # Refused by the rule it always was; the question is asked again, Keep still there.
    assert admin.last_text.startswith(texts.not_in_range(0, XP_MAX))
    assert admin.labels() == [KEEP, CANCEL]
    await admin.send_text("25")
    await admin.tap(KEEP)
    assert admin.last_text.startswith(str(texts.SAVED))

    after = await content_snapshot(sessionmaker)
    expected = lesson_rows(before)
    expected[lesson_id] = {**expected[lesson_id], "xp": 25}
    assert lesson_rows(after) == expected
    assert {k: v for k, v in after.items() if k != Lesson.__tablename__} == {
        k: v for k, v in before.items() if k != Lesson.__tablename__
    }


async def test_a_typed_title_replaces_the_kept_one_by_the_same_checks(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await open_lesson(admin, course, "basics")
    await admin.tap(texts.EDIT_TITLE)
    await admin.send_text("x" * (TITLE_MAX_LEN + 1))
    assert admin.last_text.startswith(texts.too_long(TITLE_MAX_LEN))
    assert admin.labels() == [KEEP, CANCEL]
    await admin.send_text("  Basics again ")
    assert (await one(sessionmaker, Lesson, Lesson.id == lesson_id)).title == "Basics again"


async def test_a_lesson_without_minutes_has_none_to_keep(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await content_snapshot(sessionmaker)
    await open_lesson(admin, course, "typing")  # no minutes, 20 XP, pass mark 50
    await admin.tap(texts.EDIT_NUMBERS)
    assert admin.labels() == [SKIP, CANCEL]
    await admin.tap(SKIP)
    await admin.tap(KEEP)
    await admin.tap(KEEP)
    assert admin.last_text.startswith(str(texts.SAVED))
    assert await content_snapshot(sessionmaker) == before


async def test_a_text_longer_than_the_chat_takes_is_kept_as_it_is(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # A course file's lesson may be longer than a message, and end in a line break.
    lesson_id = course.lessons["reading"]
    long_text = "Read on.\n" * (TEXT_MAX_LEN // 9 + 10)
    await set_values(sessionmaker, Lesson, lesson_id, content=long_text)
    before = await content_snapshot(sessionmaker)
    await open_lesson(admin, course, "reading")
    await admin.tap(texts.EDIT_CONTENT)
    assert admin.labels() == [KEEP, CANCEL]
    await admin.tap(KEEP)
    assert admin.last_text.startswith(str(texts.SAVED))
    assert await content_snapshot(sessionmaker) == before
