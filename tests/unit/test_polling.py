"""The poller confirms an update only once it is handled, and handles each update once even
when an early slow one makes Telegram send the later ones again."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.methods import GetUpdates, SendMessage, TelegramMethod
from aiogram.types import Chat, Message, Update

from bot.handlers.errors import create_router as create_errors_router
from bot.middlewares.update_log import BOT_API_UNAVAILABLE, UpdateLogMiddleware
from bot.serving import kept, polling
from bot.serving.bot_api import HEALTH_KEY, BotApiHealth, WatchBotApi
from bot.serving.local_api import LocalBotSession
from bot.serving.polling import Poller
from tests.support.outbox import local_bot


@pytest.fixture(autouse=True)
def quick_rechecks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(polling, "RECHECK_SECONDS", 0.05)


def update(update_id: int) -> Update:
    message = Message(
        message_id=update_id,
        date=datetime.now(UTC),
        chat=Chat(id=1, type="private"),
        text="hi",
    )
    return Update(update_id=update_id, message=message)


class FakeApi:
    """Telegram's getUpdates: everything from the offset on, the offset confirming the rest.
    Each poll takes a moment, so an update can finish while a poll sent before is out."""

    def __init__(self, ids: list[int]) -> None:
        self.pending = [update(i) for i in ids]
        self.offsets: list[int | None] = []
        self.session = type("S", (), {"timeout": 0})()

    async def __call__(self, method: GetUpdates, request_timeout: int | None = None) -> Any:
        self.offsets.append(method.offset)
        if method.offset is not None:
            self.pending = [u for u in self.pending if u.update_id >= method.offset]
        await asyncio.sleep(0.01)  # a poll that returns at once would spin the test
        # As Telegram sends them: JSON objects, which the poller reads one by one.
        return [
            u.model_dump(mode="json", exclude_none=True, by_alias=True)
            for u in self.pending[: method.limit or 100]
        ]


class FakeDispatcher:
    def __init__(self, slow: dict[int, asyncio.Event]) -> None:
        self.slow = slow
        self.handled: list[int] = []

    async def feed_update(self, bot: Any, update: Update, **kwargs: Any) -> None:
        if update.update_id in self.slow:
            await self.slow[update.update_id].wait()
        self.handled.append(update.update_id)


async def test_a_slow_update_holds_the_offset_back_and_nothing_is_handled_twice() -> None:
    release = asyncio.Event()
    api, dp = FakeApi([1, 2, 3]), FakeDispatcher({1: release})
    poller = Poller(cast(Dispatcher, dp), cast(Bot, api), allowed_updates=[], poll_seconds=0)
    stop = asyncio.Event()
    running = asyncio.create_task(poller.run(stop, grace=5))

    async def until(condition: Any) -> None:
        async with asyncio.timeout(5):
            while not condition():  # noqa: ASYNC110 (plain state, nothing to await)
                await asyncio.sleep(0.01)

    await until(lambda: dp.handled == [2, 3])
    # Polls go on (spaced out while nothing is new), bringing 2 and 3 back each time.
    await until(lambda: len(api.offsets) >= 3)
    assert set(api.offsets[1:]) == {1}, "1 is not handled: nothing from 1 on is confirmed"

    release.set()
    await until(lambda: api.offsets[-1] == 4)
    stop.set()
    await running
    assert dp.handled == [2, 3, 1]


async def test_an_update_cut_off_at_shutdown_is_left_to_telegram() -> None:
    never = asyncio.Event()
    api, dp = FakeApi([5, 6]), FakeDispatcher({5: never})
    poller = Poller(cast(Dispatcher, dp), cast(Bot, api), allowed_updates=[], poll_seconds=0)
    stop = asyncio.Event()
    running = asyncio.create_task(poller.run(stop, grace=0.1))
    async with asyncio.timeout(5):
        while dp.handled != [6]:  # noqa: ASYNC110 (plain state, nothing to await)
            await asyncio.sleep(0.01)

    stop.set()
    await asyncio.wait_for(running, 5)

    assert api.offsets[-1] == 5, "the confirming poll at shutdown keeps 5"
    assert [u.update_id for u in api.pending] == [5, 6]


async def test_an_update_that_does_not_parse_is_skipped_with_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One bad update in a batch used to fail the whole getUpdates, at every poll: the poller
    stalled on it for good. It is skipped (and confirmed) with one line; the others are handled."""
    api, dp = FakeApi([1, 3]), FakeDispatcher({})
    bad = {"update_id": 2, "message": {"message_id": "not a number", "chat": {"id": 1}}}
    real_call = api.__call__

    async def with_bad(method: GetUpdates, request_timeout: int | None = None) -> Any:
        good = await real_call(method, request_timeout)
        if method.offset is None or method.offset <= 2:
            good.insert(1, bad)
        return good

    bot = type("B", (), {"__call__": staticmethod(with_bad), "session": api.session})()
    poller = Poller(cast(Dispatcher, dp), cast(Bot, bot), allowed_updates=[], poll_seconds=0)
    stop = asyncio.Event()
    running = asyncio.create_task(poller.run(stop, grace=1))
    async with asyncio.timeout(5):
        while not (dp.handled == [1, 3] and api.offsets[-1] == 4):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(running, 5)

    skipped = [r for r in caplog.records if "ignored update" in r.getMessage()]
    assert [r.getMessage() for r in skipped] == ["ignored update 2: not a Telegram update"]
    assert not [r for r in caplog.records if r.exc_info]


