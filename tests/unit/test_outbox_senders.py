"""Senders that stop, are cancelled, die or share the outbox with another: nothing recorded as
sent goes twice, and what was not sent is sent later."""

from __future__ import annotations

import asyncio
import time as wall
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
from aiogram.methods import CopyMessage, TelegramMethod
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.broadcasts import deliveries
from bot.services.context import Context
from bot.serving.local_api import LocalBotSession
from db.clock import ManualClock
from db.engine import create_engine, create_sessionmaker
from db.enums import DeliveryStatus
from tests.support.i18n import reading
from tests.support.outbox import (
    FIRST_CHAT,
    Arrivals,
    add_learners,
    count_status,
    make_sender,
    push,
    statuses,
)

ALL = range(FIRST_CHAT, FIRST_CHAT + 60)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with reading("en"):
        yield


async def test_a_sender_cancelled_half_way_leaves_nothing_claimed_and_another_finishes(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    ids = await add_learners(engine, 60)
    broadcast_id = await push(sessionmaker, context, ids)
    first = make_sender(sessionmaker, (api := LocalBotSession()), context, batch_size=40)

    def cancel_after_25(method: TelegramMethod[Any], result: Any) -> None:
        if len(api.sent(CopyMessage)) == 25:
            task.cancel()

    api.on_call = cancel_after_25
    task = asyncio.create_task(first.drain())
    with pytest.raises(asyncio.CancelledError):
        await task
    await first.stop()

    rows = await statuses(sessionmaker, broadcast_id)
    sent_before = {d.user_id for d in rows.values() if d.status == DeliveryStatus.SENT}
    assert count_status(rows)[DeliveryStatus.SENDING] == 0
    assert len(sent_before) == len(api.sent(CopyMessage)) >= 25

    second = make_sender(sessionmaker, (again := LocalBotSession()), context)
    await second.drain()

    arrived = Counter(int(c.chat_id) for c in api.sent(CopyMessage) + again.sent(CopyMessage))
    assert arrived == {chat: 1 for chat in ALL}
    assert count_status(await statuses(sessionmaker, broadcast_id)) == {DeliveryStatus.SENT: 60}


async def test_stop_lets_sends_in_flight_finish_and_gives_back_the_rest(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    ids = await add_learners(engine, 60)
    broadcast_id = await push(sessionmaker, context, ids)
    api = LocalBotSession()
    sender = make_sender(sessionmaker, api, context, batch_size=60, idle_seconds=0.01)

    tenth_sent = asyncio.Event()

    def note_the_tenth(method: TelegramMethod[Any], result: Any) -> None:
        if len(api.sent(CopyMessage)) == 10:
            tenth_sent.set()

    api.on_call = note_the_tenth
    await sender.start()
    await tenth_sent.wait()
    await sender.stop()

    rows = await statuses(sessionmaker, broadcast_id)
    counts = count_status(rows)
    assert counts[DeliveryStatus.SENT] == len(api.sent(CopyMessage)) >= 10
    assert counts[DeliveryStatus.SENT] + counts[DeliveryStatus.PENDING] == 60
    assert all(d.claimed_by is None for d in rows.values())


async def test_a_dead_senders_claims_are_taken_again_after_the_lease(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    ids = await add_learners(engine, 5)
    broadcast_id = await push(sessionmaker, context, ids)
    # A sender claims and dies before it sends anything.
    async with sessionmaker() as session:
        claim = await deliveries.claim(session, context, "dead:1", limit=3, lease_seconds=60)
    assert len(claim.deliveries) == 3
    api = LocalBotSession()
    sender = make_sender(sessionmaker, api, context, lease_seconds=60)

    await sender.drain()
    assert sorted(int(c.chat_id) for c in api.sent(CopyMessage)) == [
        FIRST_CHAT + 3,
        FIRST_CHAT + 4,
    ]
    clock.advance(timedelta(seconds=61))
    await sender.drain()

    assert sorted(int(c.chat_id) for c in api.sent(CopyMessage)) == list(
        range(FIRST_CHAT, FIRST_CHAT + 5)
    )
    assert count_status(await statuses(sessionmaker, broadcast_id)) == {DeliveryStatus.SENT: 5}


@pytest.fixture
async def other_sessionmaker(
    database_url: str, clock: ManualClock
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A second process's view of the same database: its own engine and connections (and a
    clock that agrees with the first's, as hosts' clocks do)."""
    engine = create_engine(database_url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


async def test_two_senders_drain_one_broadcast_together_sending_nothing_twice(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    other_sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
) -> None:
    ids = await add_learners(engine, 300)
    broadcast_id = await push(sessionmaker, context, ids)
    arrivals = Arrivals(wall.time)
    one, two = LocalBotSession(on_call=arrivals), LocalBotSession(on_call=arrivals)
    # Real time: the two share the pace through the database, as two processes would.
    options: dict[str, Any] = {"rate": 200.0, "batch_size": 20}
    first = make_sender(sessionmaker, one, context, **options, real_time=True)
    second = make_sender(other_sessionmaker, two, context, **options, real_time=True)

    await asyncio.gather(first.drain(), second.drain())

    assert arrivals.per_chat() == {chat: 1 for chat in range(FIRST_CHAT, FIRST_CHAT + 300)}
    assert len(one.sent(CopyMessage)) > 0 and len(two.sent(CopyMessage)) > 0
    assert count_status(await statuses(sessionmaker, broadcast_id)) == {DeliveryStatus.SENT: 300}
    # Together, not each, at the rate (a little over, for timers waking late).
    assert arrivals.most_in_one_second() <= 200 * 1.05


async def test_an_idle_sender_starts_at_once_when_nudged(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    ids = await add_learners(engine, 2)
    arrived = asyncio.Event()
    api = LocalBotSession(on_call=lambda method, result: arrived.set())
    # Idle polls an hour apart: only the nudge can wake it within the test.
    sender = make_sender(sessionmaker, api, context, idle_seconds=3600)
    await sender.start()
    try:
        await asyncio.sleep(0.1)  # it found nothing and went idle
        assert api.calls == []
        await push(sessionmaker, context, ids)
        sender.nudge()
        async with asyncio.timeout(10):
            await arrived.wait()
    finally:
        await sender.stop()
    assert len(api.sent(CopyMessage)) >= 1


async def test_the_app_runs_a_sender_nudged_through_the_dispatcher(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    from bot.app import build_app, build_workers
    from bot.broadcasts import Sender
    from bot.broadcasts.nudge import NUDGE_KEY, OutboxNudge
    from bot.config import Settings
    from tests.support.chat import database_of

    settings = Settings(_env_file=None, database_url=database_url, bot_token=None)
    app = build_app(
        settings, database=database_of(sessionmaker, context), bot_session=LocalBotSession()
    )
    [worker] = build_workers(app, scheduler=False)
    assert isinstance(worker, Sender)
    nudge = app.dispatcher[NUDGE_KEY]
    assert isinstance(nudge, OutboxNudge)
    # What a handler sets is what wakes this worker.
    assert worker._nudge is nudge
    await app.close()
