"""Old buttons, forged callback data and stray input: a short answer, no row changed, no crash."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import AnswerCallbackQuery, SendMessage
from babel.support import LazyProxy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks import learner as callbacks
from bot.callbacks.learner import (
    AnswerCb,
    DoneCb,
    LessonCb,
    ModuleCb,
    ReminderHourCb,
    ResetCb,
    ReviewCb,
    RunCb,
    StopRunCb,
    ZoneCb,
)
from db.base import utcnow
from db.models import Lesson, Module
from tests.support.chat import Chat
from tests.support.course import RIGHT, Course
from tests.support.rows import rows, set_values, snapshot


async def learner_with_history(chat: Chat, course: Course) -> None:
    """Ada has passed Basics, read Just reading and is halfway through Typing answers' run."""
    await chat.send_text("/start")
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    await chat.take_lesson(course.lessons["reading"], RIGHT["reading"])
    await chat.press_data(LessonCb(lesson_id=course.lessons["typing"]))
    await chat.tap("Start exercises")
    await chat.send_text("42")
    assert "question 2 of 2" in chat.last_text


async def press_and_expect(
    chat: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
    data: str | CallbackData,
    explanation: str | LazyProxy,
) -> None:
    """Press `data`: the press is answered with `explanation` and no learning row changes."""
    before = await snapshot(sessionmaker)
    chat.forget()

    await chat.press_data(data)

    assert chat.callback_texts() == [explanation]
    assert await snapshot(sessionmaker) == before
    assert chat.failures() == []


def typing_answer(course: Course, *, run: int = 1, exercise: int = 1, option: int = 2) -> AnswerCb:
    """The answer button of Typing answers' open question (run 1, second exercise: Pick c)."""
    return AnswerCb(
        lesson_id=course.lessons["typing"],
        run=run,
        exercise_id=course.exercises["typing"][exercise],
        option=option,
    )


def with_field(data: CallbackData, field: str, value: int) -> str:
    """`data` packed with `field` set to `value`: what a forger sends, even where the class
    itself would refuse the value."""
    parts = data.pack().split(data.__separator__)
    parts[1 + list(type(data).model_fields).index(field)] = str(value)
    return data.__separator__.join(parts)


# Every button the bot sends that carries a number, as for Typing answers' open question.
REAL_BUTTONS: dict[type[CallbackData], Callable[[Course], CallbackData]] = {
    ModuleCb: lambda course: ModuleCb(module_id=course.modules["intro"]),
    LessonCb: lambda course: LessonCb(lesson_id=course.lessons["typing"]),
    RunCb: lambda course: RunCb(lesson_id=course.lessons["typing"]),
    AnswerCb: typing_answer,
    StopRunCb: lambda course: StopRunCb(lesson_id=course.lessons["typing"]),
    DoneCb: lambda course: DoneCb(lesson_id=course.lessons["reading"]),
    ResetCb: lambda course: ResetCb(lesson_id=course.lessons["basics"], confirmed=True),
    ZoneCb: lambda course: ZoneCb(zone=1),
    ReminderHourCb: lambda course: ReminderHourCb(hour=7),
    # The learner's first card, or (ids are not reset between tests) a card long gone: either is
    # understood, as an answer or as an out-of-date button.
    ReviewCb: lambda course: ReviewCb(card_id=1, seen=0, done=0, right=0, option=0),
}

# Every integer field of every callback type, found by looking, so a new one is not missed.
INTEGER_FIELDS = [
    (cls, name)
    for cls in vars(callbacks).values()
    if isinstance(cls, type) and issubclass(cls, CallbackData) and cls is not CallbackData
    for name, field in cls.model_fields.items()
    if field.annotation is int
]


# Every button that names a lesson, given the lesson's id.
BUTTONS_OF_A_LESSON: list[Callable[[int], CallbackData]] = [
    lambda lesson_id: LessonCb(lesson_id=lesson_id),
    lambda lesson_id: LessonCb(lesson_id=lesson_id, page=1),
    lambda lesson_id: RunCb(lesson_id=lesson_id),
    lambda lesson_id: DoneCb(lesson_id=lesson_id),
    lambda lesson_id: ResetCb(lesson_id=lesson_id),
    lambda lesson_id: ResetCb(lesson_id=lesson_id, confirmed=True),
    lambda lesson_id: StopRunCb(lesson_id=lesson_id),
]


@pytest.mark.parametrize("how", ["deleted", "unpublished"])
async def test_buttons_of_a_hidden_lesson(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession], how: str
) -> None:
    await learner_with_history(chat, course)
    hide = {"deleted_at": utcnow()} if how == "deleted" else {"is_published": False}
    # Completed, read, and with a run open: every kind of history.
    for slug in ("basics", "reading", "typing"):
        await set_values(sessionmaker, Lesson, course.lessons[slug], **hide)

    for slug in ("basics", "reading", "typing"):
        for make in BUTTONS_OF_A_LESSON:
            data = make(course.lessons[slug])
            await press_and_expect(chat, sessionmaker, data, en.LESSON_UNAVAILABLE)
            assert chat.last_text == en.MAIN_MENU, data


