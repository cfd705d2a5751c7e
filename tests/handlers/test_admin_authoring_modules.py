"""Authoring modules in the chat: the list, a module's screen, the new-module dialog (each step's
Cancel and bad values), publishing, and what learners then see."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks.admin import AdminMenuCb, AdminSection, DialogAction, DialogCb
from bot.config import Settings
from bot.services.content.model import SLUG_MAX_LEN, TITLE_MAX_LEN
from bot.texts import admin as admin_texts
from bot.texts import authoring as texts
from db.models import Module
from tests.support.authoring import admin_settings, content_snapshot
from tests.support.chat import Chat
from tests.support.course import Course
from tests.support.rows import one, rows


@pytest.fixture
def settings(database_url: str) -> Settings:
    return admin_settings(database_url)


async def open_modules(admin: Chat) -> None:
    await admin.send_text("/admin")
    await admin.tap(admin_texts.SECTION_COURSE)


async def test_the_list_shows_every_module_with_its_mark_and_counts(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_modules(admin)
    modules = await rows(sessionmaker, Module)
    assert admin.last_text.startswith(str(texts.MODULES_TITLE))
    for module in modules:
        assert f"{texts.PUBLISHED_MARK} {module.title}" in admin.labels()
    assert admin.labels()[-2:] == [str(texts.NEW_MODULE), str(admin_texts.BACK_TO_ADMIN)]
    first = modules[0]
    await admin.tap(first.title)
    assert first.slug in admin.last_text
    assert str(texts.ADD_LESSON) in admin.labels()
    assert str(texts.UNPUBLISH_MODULE) in admin.labels()
    await admin.tap(texts.BACK_TO_MODULES)
    assert admin.last_text.startswith(str(texts.MODULES_TITLE))


async def test_an_admin_creates_a_module_that_starts_unpublished(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_modules(admin)
    assert str(texts.NO_MODULES) in admin.last_text
    await admin.tap(texts.NEW_MODULE)
    assert texts.new_module_slug(SLUG_MAX_LEN) in admin.last_text
    await admin.send_text("python-basics")
    assert texts.title_prompt(TITLE_MAX_LEN) in admin.last_text
    await admin.send_text("Python basics")
    assert str(texts.DESCRIPTION_PROMPT) in admin.last_text
    await admin.send_text("Variables, types and loops.")

    module = await one(sessionmaker, Module)
    assert (module.slug, module.title, module.description, module.is_published) == (
        "python-basics",
        "Python basics",
        "Variables, types and loops.",
        False,
    )
    assert admin.last_text.startswith(texts.module_created("Python basics"))
    assert str(texts.PUBLISH_MODULE) in admin.labels()
    # The dialog is over: text is no longer taken as a description.
    await admin.send_text("more text")
    assert len(await rows(sessionmaker, Module)) == 1


async def test_the_description_can_be_skipped(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_modules(admin)
    await admin.tap(texts.NEW_MODULE)
    await admin.send_text("m1")
    await admin.send_text("M1")
    await admin.tap(texts.SKIP)
    module = await one(sessionmaker, Module)
    assert (module.slug, module.description) == ("m1", None)


@pytest.mark.parametrize("answers", [[], ["m1"], ["m1", "M1"]], ids=["slug", "title", "desc"])
@pytest.mark.parametrize("how", ["button", "command"])
async def test_cancel_at_each_step_writes_nothing(
    admin: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
    answers: list[str],
    how: str,
) -> None:
    await open_modules(admin)
    before = await content_snapshot(sessionmaker)
    await admin.tap(texts.NEW_MODULE)
    for answer in answers:
        await admin.send_text(answer)
    if how == "button":
        await admin.tap(texts.CANCEL)
        assert admin.callback_texts()[-1] == str(texts.CANCELLED)
    else:
        await admin.send_text("/cancel")
    assert admin.last_text.startswith(str(texts.CANCELLED))
    assert str(texts.NEW_MODULE) in admin.labels()
    assert await content_snapshot(sessionmaker) == before
    # Nothing is waiting for a value any more.
    await admin.send_text("m2")
    assert await content_snapshot(sessionmaker) == before


async def test_bad_values_are_refused_with_the_rule_and_asked_again(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    taken = (await rows(sessionmaker, Module))[0].slug
    before = await content_snapshot(sessionmaker)
    await open_modules(admin)
    await admin.tap(texts.NEW_MODULE)
    slug_question = texts.new_module_slug(SLUG_MAX_LEN)
    for bad, why in (
        ("Python Basics", str(texts.SLUG_SHAPE)),
        ("-x", str(texts.SLUG_SHAPE)),
        ("x" * (SLUG_MAX_LEN + 1), texts.too_long(SLUG_MAX_LEN)),
        (taken, texts.slug_taken(taken)),
    ):
        await admin.send_text(bad)
        assert admin.last_text.startswith(why), bad
        assert slug_question in admin.last_text
        assert str(texts.CANCEL) in admin.labels()
    await admin.send_text("new-module")
    await admin.send_text("x" * (TITLE_MAX_LEN + 1))
    assert admin.last_text.startswith(texts.too_long(TITLE_MAX_LEN))
    assert texts.title_prompt(TITLE_MAX_LEN) in admin.last_text
    await admin.send_text("/start")
    assert admin.last_text.startswith(str(texts.IN_A_DIALOG))
    assert await content_snapshot(sessionmaker) == before
    await admin.send_text("New module")
    await admin.tap(texts.SKIP)
    assert (await rows(sessionmaker, Module))[-1].slug == "new-module"


async def test_publishing_a_module_shows_it_to_learners_and_unpublishing_hides_it(
    admin: Chat, learner: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_modules(admin)
    await admin.tap(texts.NEW_MODULE)
    await admin.send_text("drafts")
    await admin.send_text("Drafts")
    await admin.tap(texts.SKIP)
    await learner.send_text("/courses")
    assert "Drafts" not in learner.last_text

    await admin.tap(texts.PUBLISH_MODULE)
    assert admin.callback_texts()[-1] == str(texts.MODULE_PUBLISHED)
    assert (await one(sessionmaker, Module)).is_published is True
    assert str(texts.UNPUBLISH_MODULE) in admin.labels()
    await learner.send_text("/courses")
    assert "Drafts" in learner.last_text

    await admin.tap(texts.UNPUBLISH_MODULE)
    assert (await one(sessionmaker, Module)).is_published is False
    await learner.send_text("/courses")
    assert "Drafts" not in learner.last_text


async def test_a_stale_cancel_button_gets_a_clear_answer(admin: Chat) -> None:
    await open_modules(admin)
    await admin.press_data(DialogCb(action=DialogAction.CANCEL))
    assert admin.callback_texts()[-1] == str(texts.NOTHING_TO_CANCEL)
    await admin.press_data(DialogCb(action=DialogAction.SKIP))
    assert admin.callback_texts()[-1] == str(texts.NOT_THIS_STEP)
    await admin.press_data(AdminMenuCb(section=AdminSection.COURSE))
    assert admin.last_text.startswith(str(texts.MODULES_TITLE))
