"""The de-duplication middleware against a real Redis: an update's claim is a short lease while
it is handled, final once it was handled, and given back when handling failed or was cancelled.

Each test uses a bot id of its own, so its keys collide with no other test's or run's, and
deletes them afterwards (Redis database 15, never flushed).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.methods import SendMessage
from aiogram.types import Chat, Message, TelegramObject, Update, User
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.handlers.errors import create_router as create_errors_router
from bot.middlewares.dedup import CLAIM_PREFIX, DONE, DONE_SECONDS, UpdateDeduplicationMiddleware
from bot.middlewares.update_log import (
    BOT_API_UNAVAILABLE,
    NOTE_KEY,
    UpdateLogMiddleware,
    UpdateNote,
)
from bot.services.errors import AlreadyAnswered
from bot.serving.local_api import LocalBotSession
from bot.serving.redis_support import RedisHealth, TolerantRedisStorage
from tests.e2e.process import free_port
from tests.support.redis import REDIS_URL

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class Instance:
    """One process's middleware, with its own connection to Redis."""

    def __init__(self, bot_id: int, **kwargs: Any) -> None:
        self.redis = Redis.from_url(REDIS_URL)
        self.middleware = UpdateDeduplicationMiddleware(self.redis, RedisHealth(), **kwargs)
        self.bot = SimpleNamespace(id=bot_id)

    async def feed(self, update_id: int, handler: Handler) -> tuple[Any, str | None]:
        """What the handler returned (None when it was not called) and the update's outcome."""
        note = UpdateNote()
        data: dict[str, Any] = {"bot": self.bot, NOTE_KEY: note}
        result = await self.middleware(handler, Update(update_id=update_id), data)
        return result, note.outcome


@pytest.fixture
async def bot_id(redis: Redis) -> AsyncIterator[int]:
    bot_id = random.randint(10**9, 2 * 10**9)
    try:
        yield bot_id
    finally:
        keys = [key async for key in redis.scan_iter(match=f"learnbot:update:{bot_id}:*")]
        if keys:
            await redis.delete(*keys)


@pytest.fixture
async def instances(bot_id: int) -> AsyncIterator[Callable[..., Instance]]:
    made: list[Instance] = []

    def make(**kwargs: Any) -> Instance:
        made.append(Instance(bot_id, **kwargs))
        return made[-1]

    try:
        yield make
    finally:
        for instance in made:
            await instance.redis.aclose()


def key(bot_id: int, update_id: int) -> str:
    return f"learnbot:update:{bot_id}:{update_id}"