@pytest.mark.parametrize("how", ["deleted", "unpublished"])
async def test_answer_for_a_hidden_lesson(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession], how: str
) -> None:
    await learner_with_history(chat, course)
    hide = {"deleted_at": utcnow()} if how == "deleted" else {"is_published": False}
    await set_values(sessionmaker, Lesson, course.lessons["typing"], **hide)

    await press_and_expect(chat, sessionmaker, typing_answer(course), en.LESSON_UNAVAILABLE)


async def test_typed_answer_for_a_hidden_lesson(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["typing"]))
    await chat.tap("Start exercises")
    await set_values(sessionmaker, Lesson, course.lessons["typing"], deleted_at=utcnow())
    before = await snapshot(sessionmaker)

    await chat.send_text("42")

    assert chat.last_text == en.LESSON_UNAVAILABLE
    assert await snapshot(sessionmaker) == before
    await chat.send_text("42")  # the answer state is gone
    assert chat.last_text == en.STRAY_TEXT


@pytest.mark.parametrize("how", ["deleted", "unpublished"])
async def test_buttons_of_a_hidden_module(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession], how: str
) -> None:
    await learner_with_history(chat, course)
    hide = {"deleted_at": utcnow()} if how == "deleted" else {"is_published": False}
    await set_values(sessionmaker, Module, course.modules["intro"], **hide)

    await press_and_expect(
        chat, sessionmaker, ModuleCb(module_id=course.modules["intro"]), en.MODULE_UNAVAILABLE
    )
    assert chat.last_text == en.MAIN_MENU
    # Its lessons went with it.
    for data in (
        LessonCb(lesson_id=course.lessons["basics"]),
        RunCb(lesson_id=course.lessons["typing"]),
        DoneCb(lesson_id=course.lessons["reading"]),
        ResetCb(lesson_id=course.lessons["basics"], confirmed=True),
        typing_answer(course),
    ):
        await press_and_expect(chat, sessionmaker, data, en.LESSON_UNAVAILABLE)