class TelegramWithOutage(LocalBotSession):
    """The local Bot API with getUpdates: the updates pushed, from the offset on. Once it has
    handed out the update `outage_after`, every request gets a proxy's error page until the
    failures are cleared."""

    def __init__(self, outage_after: int) -> None:
        super().__init__()
        self.pending: list[dict[str, Any]] = []
        self.outage_after: int | None = outage_after

    def push(self, update_id: int, chat_id: int, text: str) -> None:
        chat = Chat(id=chat_id, type="private")
        message = Message(message_id=update_id, date=datetime.now(UTC), chat=chat, text=text)
        raw = Update(update_id=update_id, message=message)
        self.pending.append(raw.model_dump(mode="json", exclude_none=True, by_alias=True))

    def _respond(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if not isinstance(method, GetUpdates):
            return super()._respond(bot, method)
        if method.offset is not None:
            self.pending = [u for u in self.pending if u["update_id"] >= method.offset]
        batch = self.pending[: method.limit or 100]
        if self.outage_after is not None and batch and batch[-1]["update_id"] >= self.outage_after:
            self.outage_after = None
            self.fail(TelegramMethod, status=404, description="", page="<h1>nginx</h1>", times=None)
        return batch


async def test_updates_the_bot_api_failed_are_fed_again_in_order_once_it_is_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    api = TelegramWithOutage(outage_after=3)
    bot = local_bot(api)
    health = BotApiHealth()
    bot.session.middleware(WatchBotApi(health))
    dp = Dispatcher()
    dp[HEALTH_KEY] = health
    dp.update.outer_middleware(UpdateLogMiddleware())
    echo = Router()

    @echo.message()
    async def say_back(message: Message) -> None:
        if message.text == "one":
            await asyncio.sleep(0.05)  # a later update of the chat, run beside it, would pass it
        await message.answer(f"{message.text}")

    dp.include_routers(echo, create_errors_router())
    poller = Poller(dp, bot, allowed_updates=[], poll_seconds=0)
    ada, bob = 10, 20
    api.push(1, ada, "one")
    api.push(2, bob, "one")
    api.push(3, ada, "two")  # the outage begins once these are fetched: their replies fail
    stop = asyncio.Event()
    running = asyncio.create_task(poller.run(stop, grace=5))

    async def until(condition: Any) -> None:
        async with asyncio.timeout(10):
            while not condition():  # noqa: ASYNC110 (plain state, nothing to await)
                await asyncio.sleep(0.01)

    try:
        await until(lambda: sorted(poller.kept) == [1, 2, 3])
        assert health.down
        api.push(4, ada, "three")  # sent during the outage, delivered after it
        api.clear_failures()
        await until(lambda: len(api.sent(SendMessage)) == 4)
        await until(lambda: not poller.replaying and not poller.in_flight)
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)

    to = {chat: [m.text for m in api.sent(SendMessage) if m.chat_id == chat] for chat in (ada, bob)}
    assert to == {ada: ["one", "two", "three"], bob: ["one"]}
    assert not poller.kept and not poller.queues
    outcomes = [
        r.getMessage().split(": ")[1].split()[1] for r in caplog.records if r.name == "bot.updates"
    ]
    assert sorted(outcomes) == [BOT_API_UNAVAILABLE] * 3 + ["ok"] * 4, outcomes
    outage = [r.getMessage() for r in caplog.records if r.name == "bot.serving.bot_api"]
    assert len(outage) == 2 and "3 updates were put off" in outage[1], outage
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_kept_updates_are_bounded_and_the_drop_is_said_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept, "KEEP_MAX", 3)
    poller = Poller(
        cast(Dispatcher, FakeDispatcher({})), cast(Bot, FakeApi([])), allowed_updates=[]
    )
    for update_id in range(1, 8):
        poller._keep(update(update_id))

    assert list(poller.kept) == [5, 6, 7]
    poller._replay()
    await asyncio.gather(*poller.replaying)
    dropped = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert dropped == ["4 updates were dropped: more than 3 waited for the Bot API"]
