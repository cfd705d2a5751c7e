"""What every authoring dialog shares: it survives a restart with Redis, answers anything that
is not the value asked for, and each write moves the content version other processes' catalogs
watch."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Chat as TgChat
from aiogram.types import Message, MessageEntity, Sticker, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks.admin import AuthorLessonCb, AuthorModuleCb
from bot.config import Settings
from bot.services.authoring import lessons, modules
from bot.services.authoring.exercises import delete_exercise, save_exercise
from bot.services.authoring.lessons import Direction
from bot.services.context import Context
from bot.texts import authoring as texts
from bot.views.telegram_length import MESSAGE_LIMIT
from db.enums import ExerciseType
from db.models import Lesson
from db.repositories.catalog import content_version
from tests.support.authoring import ADMIN_ID, admin_settings, content_snapshot
from tests.support.chat import Chat, make_chat
from tests.support.course import Course
from tests.support.i18n import reading
from tests.support.redis import REDIS_URL, require_redis
from tests.support.rows import one, set_values


@pytest.fixture
def settings(database_url: str) -> Settings:
    return admin_settings(database_url)


async def test_a_dialog_goes_on_after_a_restart_with_redis(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    course: Course,
    context: Context,
) -> None:
    require_redis()
    # An admin id no other run uses, so leftovers of an interrupted run cannot interfere.
    admin_id = random.randint(10**9, 2 * 10**9)
    with_redis = settings.model_copy(
        update={"redis_url": REDIS_URL, "admin_ids": frozenset({admin_id})}
    )
    before = make_chat(with_redis, sessionmaker, context, user_id=admin_id)
    await before.press_data(AuthorModuleCb(module_id=course.modules["intro"]))
    await before.tap(texts.ADD_LESSON)
    await before.send_text("Loops")
    await before.dp.storage.close()
    await before.bot.session.close()

    after = make_chat(with_redis, sessionmaker, context, user_id=admin_id)
    try:
        await after.send_text("Loops repeat.")
        await after.send_text("3")
        await after.send_text("12")
        await after.send_text("60")
    finally:
        await after.dp.storage.close()
        await after.bot.session.close()
    lesson = await one(sessionmaker, Lesson, Lesson.slug == "loops")
    assert (lesson.title, lesson.content, lesson.xp, lesson.pass_score) == (
        "Loops",
        "Loops repeat.",
        12,
        60,
    )


async def test_a_sticker_mid_dialog_is_answered_with_the_question_again(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await content_snapshot(sessionmaker)
    await admin.press_data(AuthorLessonCb(lesson_id=course.lessons["basics"]))
    await admin.tap(texts.EDIT_TITLE)
    sticker = Sticker(
        file_id="s",
        file_unique_id="s",
        type="regular",
        width=1,
        height=1,
        is_animated=False,
        is_video=False,
    )
    message = Message(
        message_id=1,
        date=datetime.now(UTC),
        chat=TgChat(id=ADMIN_ID, type="private"),
        from_user=admin.user,
        sticker=sticker,
    )
    await admin.dp.feed_update(admin.bot, Update(update_id=next(admin.ids), message=message))
    assert admin.last_text.startswith(str(texts.TEXT_ONLY))
    assert texts.edit_lesson_title_prompt("Basics", 200) in admin.last_text
    assert await content_snapshot(sessionmaker) == before


async def test_formatting_typed_in_telegram_is_kept_as_the_course_markdown(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["reading"]
    await admin.press_data(AuthorLessonCb(lesson_id=lesson_id))
    await admin.tap(texts.EDIT_CONTENT)
    # What a Telegram app sends for "A *loop* repeats" typed with its formatting, a code block.
    text = "A loop repeats.\nfor i in x:\n    pass\nSee the docs."
    entities = [
        MessageEntity(type="bold", offset=2, length=4),
        MessageEntity(type="pre", offset=16, length=20, language="python"),
        MessageEntity(type="text_link", offset=45, length=4, url="https://docs.python.org"),
    ]
    message = Message(
        message_id=1,
        date=datetime.now(UTC),
        chat=TgChat(id=ADMIN_ID, type="private"),
        from_user=admin.user,
        text=text,
        entities=entities,
    )
    await admin.dp.feed_update(admin.bot, Update(update_id=next(admin.ids), message=message))
    lesson = await one(sessionmaker, Lesson, Lesson.id == lesson_id)
    assert lesson.content == (
        "A **loop** repeats.\n```python\nfor i in x:\n    pass\n```\n"
        "See the [docs](https://docs.python.org)."
    )
    assert admin.last_text.startswith(str(texts.SAVED))


Write = Callable[[AsyncSession, Context, Course], Awaitable[Any]]
WRITES: dict[str, Write] = {
    "create module": lambda s, ctx, c: modules.create_module(s, ctx, title="M", description=None),
    "edit module title": lambda s, ctx, c: modules.edit_module_title(
        s, ctx, c.modules["next"], "N"
    ),
    "edit module description": lambda s, ctx, c: modules.edit_module_description(
        s, ctx, c.modules["next"], "D"
    ),
    "delete module": lambda s, ctx, c: modules.delete_module(s, ctx, c.modules["next"]),
    "publish module": lambda s, ctx, c: modules.set_module_published(
        s, ctx, c.modules["next"], False
    ),
    "add lesson": lambda s, ctx, c: lessons.add_lesson(
        s,
        ctx,
        c.modules["intro"],
        title="T",
        content="C",
        estimated_minutes=None,
        xp=1,
        pass_score=1,
    ),
    "edit title": lambda s, ctx, c: lessons.edit_title(s, ctx, c.lessons["basics"], "New"),
    "edit content": lambda s, ctx, c: lessons.edit_content(s, ctx, c.lessons["basics"], "New"),
    "publish lesson": lambda s, ctx, c: lessons.set_lesson_published(
        s, ctx, c.lessons["basics"], False
    ),
    "move lesson": lambda s, ctx, c: lessons.move_lesson(
        s, ctx, c.lessons["basics"], Direction.DOWN
    ),
    "edit numbers": lambda s, ctx, c: lessons.edit_numbers(
        s, ctx, c.lessons["basics"], estimated_minutes=None, xp=3, pass_score=50
    ),
    "delete lesson": lambda s, ctx, c: lessons.delete_lesson(s, ctx, c.lessons["reading"]),
    "add exercise": lambda s, ctx, c: save_exercise(
        s,
        ctx,
        c.lessons["reading"],
        kind=ExerciseType.TRUE_FALSE,
        prompt="P",
        answer=True,
        explanation=None,
    ),
    "rewrite exercise": lambda s, ctx, c: save_exercise(
        s,
        ctx,
        c.lessons["deep"],
        exercise_id=c.exercises["deep"][0],
        kind=ExerciseType.TRUE_FALSE,
        prompt="P",
        answer=True,
        explanation=None,
    ),
    "delete exercise": lambda s, ctx, c: delete_exercise(s, ctx, c.exercises["deep"][0]),
}


@pytest.mark.parametrize("write", WRITES)
async def test_every_write_moves_the_content_version_other_processes_watch(
    sessionmaker: async_sessionmaker[AsyncSession], context: Context, course: Course, write: str
) -> None:
    async with sessionmaker() as session:
        before = await content_version(session)
        await session.rollback()
    async with sessionmaker() as session:
        await WRITES[write](session, context, course)
    async with sessionmaker() as session:
        assert await content_version(session) != before


async def test_a_dialog_begun_before_the_scenes_is_ended_with_a_word(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
    course: Course,
) -> None:
    admin = make_chat(settings, sessionmaker, context, user_id=ADMIN_ID)
    key = StorageKey(bot_id=admin.bot.id, chat_id=ADMIN_ID, user_id=ADMIN_ID)
    await admin.dp.storage.set_state(key, "Authoring:NewLesson:title")
    await admin.send_text("Loops")
    assert admin.last_text == texts.RETIRED_DIALOG
    assert await admin.dp.storage.get_state(key) is None
    # What the admin types next is no longer taken for that dialog's answer.
    await admin.send_text("Loops")
    assert admin.last_text != texts.RETIRED_DIALOG


async def test_a_russian_admin_is_asked_for_the_new_title_of_a_module_or_of_a_lesson(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
    course: Course,
) -> None:
    admin = make_chat(settings, sessionmaker, context, user_id=ADMIN_ID, language_code="ru")
    try:
        with reading("ru"):
            await admin.press_data(AuthorModuleCb(module_id=course.modules["intro"]))
            await admin.tap(texts.EDIT_TITLE)
            module_question = admin.last_text
            await admin.send_text("/cancel")
            await admin.press_data(AuthorLessonCb(lesson_id=course.lessons["basics"]))
            await admin.tap(texts.EDIT_TITLE)
            lesson_question = admin.last_text
    finally:
        await admin.bot.session.close()
    assert admin.failures() == []
    assert "модуля" in module_question and "урока" not in module_question, module_question
    assert "урока" in lesson_question and "модуля" not in lesson_question, lesson_question


async def test_the_text_question_points_at_the_current_text_only_when_it_was_sent(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    lesson = await one(sessionmaker, Lesson, Lesson.id == lesson_id)
    await admin.press_data(AuthorLessonCb(lesson_id=lesson_id))
    await admin.tap(texts.EDIT_CONTENT)
    assert admin.texts()[-2:] == [lesson.content, texts.edit_content_prompt(lesson.title, True)]
    # Empty, or longer than a message (a course file's), the current text is not sent.
    for content in ("", "x" * (MESSAGE_LIMIT + 1)):
        await admin.send_text("/cancel")
        await set_values(sessionmaker, Lesson, lesson_id, content=content)
        await admin.press_data(AuthorLessonCb(lesson_id=lesson_id))
        screen = admin.last_text
        await admin.tap(texts.EDIT_CONTENT)
        assert admin.texts()[-2:] == [screen, texts.edit_content_prompt(lesson.title, False)]
