"""The Bot API failing under the handlers: every transport error is handled by the errors
router (the update ends, nothing raises out of the dispatcher), the outage is one WARNING and
one closing line counting the updates it cost, and the error handler's own answers never
raise. Updates no learner can have sent are dropped before any handler or row."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Dispatcher, Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.methods import EditMessageReplyMarkup, SendMessage
from aiogram.types import Chat as TgChat
from aiogram.types import ErrorEvent, Message, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import LessonCb
from bot.handlers.errors import ErrorHandlersNeverRaise
from bot.serving.local_api import LocalBotSession
from db.models import User as UserRow
from tests.support.chat import Chat
from tests.support.course import Course
from tests.support.outbox import local_bot
from tests.support.rows import rows

HTML_PAGE = "<html><body><h1>404 Not Found</h1><hr>nginx</body></html>"


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Records an operator would call noise in an outage: errors and tracebacks."""
    return [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


def lines_of(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger]


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 404, "description": "", "page": HTML_PAGE},
        {"status": 502, "description": "Bad Gateway"},
        {"status": 429, "description": "Too Many Requests: retry after 5", "retry_after": 5},
    ],
    ids=["html-page", "server-error", "flood-control"],
)
async def test_a_bot_api_outage_is_two_lines_and_no_update_raises(
    chat: Chat, course: Course, caplog: pytest.LogCaptureFixture, failure: dict[str, Any]
) -> None:
    caplog.set_level(logging.INFO)
    chat.api.fail(SendMessage, times=None, **failure)
    for _ in range(3):
        await chat.send_text("/help")  # raises if the errors router left the error unhandled

    chat.api.clear_failures()
    await chat.send_text("/help")

    assert chat.last_text  # answered once the API is back
    assert problems(caplog) == []
    outage = lines_of(caplog, "bot.serving.bot_api")
    assert len(outage) == 2, outage
    assert outage[0].startswith("Bot API unavailable ("), outage
    assert "reachable again" in outage[1], outage
    assert "3 updates were put off" in outage[1], outage
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.name for r in warnings] == ["bot.serving.bot_api"], [r.getMessage() for r in warnings]
    outcomes = [line for line in lines_of(caplog, "bot.updates") if "bot-api-unavailable" in line]
    assert len(outcomes) == 3, lines_of(caplog, "bot.updates")


async def test_a_refused_edit_in_the_error_handler_does_not_raise(
    chat: Chat, course: Course, caplog: pytest.LogCaptureFixture
) -> None:
    """A stale question's buttons are taken away by the error handler; when Telegram refuses
    that edit the press still ends with its notice, one line in the log, and nothing raised
    (in webhook mode a raise was a 500, and Telegram posted the press again)."""
    lesson = LessonCb(lesson_id=course.lessons["basics"])
    await chat.press_data(lesson)
    await chat.tap("Start exercises")
    old = chat.button("b", exact=True)
    await chat.press_data(lesson)
    await chat.tap(en.RESET)
    await chat.tap(en.RESET_CONFIRM)
    await chat.press_data(lesson)
    await chat.tap("Start exercises")
    chat.api.fail(
        EditMessageReplyMarkup, status=400, description="Bad Request: message can't be edited"
    )

    await chat.press(old)

    assert chat.callback_texts()[-1] == en.QUESTION_STALE
    assert problems(caplog) == []
    refused = [r.getMessage() for r in caplog.records if "was refused" in r.getMessage()]
    assert len(refused) == 1, refused
    assert "message can't be edited" in refused[0]


async def test_an_html_page_in_the_error_handler_does_not_raise(
    chat: Chat, course: Course, caplog: pytest.LogCaptureFixture
) -> None:
    """The Bot API turns into a proxy's error page between a handler's failure and the error
    handler's answer: the answer fails too, and still nothing raises."""
    lesson = LessonCb(lesson_id=course.lessons["basics"])
    await chat.press_data(lesson)
    await chat.tap("Start exercises")
    old = chat.button("b", exact=True)
    await chat.press_data(lesson)
    await chat.tap(en.RESET)
    await chat.tap(en.RESET_CONFIRM)
    await chat.press_data(lesson)
    await chat.tap("Start exercises")
    chat.api.fail(EditMessageReplyMarkup, status=404, description="", page=HTML_PAGE)

    await chat.press(old)

    assert problems(caplog) == []
    assert [line.split(" (")[0] for line in lines_of(caplog, "bot.serving.bot_api")] == [
        "Bot API unavailable"
    ]


def private_message(user: dict[str, Any] | None, chat_id: int) -> Update:
    message: dict[str, Any] = {
        "message_id": 1,
        "date": datetime.now(UTC),
        "chat": TgChat(id=chat_id, type="private"),
        "text": "/start",
    }
    if user is not None:
        message["from_user"] = User(**user)
    return Update(update_id=1, message=Message(**message))


@pytest.mark.parametrize(
    ("sender", "chat_id", "why"),
    [
        ({"id": 5000, "is_bot": True, "first_name": "Bot"}, 5000, "sent by a bot"),
        (None, 5000, "no sender"),
        ({"id": 2**63, "is_bot": False, "first_name": "Big"}, 5000, "sender id out of range"),
        ({"id": 5000, "is_bot": False, "first_name": "Ada"}, 2**63, "chat id out of range"),
    ],
    ids=["bot", "no-from", "huge-user-id", "huge-chat-id"],
)
async def test_an_impossible_sender_is_ignored_with_one_line(
    chat: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
    sender: dict[str, Any] | None,
    chat_id: int,
    why: str,
) -> None:
    caplog.set_level(logging.INFO)
    await chat.dp.feed_update(chat.bot, private_message(sender, chat_id))

    assert chat.api.calls == []
    assert await rows(sessionmaker, UserRow) == []
    assert problems(caplog) == []
    [line] = [r for r in caplog.records if r.name.startswith("bot")]
    assert line.levelno == logging.WARNING
    assert f"ignored: {why}" in line.getMessage()


class FeatureError(Exception):
    pass


@pytest.mark.parametrize(
    ("failure", "loud"),
    [
        ({"status": 404, "description": "", "page": HTML_PAGE}, []),
        ({"status": 400, "description": "Bad Request: chat not found"}, ["WARNING"]),
    ],
    ids=["html-page", "refused"],
)
async def test_no_error_handler_of_any_router_raises(
    caplog: pytest.LogCaptureFixture, failure: dict[str, Any], loud: list[str]
) -> None:
    """A feature's own error handler (not the errors router's) whose answer fails: the update
    still ends handled, with a line for a refusal and none for the Bot API failing."""
    api = LocalBotSession()
    bot = local_bot(api)
    dp = Dispatcher()
    feature = Router()

    @feature.message()
    async def fails(message: Message) -> None:
        raise FeatureError

    @feature.errors(ExceptionTypeFilter(FeatureError))
    async def answers(event: ErrorEvent) -> None:
        assert event.update.message is not None
        await event.update.message.answer("that did not work")

    dp.include_router(feature)
    dp.errors.outer_middleware(ErrorHandlersNeverRaise())
    api.fail(SendMessage, **failure)

    await dp.feed_update(bot, private_message({"id": 5, "is_bot": False, "first_name": "A"}, 5))

    assert [type(c) for c in api.calls] == [SendMessage]
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == loud
    assert not [r for r in caplog.records if r.exc_info]
