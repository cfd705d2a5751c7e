"""What an operator reads: one INFO line per update, and each unusual event logged once."""

from __future__ import annotations

import logging

import pytest
from aiogram.methods import AnswerCallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import LessonCb, StopRunCb
from bot.config import Settings
from bot.middlewares.throttling import ThrottlePolicy
from bot.services import lessons
from bot.services.context import Context
from tests.support.chat import Chat, make_chat
from tests.support.course import Course

UPDATES = "bot.updates"


def update_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == UPDATES]


def fields(record: logging.LogRecord) -> tuple[object, ...]:
    return tuple(getattr(record, key) for key in ("user_id", "handler", "outcome"))


async def test_one_line_per_update_names_the_learner_handler_and_outcome(
    chat: Chat, course: Course, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        await chat.send_text("/start")
        await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
        await chat.press_data(LessonCb(lesson_id=10**6))  # a lesson that does not exist

    lines = update_lines(caplog)
    assert [fields(r) for r in lines] == [
        (1000, "start.start", "ok"),
        (1000, "lessons.lesson", "ok"),
        (1000, "lessons.lesson", "domain-error:LessonGone"),
    ]
    assert all(r.levelno == logging.INFO for r in lines)
    assert all(isinstance(getattr(r, "ms", None), int) for r in lines)
    assert len({getattr(r, "update_id", None) for r in lines}) == 3
    assert "update" in lines[0].getMessage() and "start.start ok" in lines[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_forged_button_data_is_logged_once_as_a_warning(
    chat: Chat, course: Course, caplog: pytest.LogCaptureFixture
) -> None:
    await chat.send_text("/start")
    with caplog.at_level(logging.INFO):
        await chat.press_data("lesson:not-a-number")

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, caplog.text
    assert "lesson:not-a-number" in warnings[0].getMessage()
    assert [fields(r) for r in update_lines(caplog)] == [(1000, "fallback.unknown_button", "ok")]


async def test_a_failing_press_is_answered_once_and_logged_once_with_context(
    chat: Chat, course: Course, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lesson_id = course.lessons["basics"]
    await chat.press_data(LessonCb(lesson_id=lesson_id))
    await chat.tap("Start exercises")
    chat.forget()

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the lesson store is on fire")

    # Stop sets its success notice before it reopens the lesson, which now fails.
    monkeypatch.setattr(lessons, "open_lesson", broken)
    with caplog.at_level(logging.INFO):
        await chat.press_data(StopRunCb(lesson_id=lesson_id))

    # The learner's one answer is the error, never the failed action's own notice.
    answers = chat.api.sent(AnswerCallbackQuery)
    assert [(a.text, a.show_alert) for a in answers] == [(en.ERROR, True)]
    assert en.EXERCISES_STOPPED not in chat.texts()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, caplog.text
    assert errors[0].exc_info is not None
    message = errors[0].getMessage()
    assert "from 1000" in message and "quiz." in message and "on fire" in message
    assert caplog.text.count("Traceback") == 1
    [line] = update_lines(caplog)
    assert getattr(line, "outcome", None) == "error:RuntimeError"
    chat.api.calls.clear()  # the failure was the point: the fixture's check would flag it
    chat.api.results.clear()


async def test_a_flood_is_logged_once_and_each_dropped_update_counted(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
    context: Context,
) -> None:
    chat = make_chat(settings, sessionmaker, context, throttle=ThrottlePolicy(limit=2, window=60))
    try:
        with caplog.at_level(logging.INFO):
            for _ in range(5):
                await chat.send_text("/help")
    finally:
        await chat.bot.session.close()

    throttled = [r for r in caplog.records if "throttled" in r.getMessage() and r.name != UPDATES]
    assert len(throttled) == 1, caplog.text
    outcomes = [getattr(r, "outcome", None) for r in update_lines(caplog)]
    assert outcomes == ["ok", "ok", "throttled", "throttled", "throttled"]
