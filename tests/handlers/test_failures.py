"""A handler that fails after a button press: the learner's one answer says so."""

from __future__ import annotations

import logging

import pytest
from aiogram.methods import AnswerCallbackQuery

from bot import texts as en
from bot.callbacks import LessonCb, StopRunCb
from bot.services import lessons
from tests.support.chat import Chat
from tests.support.course import Course


async def test_a_failed_press_is_answered_once_with_the_error(
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
    with caplog.at_level(logging.ERROR):
        await chat.press_data(StopRunCb(lesson_id=lesson_id))

    answers = chat.api.sent(AnswerCallbackQuery)
    assert [(a.text, a.show_alert) for a in answers] == [(en.ERROR, True)]
    assert en.EXERCISES_STOPPED not in chat.texts()
    assert "the lesson store is on fire" in caplog.text
    chat.api.calls.clear()  # the failure was the point: the fixture's check would flag it
    chat.api.results.clear()