class Counting:
    """A handler that counts its calls; it may wait for `release` first, and then raise."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.calls = 0
        self.started = asyncio.Event()
        self.release: asyncio.Event | None = None
        self.error = error

    def held(self) -> Counting:
        self.release = asyncio.Event()
        return self

    async def __call__(self, event: TelegramObject, data: dict[str, Any]) -> str:
        self.calls += 1
        self.started.set()
        if self.release is not None:
            await self.release.wait()
        if self.error is not None:
            raise self.error
        return "handled"


async def test_a_handled_update_is_final_and_its_redelivery_a_duplicate(
    redis: Redis, bot_id: int, instances: Callable[..., Instance]
) -> None:
    a, b = instances(), instances()
    handler = Counting()

    assert await a.feed(1, handler) == ("handled", None)
    assert await redis.get(key(bot_id, 1)) == DONE
    assert DONE_SECONDS - 60 < await redis.ttl(key(bot_id, 1)) <= DONE_SECONDS
    assert await b.feed(1, handler) == (None, "duplicate"), "another instance"
    assert await a.feed(1, handler) == (None, "duplicate"), "the same one"
    assert handler.calls == 1


async def test_while_handled_the_claim_is_a_short_lease_renewed_as_long_as_it_runs(
    redis: Redis, bot_id: int, instances: Callable[..., Instance]
) -> None:
    a = instances(lease_seconds=0.3)
    handler = Counting().held()
    feeding = asyncio.ensure_future(a.feed(2, handler))
    await asyncio.wait_for(handler.started.wait(), 5)

    value = await redis.get(key(bot_id, 2))
    assert value is not None and value.startswith(CLAIM_PREFIX)
    assert 0 < await redis.pttl(key(bot_id, 2)) <= 300
    # Three leases later the claim is still the same one: it was renewed.
    for _ in range(3):
        await asyncio.sleep(0.3)
        assert await redis.get(key(bot_id, 2)) == value
    handler.release.set()  # type: ignore[union-attr]
    assert await feeding == ("handled", None)
    assert await redis.get(key(bot_id, 2)) == DONE


@pytest.mark.parametrize("error", [RuntimeError("boom"), asyncio.CancelledError()])
async def test_a_failed_update_gives_its_claim_back_so_the_redelivery_is_handled(
    redis: Redis, bot_id: int, instances: Callable[..., Instance], error: BaseException
) -> None:
    a, b = instances(), instances()
    failing = Counting(error)

    with pytest.raises(type(error)):
        await a.feed(3, failing)
    assert await redis.exists(key(bot_id, 3)) == 0

    handler = Counting()
    assert await b.feed(3, handler) == ("handled", None)
    assert (failing.calls, handler.calls) == (1, 1)


async def test_an_update_answered_with_a_domain_error_counts_as_handled(
    redis: Redis, bot_id: int, instances: Callable[..., Instance]
) -> None:
    a = instances()
    with pytest.raises(AlreadyAnswered):
        await a.feed(13, Counting(AlreadyAnswered()))
    assert await redis.get(key(bot_id, 13)) == DONE
    handler = Counting()
    assert await a.feed(13, handler) == (None, "duplicate")
    assert handler.calls == 0


async def test_an_update_cancelled_at_shutdown_gives_its_claim_back(
    redis: Redis, bot_id: int, instances: Callable[..., Instance]
) -> None:
    a = instances()
    handler = Counting().held()
    task = asyncio.ensure_future(a.feed(4, handler))
    await asyncio.wait_for(handler.started.wait(), 5)
    assert await redis.exists(key(bot_id, 4)) == 1

    task.cancel()  # as the grace period running out does
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await redis.exists(key(bot_id, 4)) == 0
    assert await instances().feed(4, Counting()) == ("handled", None)


async def test_the_lease_of_a_killed_process_runs_out_and_the_redelivery_is_handled(
    redis: Redis, bot_id: int, instances: Callable[..., Instance]
) -> None:
    # What a process killed mid-update leaves behind: its claim, no longer renewed.
    await redis.set(key(bot_id, 5), f"{CLAIM_PREFIX}dead", px=500)
    restarted = instances(lease_seconds=2.0, wait_seconds=10.0)
    handler = Counting()

    assert await restarted.feed(5, handler) == ("handled", None)
    assert handler.calls == 1
    assert await redis.get(key(bot_id, 5)) == DONE


async def test_a_live_claim_of_another_instance_is_waited_for_never_run_beside(
    redis: Redis, bot_id: int, instances: Callable[..., Instance]
) -> None:
    holder = instances(lease_seconds=0.3)
    other = instances(lease_seconds=0.3, wait_seconds=1.0)

    # The holder finishes while the redelivery waits: a duplicate.
    first = Counting().held()
    holding = asyncio.ensure_future(holder.feed(6, first))
    await asyncio.wait_for(first.started.wait(), 5)
    second = Counting()
    waiting = asyncio.ensure_future(other.feed(6, second))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    first.release.set()  # type: ignore[union-attr]
    assert await holding == ("handled", None)
    assert await waiting == (None, "duplicate")
    assert second.calls == 0

    # The holder fails while the redelivery waits: the redelivery handles it.
    failing = Counting(RuntimeError("boom")).held()
    holding = asyncio.ensure_future(holder.feed(7, failing))
    await asyncio.wait_for(failing.started.wait(), 5)
    waiting = asyncio.ensure_future(other.feed(7, second))
    await asyncio.sleep(0.3)
    failing.release.set()  # type: ignore[union-attr]
    with pytest.raises(RuntimeError):
        await holding
    assert await waiting == ("handled", None)
    assert second.calls == 1

    # The holder renews its lease past the wait: left to it, not handled beside it.
    slow = Counting().held()
    holding = asyncio.ensure_future(holder.feed(8, slow))
    await asyncio.wait_for(slow.started.wait(), 5)
    third = Counting()
    assert await other.feed(8, third) == (None, "busy-elsewhere")
    assert third.calls == 0
    slow.release.set()  # type: ignore[union-attr]
    assert await holding == ("handled", None)
    assert await redis.get(key(bot_id, 8)) == DONE


async def test_a_claim_taken_over_by_another_instance_is_not_touched_by_the_first(
    redis: Redis, bot_id: int, instances: Callable[..., Instance]
) -> None:
    a = instances()
    for update_id, error in ((9, None), (10, RuntimeError("boom"))):
        handler = Counting(error).held()
        task = asyncio.ensure_future(a.feed(update_id, handler))
        await asyncio.wait_for(handler.started.wait(), 5)
        # As if A stalled past its lease and B claimed the update meanwhile.
        await redis.set(key(bot_id, update_id), f"{CLAIM_PREFIX}b", px=60_000)
        handler.release.set()  # type: ignore[union-attr]
        await asyncio.gather(task, return_exceptions=True)
        assert await redis.get(key(bot_id, update_id)) == f"{CLAIM_PREFIX}b"


async def test_a_claim_taken_is_made_final_even_while_redis_is_thought_down(
    redis: Redis, bot_id: int, instances: Callable[..., Instance]
) -> None:
    a = instances()
    handler = Counting().held()
    task = asyncio.ensure_future(a.feed(14, handler))
    await asyncio.wait_for(handler.started.wait(), 5)
    # Another Redis call of this process failed meanwhile: new claims wait for the probe...
    health = a.middleware.health
    assert health is not None
    health.failed(RedisError("a blip"))
    handler.release.set()  # type: ignore[union-attr]
    assert await task == ("handled", None)
    # ...but the one taken is not left to run out.
    assert await redis.get(key(bot_id, 14)) == DONE


async def test_a_claim_of_the_old_format_counts_as_handled(
    redis: Redis, bot_id: int, instances: Callable[..., Instance]
) -> None:
    await redis.set(key(bot_id, 11), 1, ex=60)
    handler = Counting()
    assert await instances().feed(11, handler) == (None, "duplicate")
    assert handler.calls == 0


async def test_with_redis_down_every_update_is_handled(bot_id: int) -> None:
    # The client as the bot makes it, to a port where nothing listens.
    storage = TolerantRedisStorage.connect(f"redis://127.0.0.1:{free_port()}/0")
    redis, health = storage.redis, storage.health
    middleware = UpdateDeduplicationMiddleware(redis, health)
    handler = Counting()
    try:
        for _ in range(2):
            data: dict[str, Any] = {"bot": SimpleNamespace(id=bot_id), NOTE_KEY: UpdateNote()}
            assert await middleware(handler, Update(update_id=12), data) == "handled"
    finally:
        await redis.aclose()
    assert handler.calls == 2, "better a duplicate than a lost update"
    assert health.down_since is not None


async def test_an_update_the_bot_api_failed_gives_its_claim_back_through_the_dispatcher(
    redis: Redis, bot_id: int
) -> None:
    """As the bot is built: aiogram's errors middleware outside ours, so the claim sees the
    handler's transport error before the errors router ends the update quietly. The claim is
    given back, not made final: the update comes back (a 503, the poller's replay) and is
    answered once the API is."""
    api = LocalBotSession()
    bot = Bot(f"{bot_id}:offline", session=api)
    connection = Redis.from_url(REDIS_URL)
    dp = Dispatcher()
    dp.update.outer_middleware(UpdateLogMiddleware())
    dp.update.outer_middleware(UpdateDeduplicationMiddleware(connection, RedisHealth()))
    replies = Router()

    @replies.message()
    async def reply(message: Message) -> None:
        await message.answer("hello")

    dp.include_routers(replies, create_errors_router())
    update = Update(
        update_id=21,
        message=Message(
            message_id=1,
            date=datetime.now(UTC),
            chat=Chat(id=5, type="private"),
            from_user=User(id=5, is_bot=False, first_name="Ada"),
            text="hi",
        ),
    )

    async def feed() -> str | None:
        note = UpdateNote()
        await dp.feed_update(bot, update, **{NOTE_KEY: note})  # raises nothing
        return note.outcome

    try:
        api.fail(SendMessage, status=404, description="", page="<h1>nginx</h1>")
        assert await feed() == BOT_API_UNAVAILABLE
        assert await redis.exists(key(bot_id, 21)) == 0
        assert await feed() is None
        assert await redis.get(key(bot_id, 21)) == DONE
        assert await feed() == "duplicate"
    finally:
        await connection.aclose()
    assert [type(r).__name__ for r in api.results] == ["ClientDecodeError", "Message"]
