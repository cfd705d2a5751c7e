"""Writing an existing exercise again: every step shows what the exercise has now and keeps it
with one press, so one change costs one typed value; the right option is kept only while the
options still have it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as learner_texts
from bot.callbacks.admin import AuthorLessonCb, DialogAction, DialogCb
from bot.config import Settings
from bot.services.context import Context
from bot.texts import authoring as texts
from db.models import Exercise, ReviewCard
from tests.support.authoring import admin_settings, content_snapshot, nothing_written
from tests.support.chat import Chat
from tests.support.course import WRONG, Course
from tests.support.rows import one

KEEP, SKIP, CANCEL = texts.KEEP, texts.SKIP, texts.CANCEL  # read in the test's language


@pytest.fixture
def settings(database_url: str) -> Settings:
    return admin_settings(database_url)


async def write_again(admin: Chat, course: Course, lesson: str, number: int) -> None:
    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=course.lessons[lesson]))
    await admin.tap(texts.exercise_button(number), exact=True)
    await admin.tap(texts.EDIT_EXERCISE)


def exercise_rows(snapshot: dict[str, list[dict[str, Any]]]) -> dict[int, dict[str, Any]]:
    """Every exercise's columns by id, but the time of its last change."""
    rows = snapshot[Exercise.__tablename__]
    return {row["id"]: {k: v for k, v in row.items() if k != "updated_at"} for row in rows}


