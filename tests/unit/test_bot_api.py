"""The Bot API as a dependency: start-up calls tried again over a blip (and only those), the
outage's two log lines, and the one-line reasons that hold no URL."""

from __future__ import annotations

import logging

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMessage, SetMyCommands, SetWebhook
from aiogram.types import BotCommand

from bot.config import load_settings
from bot.serving.bot_api import SETUP_RETRY_DELAYS, BotApiHealth, RetrySetupCalls, WatchBotApi
from bot.serving.local_api import LocalBotSession
from tests.support.outbox import local_bot

PAGE = "<html><body>502 Bad Gateway: /bot123:SECRET/setWebhook</body></html>"


class Waits:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def watched_bot(api: LocalBotSession, waits: Waits, health: BotApiHealth) -> Bot:
    bot = local_bot(api)
    bot.session.middleware(RetrySetupCalls(sleep=waits))
    bot.session.middleware(WatchBotApi(health))
    return bot


async def test_a_setup_call_is_tried_again_over_a_blip(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    api, waits, health = LocalBotSession(), Waits(), BotApiHealth()
    bot = watched_bot(api, waits, health)
    api.fail(SetWebhook, status=502, description="Bad Gateway")
    api.fail(SetWebhook, status=404, description="", page=PAGE)

    assert await bot.set_webhook("https://example.com/hook", secret_token="s3cret") is True

    assert [type(c) for c in api.calls] == [SetWebhook] * 3
    assert waits.seconds == list(SETUP_RETRY_DELAYS[:2])
    assert not health.down
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert len(messages) == 2, messages
    assert messages[0].startswith("Bot API unavailable (server error: Bad Gateway)")
    assert messages[1].startswith("Bot API reachable again after ")
    assert "2 requests failed" in messages[1]
    assert "SECRET" not in " ".join(messages)


async def test_a_setup_call_gives_up_after_its_tries() -> None:
    api, waits = LocalBotSession(), Waits()
    bot = watched_bot(api, waits, BotApiHealth())
    api.fail(SetMyCommands, status=404, description="", page=PAGE, times=None)

    with pytest.raises(ClientDecodeError):
        await bot.set_my_commands([BotCommand(command="start", description="Start")])

    assert len(api.calls) == len(SETUP_RETRY_DELAYS) + 1
    assert waits.seconds == list(SETUP_RETRY_DELAYS)


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, TelegramUnauthorizedError), (400, TelegramBadRequest)],
)
async def test_a_refusal_is_not_tried_again(status: int, error: type[Exception]) -> None:
    api, waits, health = LocalBotSession(), Waits(), BotApiHealth()
    bot = watched_bot(api, waits, health)
    api.fail(SetWebhook, status=status, description="refused")

    with pytest.raises(error):
        await bot.set_webhook("https://example.com/hook")

    assert len(api.calls) == 1
    assert waits.seconds == []
    assert not health.down, "Telegram answered: it is there"


async def test_a_message_is_never_sent_twice_by_the_retry() -> None:
    """A request cut after Telegram took it would reach the learner twice."""
    api, waits, health = LocalBotSession(), Waits(), BotApiHealth()
    bot = watched_bot(api, waits, health)
    api.fail(SendMessage, status=502, description="Bad Gateway")

    with pytest.raises(TelegramServerError):
        await bot.send_message(1, "hello")

    assert len(api.calls) == 1
    assert waits.seconds == []
    assert health.down


def test_the_outage_is_one_warning_and_one_line_with_the_updates_it_cost(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.serving.bot_api")
    now = [100.0]
    health = BotApiHealth(clock=lambda: now[0])
    error = TelegramServerError(method=SendMessage(chat_id=1, text="x"), message="Bad Gateway")
    for update_id in range(5):
        health.failed(error)
        health.update_lost(update_id)
    now[0] += 42.0
    health.ok()
    health.ok()

    loud = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [r.levelname for r in loud] == ["WARNING", "INFO"]
    assert loud[1].getMessage() == (
        "Bot API reachable again after 42.0 s; 5 updates were put off, 5 requests failed meanwhile"
    )


def test_a_webhook_needs_its_secret_to_serve() -> None:
    without = load_settings(_env_file=None, webhook_url="https://bot.example.com/hook")
    problem = without.serving_problem()
    assert problem is not None and problem.startswith("WEBHOOK_SECRET: must be set")
    with_secret = load_settings(
        _env_file=None, webhook_url="https://bot.example.com/hook", webhook_secret="s3cret-42"
    )
    assert with_secret.serving_problem() is None
    assert load_settings(_env_file=None).serving_problem() is None, "polling needs none"
