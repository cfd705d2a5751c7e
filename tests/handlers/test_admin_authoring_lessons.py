"""Authoring lessons in the chat: the new-lesson dialog (each step's Cancel and bad values),
editing, publishing and what learners then see, reordering, soft deletion, stale buttons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as learner_texts
from bot.callbacks.admin import (
    AnnounceLessonCb,
    AuthorLessonCb,
    AuthorModuleCb,
    LessonAction,
    LessonActionCb,
    ModuleAction,
    ModuleActionCb,
    MoveLessonCb,
    MoveTo,
    PreviewCb,
)
from bot.callbacks.learner import LessonCb
from bot.config import Settings
from bot.services.content.fields import TEXT_MAX_LEN
from bot.services.content.model import TITLE_MAX_LEN, XP_MAX
from bot.texts import admin as admin_texts
from bot.texts import authoring as texts
from db.models import Lesson, Module, UserProgress
from tests.support.authoring import admin_settings, content_snapshot
from tests.support.chat import Chat
from tests.support.course import RIGHT, Course
from tests.support.rows import one, rows, set_values, snapshot

CONTENT = "# Loops\nA **loop** repeats.\n```python\nfor i in range(3):\n    print(i)\n```"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return admin_settings(database_url)


async def open_module(admin: Chat, course: Course, slug: str = "intro") -> None:
    await admin.send_text("/admin")
    await admin.tap(admin_texts.SECTION_COURSE)
    await admin.press_data(AuthorModuleCb(module_id=course.modules[slug]))


async def add_lesson(admin: Chat, course: Course, title: str, *answers: str) -> None:
    await open_module(admin, course)
    await admin.tap(texts.ADD_LESSON)
    await admin.send_text(title)
    for answer in answers:
        await admin.send_text(answer)


async def learner_lesson_titles(learner: Chat, module_title: str = "Intro <course>") -> list[str]:
    await learner.send_text("/courses")
    await learner.tap(module_title)
    return learner.labels()


async def test_an_admin_adds_a_draft_lesson_at_the_end_of_the_module(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_lesson(admin, course, "Loops & lists", CONTENT, "5", "15", "80")
    lesson = await one(sessionmaker, Lesson, Lesson.slug == "loops-lists")
    assert (
        lesson.module_id,
        lesson.title,
        lesson.content,
        lesson.estimated_minutes,
        lesson.xp,
        lesson.pass_score,
        lesson.is_published,
        lesson.order,
    ) == (course.modules["intro"], "Loops & lists", CONTENT, 5, 15, 80, False, 4)
    assert admin.last_text.startswith(
        texts.lesson_created("Loops & lists", "loops-lists", "loops-lists")
    )
    assert str(texts.PUBLISH_LESSON) in admin.labels()


async def test_skipped_minutes_and_the_defaults_of_xp_and_pass_mark(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_lesson(admin, course, "Loops", CONTENT)
    await admin.tap(texts.SKIP)
    await admin.tap(texts.use_default(10))
    await admin.tap(texts.use_default(70))
    lesson = await one(sessionmaker, Lesson, Lesson.slug == "loops")
    assert (lesson.estimated_minutes, lesson.xp, lesson.pass_score) == (None, 10, 70)


async def test_a_slug_already_used_in_the_module_gets_a_number_and_the_admin_is_told_why(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_lesson(admin, course, "Basics", CONTENT, "1", "1", "1")
    lesson = await one(sessionmaker, Lesson, Lesson.slug == "basics-2")
    assert lesson.title == "Basics"
    assert admin.last_text.startswith(texts.lesson_created("Basics", "basics-2", "basics"))


STEP_ANSWERS = ["Loops", CONTENT, "5", "15"]


@pytest.mark.parametrize("step", range(5), ids=["title", "content", "minutes", "xp", "pass"])
@pytest.mark.parametrize("how", ["button", "command"])
async def test_cancel_at_each_step_writes_nothing(
    admin: Chat,
    course: Course,
    sessionmaker: async_sessionmaker[AsyncSession],
    step: int,
    how: str,
) -> None:
    before = await content_snapshot(sessionmaker)
    await open_module(admin, course)
    await admin.tap(texts.ADD_LESSON)
    for answer in STEP_ANSWERS[:step]:
        await admin.send_text(answer)
    if how == "button":
        await admin.tap(texts.CANCEL)
    else:
        await admin.send_text("/cancel")
    assert admin.last_text.startswith(str(texts.CANCELLED))
    assert str(texts.ADD_LESSON) in admin.labels()  # back on the module's screen
    assert await content_snapshot(sessionmaker) == before
    await admin.send_text("70")
    assert await content_snapshot(sessionmaker) == before


async def test_a_bad_value_at_each_step_is_refused_with_its_range_and_asked_again(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await content_snapshot(sessionmaker)
    await open_module(admin, course)
    await admin.tap(texts.ADD_LESSON)
    steps: list[tuple[list[tuple[str, str]], str, str]] = [
        (
            [(" ", str(texts.EMPTY)), ("x" * (TITLE_MAX_LEN + 1), texts.too_long(TITLE_MAX_LEN))],
            texts.new_lesson_title("Intro <course>", TITLE_MAX_LEN),
            "Loops",
        ),
        (
            [("Intro\n```\ncode", texts.unclosed_fence(2))],
            texts.content_prompt(TEXT_MAX_LEN),
            CONTENT,
        ),
        (
            [("-1", texts.not_in_range(0, 999)), ("ten", texts.not_in_range(0, 999))],
            texts.minutes_prompt(0, 999),
            "5",
        ),
        ([("10001", texts.not_in_range(0, 10_000))], texts.xp_prompt(0, 10_000, 10), "15"),
        (
            [("101", texts.not_in_range(0, 100)), ("7.5", texts.not_in_range(0, 100))],
            texts.pass_score_prompt(0, 100, 70),
            "80",
        ),
    ]
    for bad_values, question, good in steps:
        for bad, why in bad_values:
            await admin.send_text(bad)
            assert admin.last_text.startswith(why), bad
            assert question in admin.last_text, bad
            assert str(texts.CANCEL) in admin.labels()
        assert await content_snapshot(sessionmaker) == before
        await admin.send_text(good)
    lesson = await one(sessionmaker, Lesson, Lesson.slug == "loops")
    assert (lesson.estimated_minutes, lesson.xp, lesson.pass_score) == (5, 15, 80)


async def test_editing_the_title_and_the_text_uses_the_same_checks(
    admin: Chat, learner: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["reading"]
    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=lesson_id))
    await admin.tap(texts.EDIT_TITLE)
    await admin.send_text("x" * (TITLE_MAX_LEN + 1))
    assert admin.last_text.startswith(texts.too_long(TITLE_MAX_LEN))
    await admin.send_text("Reading only")
    assert admin.last_text.startswith(str(texts.SAVED))
    assert (await one(sessionmaker, Lesson, Lesson.id == lesson_id)).title == "Reading only"

    await admin.tap(texts.EDIT_CONTENT)
    # The current text comes first, as typed, to copy.
    assert "Nothing to answer here." in admin.texts()[-2]
    await admin.send_text("```\nunclosed")
    assert admin.last_text.startswith(texts.unclosed_fence(1))
    await admin.send_text("Read **this**.")
    lesson = await one(sessionmaker, Lesson, Lesson.id == lesson_id)
    assert lesson.content == "Read **this**."
    # A learner reads the new text at once (the catalog saw the change).
    await learner.send_text("/courses")
    await learner.tap("Intro <course>")
    await learner.tap("Reading only")
    assert "Read <b>this</b>." in learner.last_text


async def test_cancelling_an_edit_keeps_the_lesson(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await content_snapshot(sessionmaker)
    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=course.lessons["basics"]))
    for button in (texts.EDIT_TITLE, texts.EDIT_CONTENT):
        await admin.tap(button)
        await admin.send_text("/cancel")
        assert admin.last_text.startswith(str(texts.CANCELLED))
        assert str(texts.EDIT_TITLE) in admin.labels()
    assert await content_snapshot(sessionmaker) == before


async def test_publishing_shows_the_lesson_to_learners_and_offers_the_announcement(
    admin: Chat, learner: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_lesson(admin, course, "Loops", CONTENT, "5", "15", "80")
    lesson = await one(sessionmaker, Lesson, Lesson.slug == "loops")
    announce = AnnounceLessonCb(lesson_id=lesson.id).pack()
    assert announce not in [b.callback_data for b in admin.last_keyboard()]
    assert not any("Loops" in label for label in await learner_lesson_titles(learner))

    await admin.tap(texts.PUBLISH_LESSON)
    assert admin.callback_texts()[-1] == str(texts.LESSON_PUBLISHED)
    assert (await one(sessionmaker, Lesson, Lesson.id == lesson.id)).is_published is True
    assert announce in [b.callback_data for b in admin.last_keyboard()]
    assert admin.button(texts.ANNOUNCE).callback_data == announce
    assert any("Loops" in label for label in await learner_lesson_titles(learner))

    await admin.tap(texts.UNPUBLISH_LESSON)
    assert (await one(sessionmaker, Lesson, Lesson.id == lesson.id)).is_published is False
    assert not any("Loops" in label for label in await learner_lesson_titles(learner))


async def test_a_lesson_published_in_a_draft_module_is_not_announced(
    admin: Chat, course: Course
) -> None:
    await open_module(admin, course)
    await admin.tap(texts.UNPUBLISH_MODULE)
    await admin.press_data(AuthorLessonCb(lesson_id=course.lessons["basics"]))
    assert str(texts.MODULE_IS_DRAFT) in admin.last_text
    await admin.tap(texts.UNPUBLISH_LESSON)
    await admin.tap(texts.PUBLISH_LESSON)
    assert admin.callback_texts()[-1] == str(texts.LESSON_PUBLISHED_IN_DRAFT)
    assert str(texts.ANNOUNCE) not in admin.labels()


async def lesson_order(sessionmaker: async_sessionmaker[AsyncSession], module_id: int) -> list[str]:
    found = await rows(sessionmaker, Lesson, Lesson.module_id == module_id)
    return [lesson.slug for lesson in sorted(found, key=lambda les: (les.order, les.id))]


async def test_moving_lessons_up_and_down_reorders_what_learners_see(
    admin: Chat, learner: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    module_id = course.modules["intro"]
    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=course.lessons["reading"]))
    await admin.tap(texts.MOVE_UP)
    assert await lesson_order(sessionmaker, module_id) == ["basics", "reading", "typing"]
    assert texts.lesson_place("reading", 2, 3) in admin.last_text
    await admin.tap(texts.MOVE_UP)
    assert await lesson_order(sessionmaker, module_id) == ["reading", "basics", "typing"]
    assert str(texts.MOVE_UP) not in admin.labels()  # first: nowhere further up
    # A stale Move up of the first lesson moves nothing.
    await admin.press_data(
        MoveLessonCb(lesson_id=course.lessons["reading"], up=True, screen=MoveTo.LESSON)
    )
    assert admin.callback_texts()[-1] == str(texts.AT_THE_EDGE)
    assert await lesson_order(sessionmaker, module_id) == ["reading", "basics", "typing"]
    labels = await learner_lesson_titles(learner)
    assert [label.split(". ", 1)[1] for label in labels[:3]] == [
        "Just reading",
        "Basics",
        "Typing answers",
    ]

    await admin.press_data(ModuleActionCb(module_id=module_id, action=ModuleAction.REORDER))
    assert admin.last_text.startswith(texts.reorder_heading("Intro <course>"))
    await admin.press_data(
        MoveLessonCb(lesson_id=course.lessons["reading"], up=False, screen=MoveTo.REORDER)
    )
    assert await lesson_order(sessionmaker, module_id) == ["basics", "reading", "typing"]
    assert admin.last_text.startswith(texts.reorder_heading("Intro <course>"))
    orders = [les.order for les in await rows(sessionmaker, Lesson, Lesson.module_id == module_id)]
    assert sorted(orders) == [1, 2, 3]


async def test_deleting_is_soft_and_keeps_learners_progress(
    admin: Chat, learner: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await learner.send_text("/start")
    await learner.take_lesson(lesson_id, RIGHT["basics"])
    progress_before = await rows(sessionmaker, UserProgress)
    assert [p.lesson_id for p in progress_before] == [lesson_id]

    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=lesson_id))
    await admin.tap(texts.DELETE)
    assert admin.last_text == texts.confirm_delete("Basics")
    await admin.tap(texts.DELETE_KEEP)
    assert (await one(sessionmaker, Lesson, Lesson.id == lesson_id)).deleted_at is None
    await admin.tap(texts.DELETE)
    await admin.tap(texts.DELETE_CONFIRM)
    assert admin.callback_texts()[-1] == str(texts.LESSON_DELETED)
    assert str(texts.ADD_LESSON) in admin.labels()  # back on the module
    assert "Basics" not in admin.last_text

    lesson = await one(sessionmaker, Lesson, Lesson.id == lesson_id)
    assert lesson.deleted_at is not None
    assert [(p.lesson_id, p.status, p.score) for p in await rows(sessionmaker, UserProgress)] == [
        (p.lesson_id, p.status, p.score) for p in progress_before
    ]
    assert not any("Basics" in label for label in await learner_lesson_titles(learner))


@pytest.mark.parametrize(
    "button",
    [
        AuthorLessonCb(lesson_id=1),
        LessonActionCb(lesson_id=1, action=LessonAction.PUBLISH),
        LessonActionCb(lesson_id=1, action=LessonAction.PREVIEW),
        LessonActionCb(lesson_id=1, action=LessonAction.EDIT_TITLE),
        LessonActionCb(lesson_id=1, action=LessonAction.ADD_EXERCISE),
        LessonActionCb(lesson_id=1, action=LessonAction.DELETE_CONFIRMED),
        MoveLessonCb(lesson_id=1, up=False, screen=MoveTo.LESSON),
    ],
    ids=lambda b: b.pack(),
)
async def test_a_deleted_lessons_buttons_get_a_clear_answer(
    admin: Chat,
    course: Course,
    sessionmaker: async_sessionmaker[AsyncSession],
    button: AuthorLessonCb | LessonActionCb | MoveLessonCb,
) -> None:
    lesson_id = course.lessons["basics"]
    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=lesson_id))
    await admin.tap(texts.DELETE)
    await admin.tap(texts.DELETE_CONFIRM)
    before = await content_snapshot(sessionmaker)
    admin.forget()
    await admin.press_data(button.model_copy(update={"lesson_id": lesson_id}))
    assert admin.callback_texts() == [str(texts.GONE)]
    assert admin.last_text == str(texts.GONE)
    assert admin.labels() == [str(texts.BACK_TO_MODULES)]
    assert await content_snapshot(sessionmaker) == before


async def test_a_dialog_whose_module_went_meanwhile_ends_with_a_clear_answer(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_lesson(admin, course, "Loops", CONTENT, "5", "15")
    deleted_at = datetime.now(UTC)
    await set_values(sessionmaker, Module, course.modules["intro"], deleted_at=deleted_at)
    await admin.send_text("80")
    assert admin.last_text == str(texts.GONE)
    assert await rows(sessionmaker, Lesson, Lesson.slug == "loops") == []
    await admin.send_text("80")  # the dialog is over
    assert admin.last_text != str(texts.GONE)


async def test_preview_shows_what_a_learner_sees_and_records_nothing(
    admin: Chat, learner: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    # What a learner gets, for comparison.
    await learner.send_text("/start")
    await learner.press_data(LessonCb(lesson_id=lesson_id))
    learner_page = learner.last_text
    await learner.tap(learner_texts.START_EXERCISES)
    learner_question = learner.last_text
    learner_choices = learner.labels()

    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=lesson_id))
    content_before = await content_snapshot(sessionmaker)
    learning_before = await snapshot(sessionmaker)
    preview = admin.button(texts.PREVIEW)
    admin.forget()
    await admin.press(preview)
    sent = admin.texts()
    assert sent[0] == str(texts.PREVIEW_HEADER)
    assert sent[1] == learner_page
    assert sent[2] == learner_question
    assert sent[-1] == str(texts.PREVIEW_END)
    assert len(sent) == 5  # header, one page, two questions, the way back

    messages: list[SendMessage] = admin.api.sent(SendMessage)
    assert messages[0].reply_markup is None
    for message in messages[1:4]:
        assert isinstance(message.reply_markup, InlineKeyboardMarkup)
        buttons = [b for row in message.reply_markup.inline_keyboard for b in row]
        assert all(str(b.callback_data).startswith(PreviewCb.__prefix__) for b in buttons)
    question = messages[2].reply_markup
    assert isinstance(question, InlineKeyboardMarkup)
    assert [b.text for row in question.inline_keyboard for b in row] == learner_choices
    # The page's and the question's other buttons do nothing.
    await admin.press_data(PreviewCb())
    assert admin.callback_texts()[-1] == str(texts.PREVIEW_PRESSED)
    # An answer is graded and explained as a learner's is, and marked as the preview's.
    answers = {b.text: str(b.callback_data) for row in question.inline_keyboard for b in row}
    await admin.press_data(answers["a"])
    assert admin.last_text.startswith(learner_texts.answer_feedback(False, "b", "b is right."))
    assert str(texts.PREVIEW_NOT_RECORDED) in admin.last_text
    assert admin.callback_texts()[-1] == str(texts.PREVIEW_NOT_RECORDED)
    await admin.press_data(answers["b"])
    assert admin.last_text.startswith(learner_texts.answer_feedback(True, "b", "b is right."))
    assert await content_snapshot(sessionmaker) == content_before
    assert await snapshot(sessionmaker) == learning_before
    await admin.tap(texts.BACK_TO_LESSON)
    assert str(texts.PREVIEW) in admin.labels()


async def test_a_lessons_numbers_change_after_it_was_made(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=lesson_id))
    await admin.tap(texts.EDIT_NUMBERS)
    assert admin.last_text.startswith(texts.edit_numbers("Basics"))
    # Each step keeps the lesson's current value.
    assert texts.current_value("<code>3</code>") in admin.last_text
    await admin.tap(texts.KEEP)
    await admin.send_text("-5")
    assert admin.last_text.startswith(texts.not_in_range(0, XP_MAX))
    await admin.send_text("25")
    assert texts.current_value("<code>70</code>") in admin.last_text
    await admin.tap(texts.KEEP)
    assert admin.last_text.startswith(str(texts.SAVED))
    lesson = await one(sessionmaker, Lesson, Lesson.id == lesson_id)
    assert (lesson.estimated_minutes, lesson.xp, lesson.pass_score) == (3, 25, 70)

    before = await content_snapshot(sessionmaker)
    await admin.tap(texts.EDIT_NUMBERS)
    await admin.tap(texts.SKIP)
    await admin.send_text("/cancel")
    assert admin.last_text.startswith(str(texts.CANCELLED))
    assert await content_snapshot(sessionmaker) == before