async def test_one_option_changed_and_everything_else_kept(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    exercise_id = course.exercises["basics"][0]  # "Pick b": a, b, c; b; "b is right."
    before = await content_snapshot(sessionmaker)
    await write_again(admin, course, "basics", 1)

    assert str(texts.PROMPT_PROMPT) in admin.last_text
    assert texts.current_value("<code>Pick b</code>") in admin.last_text
    assert admin.labels() == [KEEP, CANCEL]
    await admin.tap(KEEP)

    assert texts.current_value("<code>a\nb\nc</code>") in admin.last_text
    await admin.send_text("a\nb\nd")

    assert str(texts.PICK_OPTION) in admin.last_text
    assert admin.labels() == ["a", texts.current_choice("b"), "d", KEEP, CANCEL]
    await admin.tap(KEEP)

    assert str(texts.EXPLANATION_PROMPT) in admin.last_text
    assert texts.current_value("<code>b is right.</code>") in admin.last_text
    assert admin.labels() == [KEEP, SKIP, CANCEL]
    await admin.tap(KEEP)
    assert admin.last_text.startswith(str(texts.SAVED))

    after = await content_snapshot(sessionmaker)
    expected = exercise_rows(before)
    expected[exercise_id] = {**expected[exercise_id], "options": ["a", "b", "d"]}
    assert exercise_rows(after) == expected
    assert {k: v for k, v in after.items() if k != Exercise.__tablename__} == {
        k: v for k, v in before.items() if k != Exercise.__tablename__
    }


async def test_keeping_every_step_leaves_the_exercise_as_it_was(
    admin: Chat,
    course: Course,
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with nothing_written(context, sessionmaker, caplog):
        await write_again(admin, course, "basics", 1)
        for _ in range(4):  # question, options, right option, explanation
            await admin.tap(KEEP)
        assert admin.last_text.startswith(str(texts.SAVED))


async def test_a_right_option_the_new_options_lack_cannot_be_kept(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    exercise_id = course.exercises["basics"][0]
    await write_again(admin, course, "basics", 1)
    await admin.tap(KEEP)
    await admin.send_text("a\nB\nc")

    # Asked as after any bad value: the rule it broke, then the question, without Keep.
    assert admin.last_text.startswith(texts.choice_gone("b"))
    assert str(texts.PICK_OPTION) in admin.last_text
    assert admin.labels() == ["a", "B", "c", CANCEL]
    await admin.press_data(DialogCb(action=DialogAction.KEEP))
    assert admin.callback_texts()[-1] == str(texts.NOT_THIS_STEP)
    await admin.tap("B", exact=True)
    await admin.tap(KEEP)

    rows = exercise_rows(await content_snapshot(sessionmaker))
    row = rows[exercise_id]
    assert (row["prompt"], row["options"], row["answer"], row["explanation"]) == (
        "Pick b",
        ["a", "B", "c"],
        "B",
        "b is right.",
    )


async def test_a_true_or_false_exercise_gets_an_explanation_and_keeps_its_answer(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    exercise_id = course.exercises["basics"][1]  # "True is true": true, no explanation
    before = exercise_rows(await content_snapshot(sessionmaker))
    await write_again(admin, course, "basics", 2)
    await admin.tap(KEEP)

    assert str(texts.PICK_TRUE_FALSE) in admin.last_text
    true, false = str(learner_texts.TRUE), str(learner_texts.FALSE)
    assert admin.labels() == [texts.current_choice(true), false, KEEP, CANCEL]
    await admin.tap(KEEP)

    # Nothing to keep: Skip already leaves it without one.
    assert str(texts.EXPLANATION_PROMPT) in admin.last_text
    assert admin.labels() == [SKIP, CANCEL]
    await admin.send_text("It is the constant True.")

    after = exercise_rows(await content_snapshot(sessionmaker))
    before[exercise_id] = {**before[exercise_id], "explanation": "It is the constant True."}
    assert after == before


async def test_a_short_answer_keeps_all_but_its_question(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    exercise_id = course.exercises["typing"][0]  # "Six times seven?": 42 / forty-two
    before = exercise_rows(await content_snapshot(sessionmaker))
    await write_again(admin, course, "typing", 1)
    await admin.send_text("Seven times six?")

    assert str(texts.ANSWERS_PROMPT) in admin.last_text
    assert texts.current_value("<code>42\nforty-two</code>") in admin.last_text
    await admin.tap(KEEP)

    assert str(texts.PICK_CASE) in admin.last_text
    ignored, matters = str(texts.CASE_IGNORED), str(texts.CASE_MATTERS)
    assert admin.labels() == [texts.current_choice(ignored), matters, KEEP, CANCEL]
    await admin.tap(KEEP)
    await admin.tap(SKIP)

    after = exercise_rows(await content_snapshot(sessionmaker))
    before[exercise_id] = {**before[exercise_id], "prompt": "Seven times six?"}
    assert after == before


async def test_a_current_value_to_copy_is_escaped(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await write_again(admin, course, "basics", 1)
    await admin.send_text("Is 1 < 2 & 3 > 2?")
    await admin.send_text("yes\nno")
    await admin.tap("yes", exact=True)
    await admin.send_text("<b> is not bold here")
    await write_again(admin, course, "basics", 1)
    assert texts.current_value("<code>Is 1 &lt; 2 &amp; 3 &gt; 2?</code>") in admin.last_text


async def test_a_new_exercise_has_nothing_to_keep(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await content_snapshot(sessionmaker)
    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=course.lessons["reading"]))
    await admin.tap(texts.ADD_EXERCISE)
    await admin.tap(texts.KIND_MULTIPLE_CHOICE)
    assert admin.labels() == [str(CANCEL)]
    await admin.press_data(DialogCb(action=DialogAction.KEEP))
    assert admin.callback_texts()[-1] == str(texts.NOT_THIS_STEP)
    assert await content_snapshot(sessionmaker) == before


async def test_learners_cards_retire_only_when_the_question_changes(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    pick_b = course.exercises["basics"][0]
    await admin.take_lesson(course.lessons["basics"], WRONG["basics"])  # the admin learns too
    card = ReviewCard.exercise_id == pick_b

    # A new explanation asks the same question: the card keeps its schedule.
    await write_again(admin, course, "basics", 1)
    for _ in range(3):  # question, options, right option
        await admin.tap(KEEP)
    await admin.send_text("Only b is right.")
    assert (await one(sessionmaker, ReviewCard, card)).retired_at is None

    # Other options make it another question: the card retires.
    await write_again(admin, course, "basics", 1)
    await admin.tap(KEEP)
    await admin.send_text("a\nb\nd")
    await admin.tap(KEEP)
    await admin.tap(KEEP)
    assert (await one(sessionmaker, ReviewCard, card)).retired_at is not None
