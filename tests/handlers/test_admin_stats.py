"""/stats and the admin menu's Statistics: the figures as text, the funnel as a PNG photo, and
a plain answer when there is nothing to measure."""

from __future__ import annotations

import io

import pytest
from aiogram.methods import SendPhoto
from aiogram.types import InlineKeyboardMarkup
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks.admin import AdminMenuCb, AdminSection
from bot.config import Settings
from bot.services.context import Context
from bot.serving.local_api import file_bytes
from bot.texts import admin as admin_texts
from bot.texts import stats as texts
from tests.support.authoring import ADMIN_ID, admin_settings
from tests.support.chat import Chat, make_chat
from tests.support.course import RIGHT, WRONG, Course

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return admin_settings(database_url)


async def learners_take_lessons(
    settings: Settings,
    context: Context,
    sessionmaker: async_sessionmaker[AsyncSession],
    course: Course,
) -> None:
    # Two learners pass Basics; the second also fails a run of Typing answers.
    for user_id in (2001, 2002):
        learner = make_chat(settings, sessionmaker, context, user_id=user_id)
        await learner.send_text("/start")
        await learner.take_lesson(course.lessons["basics"], RIGHT["basics"])
        if user_id == 2002:
            await learner.take_lesson(course.lessons["typing"], WRONG["typing"])
        assert learner.failures() == []
        await learner.bot.session.close()


def the_photo(chat: Chat) -> tuple[SendPhoto, bytes]:
    photos: list[SendPhoto] = chat.api.sent(SendPhoto)
    assert len(photos) == 1
    return photos[0], file_bytes(photos[0].photo)


def assert_a_sane_png(png: bytes) -> None:
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        image.verify()
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    assert image.format == "PNG"
    assert 300 <= width <= 2000 and 100 <= height <= 2000, (width, height)


async def test_an_admin_gets_the_figures_and_the_funnel_chart(
    admin: Chat,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    course: Course,
    context: Context,
) -> None:
    await learners_take_lessons(settings, context, sessionmaker, course)
    await admin.send_text("/stats")

    text = "\n\n".join(admin.texts())
    assert str(texts.TITLE) in text
    # The two learners and the admin, whom /stats registered; the admin has done nothing.
    assert texts.learners(3, 2, 7) in text
    assert texts.lesson_heading("1.1", "Basics") in text
    assert texts.lesson_funnel(2, 2, 100.0) in text
    # Typing answers: one learner started it, ran it once and did not pass.
    assert texts.lesson_heading("1.2", "Typing answers") in text
    assert texts.lesson_funnel(1, 0, 0.0) in text
    assert texts.lesson_passes(0, 1, 0.0, 50) in text
    assert texts.drop_off_line("1.2", "Typing answers", 1, 1, 100.0) in text
    assert all(len(t) <= 4096 for t in admin.texts())

    photo, png = the_photo(admin)
    assert photo.chat_id == ADMIN_ID
    assert photo.caption == texts.chart_caption(4, 4)
    assert_a_sane_png(png)
    # The way back to the admin menu goes under the chart, the last thing sent.
    assert isinstance(photo.reply_markup, InlineKeyboardMarkup)
    assert [b.text for row in photo.reply_markup.inline_keyboard for b in row] == [
        str(admin_texts.BACK_TO_ADMIN)
    ]


async def test_the_admin_menu_statistics_button(
    admin: Chat,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    course: Course,
    context: Context,
) -> None:
    await learners_take_lessons(settings, context, sessionmaker, course)
    await admin.send_text("/admin")
    statistics = admin.button(admin_texts.SECTION_STATS)
    admin.forget()
    await admin.press(statistics)

    assert str(texts.TITLE) in admin.texts()[0]
    assert texts.lesson_funnel(2, 2, 100.0) in "\n".join(admin.texts())
    assert_a_sane_png(the_photo(admin)[1])
    assert admin.callback_texts() == [None], "the press is answered once, silently"


async def test_an_empty_course_is_said_plainly_without_a_chart(admin: Chat) -> None:
    await admin.press_data(AdminMenuCb(section=AdminSection.STATS))
    assert len(admin.texts()) == 1
    assert str(texts.NO_COURSE) in admin.last_text
    assert admin.api.sent(SendPhoto) == []
    assert admin.labels() == [str(admin_texts.BACK_TO_ADMIN)]


async def test_a_course_nobody_started_has_no_chart(admin: Chat, course: Course) -> None:
    await admin.send_text("/stats")
    assert len(admin.texts()) == 1
    assert str(texts.NOBODY_STARTED) in admin.last_text
    assert admin.api.sent(SendPhoto) == []
