"""Adding exercises in the chat, a dialog per kind: the rows written, Cancel at each step,
bad values at each step, and learners answering the new question."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as learner_texts
from bot.callbacks.admin import (
    AuthorExerciseCb,
    AuthorLessonCb,
    ExerciseAction,
    ExerciseActionCb,
    PickCb,
)
from bot.config import Settings
from bot.services.content.model import (
    EXPLANATION_MAX_LEN,
    OPTIONS_MAX,
    OPTIONS_MIN,
    PROMPT_MAX_LEN,
)
from bot.texts import authoring as texts
from db.enums import ExerciseType
from db.models import Exercise
from tests.support.authoring import admin_settings, content_snapshot
from tests.support.chat import Chat
from tests.support.course import Course
from tests.support.rows import rows


@pytest.fixture
def settings(database_url: str) -> Settings:
    return admin_settings(database_url)


async def start(admin: Chat, course: Course, kind_label: object, lesson: str = "reading") -> None:
    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=course.lessons[lesson]))
    await admin.tap(texts.ADD_EXERCISE)
    assert str(texts.CHOOSE_KIND) in admin.last_text
    await admin.tap(str(kind_label))


async def exercises_of(
    sessionmaker: async_sessionmaker[AsyncSession], lesson_id: int
) -> list[Exercise]:
    return await rows(sessionmaker, Exercise, Exercise.lesson_id == lesson_id)


async def test_a_multiple_choice_exercise_that_learners_then_answer(
    admin: Chat, learner: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["reading"]
    await start(admin, course, texts.KIND_MULTIPLE_CHOICE)
    assert str(texts.PROMPT_PROMPT) in admin.last_text
    await admin.send_text("Which is a list?")
    assert texts.options_prompt(OPTIONS_MIN, OPTIONS_MAX) in admin.last_text
    await admin.send_text("(1, 2)\n\n[1, 2]\n{1, 2}\n")
    assert str(texts.PICK_OPTION) in admin.last_text
    assert admin.labels() == ["(1, 2)", "[1, 2]", "{1, 2}", str(texts.CANCEL)]
    await admin.tap("[1, 2]", exact=True)
    assert str(texts.EXPLANATION_PROMPT) in admin.last_text
    await admin.send_text("Square brackets make a list.")
    assert admin.last_text.startswith(str(texts.EXERCISE_ADDED))
    assert "Which is a list?" in admin.last_text

    [exercise] = await exercises_of(sessionmaker, lesson_id)
    assert (
        exercise.type,
        exercise.prompt,
        exercise.options,
        exercise.answer,
        exercise.explanation,
        exercise.order,
        exercise.points,
    ) == (
        ExerciseType.MULTIPLE_CHOICE,
        "Which is a list?",
        ["(1, 2)", "[1, 2]", "{1, 2}"],
        "[1, 2]",
        "Square brackets make a list.",
        1,
        1,
    )
    # Learners get the question at once.
    await learner.send_text("/start")
    await learner.take_lesson(lesson_id, ["[1, 2]"])
    assert "100" in learner.last_text


async def test_a_true_or_false_exercise_with_its_explanation_skipped(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    await start(admin, course, texts.KIND_TRUE_FALSE, lesson="basics")
    await admin.send_text("Python is compiled to bytecode.")
    assert str(texts.PICK_TRUE_FALSE) in admin.last_text
    assert admin.labels() == [str(learner_texts.TRUE), str(learner_texts.FALSE), str(texts.CANCEL)]
    await admin.tap(learner_texts.FALSE, exact=True)
    await admin.tap(texts.SKIP)
    exercises = await exercises_of(sessionmaker, lesson_id)
    assert len(exercises) == 3  # after the two it had
    new = exercises[-1]
    assert (new.type, new.prompt, new.options, new.answer, new.explanation, new.order) == (
        ExerciseType.TRUE_FALSE,
        "Python is compiled to bytecode.",
        None,
        False,
        None,
        3,
    )


async def test_a_short_answer_exercise(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await start(admin, course, texts.KIND_SHORT_ANSWER)
    await admin.send_text("Two plus two?")
    assert str(texts.ANSWERS_PROMPT) in admin.last_text
    await admin.send_text("4\nfour\n")
    assert str(texts.PICK_CASE) in admin.last_text
    assert admin.labels() == [str(texts.CASE_IGNORED), str(texts.CASE_MATTERS), str(texts.CANCEL)]
    await admin.tap(texts.CASE_IGNORED, exact=True)
    assert str(texts.EXPLANATION_PROMPT) in admin.last_text
    await admin.send_text("Basic sums.")
    [exercise] = await exercises_of(sessionmaker, course.lessons["reading"])
    # Stored as every short answer was before case could matter: a plain list.
    assert (exercise.type, exercise.options, exercise.answer, exercise.explanation) == (
        ExerciseType.SHORT_ANSWER,
        None,
        ["4", "four"],
        "Basic sums.",
    )
    assert "(answer: 4 / four)" in admin.last_text


async def test_a_case_sensitive_short_answer_that_learners_then_answer(
    admin: Chat, learner: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["reading"]
    await start(admin, course, texts.KIND_SHORT_ANSWER)
    await admin.send_text("The first letter of 'Python'?")
    await admin.send_text("P")
    await admin.tap(texts.CASE_MATTERS, exact=True)
    await admin.tap(texts.SKIP)
    [exercise] = await exercises_of(sessionmaker, lesson_id)
    assert exercise.answer == {"answers": ["P"], "case_sensitive": True}
    assert f"(answer: P {texts.CASE_SENSITIVE_MARK})" in admin.last_text

    await learner.send_text("/start")
    await learner.take_lesson(lesson_id, ["p"])
    assert learner.texts()[-2] == learner_texts.answer_feedback(False, "P", None)
    await learner.tap(learner_texts.TRY_AGAIN)
    await learner.answer("  P ")  # spaces are still not the learner's mistake
    assert learner.texts()[-2] == learner_texts.answer_feedback(True, "P", None)


# Each kind's answers up to (not including) each of its steps; None presses the first pick.
DIALOGS: dict[str, tuple[object, list[str | None]]] = {
    "mc": (texts.KIND_MULTIPLE_CHOICE, ["Q?", "a\nb", None]),
    "tf": (texts.KIND_TRUE_FALSE, ["Q?", None]),
    "sa": (texts.KIND_SHORT_ANSWER, ["Q?", "a", None]),
}
CANCEL_CASES = [
    (kind, steps, how)
    for kind, (_, answers) in DIALOGS.items()
    for steps in range(len(answers) + 1)
    for how in ("button", "command")
]


@pytest.mark.parametrize(("kind", "steps", "how"), CANCEL_CASES)
async def test_cancel_at_each_step_of_each_kind_writes_nothing(
    admin: Chat,
    course: Course,
    sessionmaker: async_sessionmaker[AsyncSession],
    kind: str,
    steps: int,
    how: str,
) -> None:
    label, answers = DIALOGS[kind]
    before = await content_snapshot(sessionmaker)
    await start(admin, course, label)
    for answer in answers[:steps]:
        if answer is None:
            await admin.press_data(PickCb(index=0))
        else:
            await admin.send_text(answer)
    if how == "button":
        await admin.tap(texts.CANCEL)
    else:
        await admin.send_text("/cancel")
    assert admin.last_text.startswith(str(texts.CANCELLED))
    assert str(texts.ADD_EXERCISE) in admin.labels()  # back on the lesson
    assert await content_snapshot(sessionmaker) == before


async def test_cancel_on_the_kind_screen_goes_back_to_the_lesson(
    admin: Chat, course: Course
) -> None:
    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=course.lessons["reading"]))
    await admin.tap(texts.ADD_EXERCISE)
    await admin.tap(texts.CANCEL)
    assert str(texts.ADD_EXERCISE) in admin.labels()


async def test_bad_values_at_each_step_are_refused_and_asked_again(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await content_snapshot(sessionmaker)
    await start(admin, course, texts.KIND_MULTIPLE_CHOICE)
    await admin.send_text("   ")
    assert admin.last_text.startswith(str(texts.EMPTY))
    assert str(texts.PROMPT_PROMPT) in admin.last_text
    await admin.send_text("x" * (PROMPT_MAX_LEN + 1))
    assert admin.last_text.startswith(texts.too_long(PROMPT_MAX_LEN))
    await admin.send_text("Pick one")

    options_question = texts.options_prompt(OPTIONS_MIN, OPTIONS_MAX)
    for bad, why in (
        ("only one", texts.options_count(OPTIONS_MIN, OPTIONS_MAX)),
        ("\n".join(str(n) for n in range(OPTIONS_MAX + 1)), texts.options_count(2, OPTIONS_MAX)),
        ("a\nb\na", texts.duplicate_option("a")),
    ):
        await admin.send_text(bad)
        assert admin.last_text.startswith(why), bad
        assert options_question in admin.last_text
    await admin.send_text("a\nb")

    # The right option is pressed, not typed; an option the question lacks is refused.
    await admin.send_text("a")
    assert admin.last_text.startswith(str(texts.PRESS_A_BUTTON))
    assert admin.labels() == ["a", "b", str(texts.CANCEL)]
    await admin.press_data(PickCb(index=5))
    assert admin.callback_texts()[-1] == str(texts.NOT_THIS_STEP)
    await admin.tap("b", exact=True)

    await admin.send_text("x" * (EXPLANATION_MAX_LEN + 1))
    assert admin.last_text.startswith(texts.too_long(EXPLANATION_MAX_LEN))
    assert str(texts.EXPLANATION_PROMPT) in admin.last_text
    assert await content_snapshot(sessionmaker) == before
    await admin.tap(texts.SKIP)
    [exercise] = await exercises_of(sessionmaker, course.lessons["reading"])
    assert (exercise.options, exercise.answer) == (["a", "b"], "b")


async def test_short_answers_need_at_least_one_line(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await content_snapshot(sessionmaker)
    await start(admin, course, texts.KIND_SHORT_ANSWER)
    await admin.send_text("Q?")
    await admin.send_text(" \n ")
    assert admin.last_text.startswith(str(texts.EMPTY))
    assert str(texts.ANSWERS_PROMPT) in admin.last_text
    assert await content_snapshot(sessionmaker) == before


async def test_buttons_of_an_earlier_step_get_a_clear_answer(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await content_snapshot(sessionmaker)
    await start(admin, course, texts.KIND_TRUE_FALSE)
    await admin.press_data(PickCb(index=0))  # no question yet to answer
    assert admin.callback_texts()[-1] == str(texts.NOT_THIS_STEP)
    assert await content_snapshot(sessionmaker) == before


async def test_writing_an_exercise_again_can_be_cancelled_and_a_deleted_one_is_gone(
    admin: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lesson_id = course.lessons["basics"]
    exercise_id = course.exercises["basics"][0]
    before = await content_snapshot(sessionmaker)
    await admin.send_text("/admin")
    await admin.press_data(AuthorLessonCb(lesson_id=lesson_id))
    await admin.tap(texts.exercise_button(1), exact=True)
    assert "Pick b" in admin.last_text
    await admin.tap(texts.EDIT_EXERCISE)
    await admin.send_text("Pick a")
    await admin.send_text("a\nb")
    await admin.send_text("/cancel")
    assert admin.last_text.startswith(str(texts.CANCELLED))
    assert await content_snapshot(sessionmaker) == before

    await admin.tap(texts.exercise_button(1), exact=True)
    await admin.tap(texts.DELETE)
    await admin.tap(texts.DELETE_KEEP)
    assert await content_snapshot(sessionmaker) == before
    await admin.tap(texts.DELETE)
    await admin.tap(texts.DELETE_CONFIRM)
    assert [e.id for e in await exercises_of(sessionmaker, lesson_id)] == [
        course.exercises["basics"][1]
    ]
    for button in (
        AuthorExerciseCb(lesson_id=lesson_id, exercise_id=exercise_id),
        ExerciseActionCb(lesson_id=lesson_id, exercise_id=exercise_id, action=ExerciseAction.EDIT),
    ):
        await admin.press_data(button)
        assert admin.last_text == str(texts.GONE)
