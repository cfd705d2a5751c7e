"""A press or a command goes straight to the routers that handle it: counted as the filters
aiogram evaluates for one update, and checked on routers included after the index was built."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message

from bot.app import OFFLINE_TOKEN
from bot.callbacks.learner import LessonCb, RunCb
from bot.handlers.routing import IndexedRouter
from tests.support.chat import Chat
from tests.support.course import Course


@pytest.fixture
def evaluated(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every filter aiogram evaluates from now on, by name."""
    seen: Counter[str] = Counter()
    original = FilterObject.call

    async def counting(self: FilterObject, *args: Any, **kwargs: Any) -> Any:
        seen[str(self.callback)] += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(FilterObject, "call", counting)
    return seen


async def test_an_answer_press_evaluates_a_handful_of_filters(
    chat: Chat, course: Course, evaluated: Counter[str]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap("Start exercises")
    evaluated.clear()

    await chat.tap("b", exact=True)

    assert "question 2 of 2" in chat.last_text
    # The private chat's filter, the admin side's gate (its routers hold handlers keyed by no
    # prefix: the authoring Scenes), the refusals' test for the admin prefix family (a_*, not
    # one prefix), then the quiz's own two CallbackData filters; without the index, one per
    # handler of every feature before the quiz (26 before the authoring moved to Scenes).
    assert sum(evaluated.values()) <= 5, evaluated


async def test_a_command_skips_the_features_that_have_no_such_command(
    chat: Chat, evaluated: Counter[str]
) -> None:
    await chat.send_text("/start")
    evaluated.clear()

    await chat.send_text("/progress")

    assert sum(evaluated.values()) > 0  # the command was routed
    assert not any("CallbackQueryFilter" in name for name in evaluated)
    assert not any("'courses'" in name or "'leaderboard'" in name for name in evaluated)


class Later(CallbackData, prefix="later"):
    n: int


async def _later(callback: CallbackQuery) -> str:
    return "later"


async def _any_press(callback: CallbackQuery) -> str:
    return "any"


async def _hello(message: Message) -> str:
    return "hello"


def press(data: str) -> CallbackQuery:
    return CallbackQuery.model_validate(
        {"id": "1", "from": {"id": 1, "is_bot": False, "first_name": "A"}, "chat_instance": "c"}
        | {"data": data}
    )


def command(text: str) -> Message:
    return Message.model_validate(
        {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 1, "type": "private"},
            "from": {"id": 1, "is_bot": False, "first_name": "A"},
            "text": text,
        }
    )


async def test_routers_included_later_and_unkeyed_handlers_are_reached() -> None:
    parent = IndexedRouter(name="parent")
    first = Router(name="first")
    first.callback_query.register(_later, RunCb.filter())
    parent.include_router(first)
    assert await parent.propagate_event("callback_query", press("later:1")) is UNHANDLED

    later = Router(name="later")
    later.callback_query.register(_later, Later.filter())
    later.message.register(_hello, Command("Hello"))
    parent.include_router(later)
    assert await parent.propagate_event("callback_query", press("later:1")) == "later"
    hello = command("/Hello there")
    assert await parent.propagate_event("message", hello, bot=Bot(OFFLINE_TOKEN)) == "hello"

    # A handler not keyed by a prefix (a magic filter on the data, a Scene's) sees every press.
    anything = Router(name="anything")
    anything.callback_query.register(_any_press, F.data.startswith("x"))
    parent.include_router(anything)
    assert await parent.propagate_event("callback_query", press("xyz")) == "any"
    assert await parent.propagate_event("callback_query", press("later:2")) == "later"
