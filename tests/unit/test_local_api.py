"""Telegram's errors scripted on the in-process Bot API raise what aiogram raises for real ones."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import Message

from bot.serving.local_api import LocalBotSession

BLOCKED = "Forbidden: bot was blocked by the user"
FLOOD = "Too Many Requests: retry after 3"
NOT_MODIFIED = "Bad Request: message is not modified"


@pytest.fixture
def api() -> LocalBotSession:
    return LocalBotSession()


@pytest.fixture
def bot(api: LocalBotSession) -> Bot:
    return Bot("42:TEST", session=api)


async def test_a_blocked_learner_is_forbidden(api: LocalBotSession, bot: Bot) -> None:
    api.fail(SendMessage, chat_id=42, status=403, description=BLOCKED)

    with pytest.raises(TelegramForbiddenError) as raised:
        await bot.send_message(42, "hello")

    assert raised.value.message == BLOCKED
    assert isinstance(raised.value.method, SendMessage)
    # The attempt is recorded, but nothing was delivered.
    assert [call.chat_id for call in api.failed(SendMessage)] == [42]
    assert api.sent(SendMessage) == []
    assert api.messages == {}


async def test_flood_control_says_when_to_retry(api: LocalBotSession, bot: Bot) -> None:
    api.fail(SendMessage, status=429, description=FLOOD, retry_after=3)

    with pytest.raises(TelegramRetryAfter) as raised:
        await bot.send_message(7, "hello")

    assert raised.value.retry_after == 3
    assert FLOOD in raised.value.message
    assert len(api.failed(SendMessage)) == 1


async def test_an_edit_that_changes_nothing_is_a_bad_request(
    api: LocalBotSession, bot: Bot
) -> None:
    sent = await bot.send_message(42, "same")
    api.fail(EditMessageText, status=400, description=NOT_MODIFIED)

    with pytest.raises(TelegramBadRequest) as raised:
        await bot.edit_message_text("same", chat_id=42, message_id=sent.message_id)

    assert raised.value.message == NOT_MODIFIED
    assert isinstance(raised.value.method, EditMessageText)
    assert api.messages[(42, sent.message_id)].text == "same"
    assert len(api.failed(EditMessageText)) == 1


async def test_times_bounds_the_failures(api: LocalBotSession, bot: Bot) -> None:
    api.fail(SendMessage, status=403, description=BLOCKED, times=2)

    for _ in range(2):
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(42, "hello")
    await bot.send_message(42, "hello")

    assert len(api.calls) == 3
    assert len(api.failed(SendMessage)) == 2
    assert len(api.sent(SendMessage)) == 1


async def test_without_times_failures_last_until_cleared(api: LocalBotSession, bot: Bot) -> None:
    api.fail(SendMessage, status=403, description=BLOCKED, times=None)

    for _ in range(5):
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(42, "hello")
    api.clear_failures()
    await bot.send_message(42, "hello")

    assert len(api.failed(SendMessage)) == 5
    assert len(api.sent(SendMessage)) == 1


async def test_a_failure_for_one_chat_leaves_other_chats_alone(
    api: LocalBotSession, bot: Bot
) -> None:
    api.fail(SendMessage, chat_id=42, status=403, description=BLOCKED, times=None)

    delivered = await bot.send_message(43, "hello")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(42, "hello")

    assert delivered.chat.id == 43
    assert [call.chat_id for call in api.sent(SendMessage)] == [43]
    assert [call.chat_id for call in api.failed(SendMessage)] == [42]


async def test_an_unscripted_call_succeeds(api: LocalBotSession, bot: Bot) -> None:
    api.fail(EditMessageText, status=400, description=NOT_MODIFIED)

    message = await bot.send_message(42, "hello")

    assert isinstance(message, Message)
    assert message.text == "hello"
    assert api.failed(SendMessage) == []
    assert api.results == [message]


def test_a_scripted_failure_must_be_an_error(api: LocalBotSession) -> None:
    with pytest.raises(ValueError, match="not an error status"):
        api.fail(SendMessage, status=200, description="OK")
    with pytest.raises(ValueError, match="at least 1"):
        api.fail(SendMessage, status=403, description=BLOCKED, times=0)
    assert api.scripted == []
