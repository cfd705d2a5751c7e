"""Authoring modules in the chat: the list, a module's screen, the new-module dialog (each step's
Cancel and bad values, the slug made from the title), editing, deleting, publishing, and what
learners then see."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks.admin import AdminMenuCb, AdminSection, AuthorModuleCb, DialogAction, DialogCb
from bot.config import Settings
from bot.services.content.model import DESCRIPTION_MAX_LEN, TITLE_MAX_LEN
from bot.texts import admin as admin_texts
from bot.texts import authoring as texts
from db.models import ExerciseAttempt, Module, ModuleProgress, UserProgress
from tests.support.authoring import admin_settings, content_snapshot
from tests.support.chat import Chat
from tests.support.course import Course
from tests.support.rows import one, rows, snapshot

PROGRESS = (UserProgress, ModuleProgress, ExerciseAttempt)


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
    assert texts.new_module_title(TITLE_MAX_LEN) in admin.last_text
    assert texts.step(1, 2) in admin.last_text
    await admin.send_text("Python basics")
    assert str(texts.DESCRIPTION_PROMPT) in admin.last_text
    assert texts.step(2, 2) in admin.last_text
    await admin.send_text("Variables, types and loops.")

    module = await one(sessionmaker, Module)
    assert (module.slug, module.title, module.description, module.is_published) == (
        "python-basics",
        "Python basics",
        "Variables, types and loops.",
        False,
    )
    assert admin.last_text.startswith(texts.module_created("Python basics", "python-basics"))
    assert str(texts.PUBLISH_MODULE) in admin.labels()
    # The dialog is over: text is no longer taken as a description.
    await admin.send_text("more text")
    assert len(await rows(sessionmaker, Module)) == 1


async def test_the_description_can_be_skipped(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_modules(admin)
    await admin.tap(texts.NEW_MODULE)
    await admin.send_text("M1")
    await admin.tap(texts.SKIP)
    module = await one(sessionmaker, Module)
    assert (module.slug, module.description) == ("m1", None)


async def test_a_slug_is_made_from_any_title_and_never_reused(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_modules(admin)
    for title in ("Git Basics!", "Git basics", "Основы Git", "?!"):
        await admin.press_data(AdminMenuCb(section=AdminSection.COURSE))
        await admin.tap(texts.NEW_MODULE)
        await admin.send_text(title)
        await admin.tap(texts.SKIP)
    # A deleted module keeps its slug, so a course file can still bring it back.
    await admin.tap(texts.DELETE)
    await admin.tap(texts.DELETE_CONFIRM)
    await admin.tap(texts.NEW_MODULE)
    await admin.send_text("Osnovy Git")
    await admin.tap(texts.SKIP)
    slugs = [m.slug for m in await rows(sessionmaker, Module)]
    # A title with no letter or digit at all is named after what it is.
    assert slugs == ["git-basics", "git-basics-2", "osnovy-git", "module", "osnovy-git-2"]


@pytest.mark.parametrize("answers", [[], ["M1"]], ids=["title", "desc"])
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
    await admin.send_text("M2")
    assert await content_snapshot(sessionmaker) == before


async def test_bad_values_are_refused_with_the_rule_and_asked_again(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await content_snapshot(sessionmaker)
    await open_modules(admin)
    await admin.tap(texts.NEW_MODULE)
    title_question = texts.new_module_title(TITLE_MAX_LEN)
    for bad, why in (
        ("   ", str(texts.EMPTY)),
        ("x" * (TITLE_MAX_LEN + 1), texts.too_long(TITLE_MAX_LEN)),
    ):
        await admin.send_text(bad)
        assert admin.last_text.startswith(why), bad
        assert title_question in admin.last_text
        assert str(texts.CANCEL) in admin.labels()
    await admin.send_text("/start")
    assert admin.last_text.startswith(str(texts.IN_A_DIALOG))
    assert title_question in admin.last_text
    await admin.send_text("New module")
    await admin.send_text("x" * (DESCRIPTION_MAX_LEN + 1))
    assert admin.last_text.startswith(texts.too_long(DESCRIPTION_MAX_LEN))
    assert str(texts.DESCRIPTION_PROMPT) in admin.last_text
    assert await content_snapshot(sessionmaker) == before
    await admin.tap(texts.SKIP)
    assert (await rows(sessionmaker, Module))[-1].slug == "new-module"


async def test_an_admin_edits_a_modules_title_and_description(
    admin: Chat, learner: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    module_id = course.modules["intro"]
    slug = (await one(sessionmaker, Module, Module.id == module_id)).slug
    await open_modules(admin)
    await admin.press_data(AuthorModuleCb(module_id=module_id))
    await admin.tap(texts.EDIT_TITLE)
    await admin.send_text("  ")
    assert admin.last_text.startswith(str(texts.EMPTY))
    await admin.send_text("Getting started")
    assert admin.last_text.startswith(str(texts.SAVED))
    await admin.tap(texts.EDIT_DESCRIPTION)
    await admin.send_text("Where to begin.")
    module = await one(sessionmaker, Module, Module.id == module_id)
    # The slug names the module in course files: it stays.
    assert (module.title, module.description, module.slug) == (
        "Getting started",
        "Where to begin.",
        slug,
    )
    await learner.send_text("/courses")
    assert "Getting started" in learner.last_text
    await admin.tap(texts.EDIT_DESCRIPTION)
    await admin.tap(texts.SKIP)
    assert (await one(sessionmaker, Module, Module.id == module_id)).description is None


async def test_deleting_a_module_asks_first_hides_it_and_keeps_progress(
    admin: Chat, learner: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["deep"]
    await learner.send_text("/start")
    await learner.take_lesson(lesson_id, ["False"])
    progress_before = await snapshot(sessionmaker, PROGRESS)
    assert progress_before["user_progress"]
    module_id = course.modules["next"]
    await open_modules(admin)
    await admin.press_data(AuthorModuleCb(module_id=module_id))
    title = (await one(sessionmaker, Module, Module.id == module_id)).title
    await admin.tap(texts.DELETE)
    assert admin.last_text == texts.confirm_delete_module(title, 1)
    await admin.tap(texts.DELETE_KEEP)
    assert (await one(sessionmaker, Module, Module.id == module_id)).deleted_at is None
    await admin.tap(texts.DELETE)
    await admin.tap(texts.DELETE_CONFIRM)
    assert admin.callback_texts()[-1] == str(texts.MODULE_DELETED)
    assert admin.last_text.startswith(str(texts.MODULES_TITLE))
    assert title not in admin.last_text
    assert (await one(sessionmaker, Module, Module.id == module_id)).deleted_at is not None
    assert await snapshot(sessionmaker, PROGRESS) == progress_before
    await learner.send_text("/courses")
    assert title not in learner.last_text
    # Its old buttons find it gone.
    await admin.press_data(AuthorModuleCb(module_id=module_id))
    assert admin.last_text == str(texts.GONE)


async def test_publishing_a_module_shows_it_to_learners_and_unpublishing_hides_it(
    admin: Chat, learner: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await open_modules(admin)
    await admin.tap(texts.NEW_MODULE)
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