async def test_module_and_lesson_that_never_existed(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learner_with_history(chat, course)

    await press_and_expect(chat, sessionmaker, ModuleCb(module_id=987654), en.MODULE_UNAVAILABLE)
    await press_and_expect(chat, sessionmaker, LessonCb(lesson_id=987654), en.LESSON_UNAVAILABLE)
    await press_and_expect(chat, sessionmaker, RunCb(lesson_id=987654), en.LESSON_UNAVAILABLE)


async def test_answer_for_an_exercise_of_another_lesson(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learner_with_history(chat, course)
    basics_exercise = course.exercises["basics"][0]
    deep_exercise = course.exercises["deep"][0]

    # Typing answers' open run, with Basics' or Deep dive's exercise.
    for exercise_id in (basics_exercise, deep_exercise):
        forged = AnswerCb(
            lesson_id=course.lessons["typing"], run=1, exercise_id=exercise_id, option=1
        )
        await press_and_expect(chat, sessionmaker, forged, en.QUESTION_STALE)
    # A lesson with no run at all, with Typing answers' exercise.
    forged = AnswerCb(
        lesson_id=course.lessons["deep"],
        run=1,
        exercise_id=course.exercises["typing"][1],
        option=0,
    )
    await press_and_expect(chat, sessionmaker, forged, en.QUESTION_STALE)


async def test_answer_for_a_question_not_asked_yet_or_already_answered(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap("Start exercises")

    # The second question while the first is asked.
    ahead = AnswerCb(
        lesson_id=course.lessons["basics"],
        run=1,
        exercise_id=course.exercises["basics"][1],
        option=0,
    )
    await press_and_expect(chat, sessionmaker, ahead, en.QUESTION_STALE)
    # A run that was never started.
    future = AnswerCb(
        lesson_id=course.lessons["basics"],
        run=2,
        exercise_id=course.exercises["basics"][0],
        option=1,
    )
    await press_and_expect(chat, sessionmaker, future, en.QUESTION_STALE)


async def test_answer_for_an_old_run(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap("Start exercises")
    old_first = chat.button("a", exact=True)
    await chat.press(old_first)
    old_second = chat.button("True", exact=True)
    await chat.press(old_second)
    await chat.tap(en.TRY_AGAIN)
    assert "question 1 of 2" in chat.last_text
    new_first = chat.button("b", exact=True)

    for old in (old_first, old_second):
        assert old.callback_data is not None
        await press_and_expect(chat, sessionmaker, old.callback_data, en.QUESTION_STALE)
    # The same old buttons with another option, as a forger would try.
    forged = AnswerCb.unpack(old_first.callback_data or "").model_copy(update={"option": 1})
    await press_and_expect(chat, sessionmaker, forged, en.QUESTION_STALE)

    # The new run is unaffected.
    await chat.press(new_first)
    assert "question 2 of 2" in chat.last_text


@pytest.mark.parametrize("option", [3, 99, -1])
async def test_answer_with_an_option_that_does_not_exist(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession], option: int
) -> None:
    await learner_with_history(chat, course)  # Pick c: options a, b, c

    await press_and_expect(
        chat,
        sessionmaker,
        with_field(typing_answer(course), "option", option),
        en.BUTTON_NOT_UNDERSTOOD,
    )
    # The question is still open and answerable.
    await chat.press_data(typing_answer(course, option=2))
    assert "Finished" in chat.last_text


async def test_true_false_option_that_does_not_exist(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["deep"]))
    await chat.tap("Start exercises")
    forged = AnswerCb(
        lesson_id=course.lessons["deep"],
        run=1,
        exercise_id=course.exercises["deep"][0],
        option=2,
    )
    await press_and_expect(chat, sessionmaker, forged, en.BUTTON_NOT_UNDERSTOOD)


async def test_button_answer_to_a_typed_question(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["typing"]))
    await chat.tap("Start exercises")
    forged = typing_answer(course, exercise=0, option=0)

    await press_and_expect(chat, sessionmaker, forged, en.BUTTON_NOT_UNDERSTOOD)


async def test_mark_as_done_of_a_lesson_with_exercises(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learner_with_history(chat, course)

    await press_and_expect(
        chat, sessionmaker, DoneCb(lesson_id=course.lessons["typing"]), en.BUTTON_NOT_UNDERSTOOD
    )


@pytest.mark.parametrize(
    "data",
    [
        "ans:x:y",
        "ans:1:2:3",
        "ans:1:2:3:4:5",
        "ans:a:b:c:d",
        "garbage",
        "les:notanumber",
        "les:",
        "mod:1.5",
        "rst:1:maybe",
        "run:",
        "done:-",
        "m:nowhere",
        "",
        "x" * 64,
    ],
)
async def test_callback_data_that_does_not_parse(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession], data: str
) -> None:
    await learner_with_history(chat, course)

    await press_and_expect(chat, sessionmaker, data, en.BUTTON_NOT_UNDERSTOOD)
    assert chat.texts() == []


@pytest.mark.parametrize(
    ("cls", "field"), INTEGER_FIELDS, ids=[f"{c.__name__}.{f}" for c, f in INTEGER_FIELDS]
)
async def test_a_huge_number_in_any_field_is_not_understood(
    chat: Chat,
    course: Course,
    sessionmaker: async_sessionmaker[AsyncSession],
    cls: type[CallbackData],
    field: str,
) -> None:
    await learner_with_history(chat, course)
    real = REAL_BUTTONS[cls](course)

    await press_and_expect(
        chat, sessionmaker, with_field(real, field, 2**70), en.BUTTON_NOT_UNDERSTOOD
    )
    assert chat.texts() == []
    # The real button next to it is still understood.
    await chat.press_data(real)
    assert chat.callback_texts()[-1] != en.BUTTON_NOT_UNDERSTOOD
    assert chat.texts() + [t for t in chat.callback_texts() if t] != []


def test_every_integer_field_is_covered() -> None:
    assert {cls for cls, _ in INTEGER_FIELDS} == set(REAL_BUTTONS)


@pytest.mark.parametrize(
    "data",
    [
        "ans:-1:1:1:0",
        "ans:1:0:1:0",
        "ans:1:1:-3:0",
        "ans:1:1:1:100",
        f"ans:1:1:{2**31}:0",
        "mod:0",
        f"mod:{2**31}",
        "les:-1:0",
        "les:1:-1",
        "les:1:1000",
        "run:0",
        "stop:-7",
        "done:0",
        f"rst:{2**31}:1",
    ],
)
async def test_numbers_no_button_carries_are_not_understood(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession], data: str
) -> None:
    await chat.send_text("/start")

    await press_and_expect(chat, sessionmaker, data, en.BUTTON_NOT_UNDERSTOOD)
    assert chat.texts() == []


async def test_the_largest_ids_are_looked_up(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/start")
    largest = 2**31 - 1

    await press_and_expect(chat, sessionmaker, ModuleCb(module_id=largest), en.MODULE_UNAVAILABLE)
    await press_and_expect(
        chat, sessionmaker, LessonCb(lesson_id=largest, page=999), en.LESSON_UNAVAILABLE
    )


async def test_a_button_on_a_message_the_bot_no_longer_has(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/start")
    chat.forget()

    # Telegram leaves out messages too old to deliver with the press.
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]), message_id=424242)

    [sent] = chat.api.sent(SendMessage)
    assert "<b>Basics</b>" in sent.text
    assert chat.callback_texts() == [None]
    assert len(await rows(sessionmaker, Lesson)) == 4


async def test_unknown_command_and_stray_text_get_a_hint(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/start")
    before = await snapshot(sessionmaker)

    await chat.send_text("/foo")
    assert chat.last_text == en.UNKNOWN_COMMAND
    await chat.send_text("hello there")
    assert chat.last_text == en.STRAY_TEXT
    assert len(chat.labels()) == 7  # with the menu
    assert await snapshot(sessionmaker) == before
    assert chat.api.sent(AnswerCallbackQuery) == []
