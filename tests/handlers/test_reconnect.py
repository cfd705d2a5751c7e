"""Pooled connections are not pinged before use: one the server dropped is replaced, and the
learner's update goes through as if nothing happened."""

from __future__ import annotations

import pytest

from bot.callbacks.learner import LessonCb
from tests.support.chat import Chat
from tests.support.course import Course
from tests.support.databases import kill_connections


async def test_an_update_after_the_server_dropped_the_connections(
    chat: Chat, course: Course, db_kind: str, database_url: str
) -> None:
    if db_kind != "mysql":
        pytest.skip("SQLite has no server to drop connections")
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    assert kill_connections(database_url) >= 1

    await chat.tap("Start exercises")

    assert "question 1 of 2" in chat.last_text
    assert chat.failures() == []
