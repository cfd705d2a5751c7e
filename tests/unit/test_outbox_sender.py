"""The broadcast sender against the recording Bot API: each deliverable message once, blocked
learners closed and skipped, errors retried then failed, Telegram's pause obeyed, its pace kept."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiogram.exceptions import ClientDecodeError
from aiogram.methods import CopyMessage, SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.broadcasts.deliveries import MAX_ATTEMPTS, retry_delay
from bot.services.context import Context
from bot.serving.bot_api import BotApiHealth, WatchBotApi
from bot.serving.local_api import LocalBotSession
from bot.texts import broadcasts as texts
from db.clock import ManualClock
from db.enums import BroadcastStatus, DeliveryStatus
from db.models import Broadcast, SendPace, User
from tests.support.i18n import reading
from tests.support.outbox import (
    FIRST_CHAT,
    Arrivals,
    FakeTime,
    add_learners,
    count_status,
    local_bot,
    make_sender,
    push,
    statuses,
)
from tests.support.rows import one

ADMIN = 42


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with reading("en"):
        yield


async def test_each_deliverable_message_goes_once_and_the_admin_is_told_once(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    ids = await add_learners(engine, 30)
    blocking = [FIRST_CHAT + 3, FIRST_CHAT + 17]
    api = LocalBotSession()
    for chat in blocking:
        api.fail(CopyMessage, chat_id=chat, status=403, description="Forbidden: bot was blocked")
    broadcast_id = await push(sessionmaker, context, ids, created_by=ADMIN)
    sender = make_sender(sessionmaker, api, context)

    await sender.drain()
    await sender.drain()

    copies = [int(c.chat_id) for c in api.sent(CopyMessage)]
    assert sorted(copies) == [c for c in range(FIRST_CHAT, FIRST_CHAT + 30) if c not in blocking]
    rows = await statuses(sessionmaker, broadcast_id)
    assert count_status(rows) == {DeliveryStatus.SENT: 28, DeliveryStatus.BLOCKED: 2}
    assert all(d.sent_at is not None for d in rows.values() if d.status == DeliveryStatus.SENT)
    async with sessionmaker() as session:
        inactive = set(await session.scalars(select(User.telegram_id).where(~User.is_active)))
    assert inactive == set(blocking)
    broadcast = await one(sessionmaker, Broadcast)
    assert broadcast.status == BroadcastStatus.DONE
    assert broadcast.finished_at is not None and broadcast.reported_at is not None
    reports = [m for m in api.sent(SendMessage) if m.chat_id == ADMIN]
    assert [m.text for m in reports] == [texts.broadcast_report(broadcast_id, 28, 0, 2)]

    # The next broadcast does not try the learners who blocked the bot.
    api.calls.clear()
    api.results.clear()
    second = await push(sessionmaker, context, ids)
    await sender.drain()
    assert sorted(int(c.chat_id) for c in api.calls if isinstance(c, CopyMessage)) == [
        c for c in range(FIRST_CHAT, FIRST_CHAT + 30) if c not in blocking
    ]
    assert count_status(await statuses(sessionmaker, second)) == {
        DeliveryStatus.SENT: 28,
        DeliveryStatus.BLOCKED: 2,
    }


async def test_errors_are_retried_later_then_the_delivery_fails_with_the_reason(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    context: Context,
) -> None:
    ids = await add_learners(engine, 3)
    api = LocalBotSession()
    broken = FIRST_CHAT + 1
    api.fail(
        CopyMessage,
        chat_id=broken,
        status=400,
        description="Bad Request: message to copy not found\nmore detail",
        times=None,
    )
    broadcast_id = await push(sessionmaker, context, ids)
    sender = make_sender(sessionmaker, api, context)

    for attempt in range(1, MAX_ATTEMPTS):
        await sender.drain()
        row = (await statuses(sessionmaker, broadcast_id))[ids[1]]
        assert (row.status, row.attempts) == (DeliveryStatus.PENDING, attempt)
        assert row.next_attempt_at == clock.now() + retry_delay(attempt - 1)
        # Not before it is due.
        await sender.drain()
        assert (await statuses(sessionmaker, broadcast_id))[ids[1]].attempts == attempt
        clock.advance(retry_delay(attempt - 1) + timedelta(seconds=1))
    await sender.drain()

    rows = await statuses(sessionmaker, broadcast_id)
    assert (rows[ids[1]].status, rows[ids[1]].attempts, rows[ids[1]].error) == (
        DeliveryStatus.FAILED,
        MAX_ATTEMPTS,
        "Bad Request: message to copy not found",
    )
    assert len(api.failed(CopyMessage)) == MAX_ATTEMPTS
    assert sorted(int(c.chat_id) for c in api.sent(CopyMessage)) == [FIRST_CHAT, FIRST_CHAT + 2]
    assert (await one(sessionmaker, Broadcast)).status == BroadcastStatus.DONE


async def test_a_429_pauses_every_send_and_costs_no_attempt(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    ids = await add_learners(engine, 40)
    time = FakeTime()
    api = LocalBotSession(on_call=(arrivals := Arrivals(time)))
    limited = FIRST_CHAT + 10
    api.fail(CopyMessage, chat_id=limited, status=429, retry_after=7, description="Too Many")
    broadcast_id = await push(sessionmaker, context, ids)
    sender = make_sender(sessionmaker, api, context, time=time)

    await sender.drain()

    assert arrivals.per_chat() == {chat: 1 for chat in range(FIRST_CHAT, FIRST_CHAT + 40)}
    assert len(api.failed(CopyMessage)) == 1
    rows = await statuses(sessionmaker, broadcast_id)
    assert (rows[ids[10]].status, rows[ids[10]].attempts) == (DeliveryStatus.SENT, 0)
    # Nothing reached anyone during the pause: one gap in the sending, of at least 7 s.
    times = sorted(t for t, _ in arrivals.at)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert [g for g in gaps if g >= 1] == [pytest.approx(max(gaps))]
    assert max(gaps) >= 7


async def test_a_429_holds_the_shared_pace_for_other_processes(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    ids = await add_learners(engine, 5)
    time = FakeTime()
    api = LocalBotSession()
    api.fail(CopyMessage, status=429, retry_after=30, description="Too Many")
    await push(sessionmaker, context, ids)
    sender = make_sender(sessionmaker, api, context, time=time)
    refused_at = time.now

    await sender.drain_once()

    assert (await one(sessionmaker, SendPace)).next_slot >= refused_at + 30


class OutageTime(FakeTime):
    """Fake time in which the Bot API answers HTML pages until `seconds` have passed."""

    def __init__(self, api: LocalBotSession, seconds: float) -> None:
        super().__init__()
        self.api = api
        self.ends = self.now + seconds
        api.fail(CopyMessage, status=404, description="", page="<h1>nginx</h1>", times=None)

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        if self.now >= self.ends:
            self.api.clear_failures()


async def test_a_bot_api_outage_longer_than_the_retries_costs_no_attempt_and_loses_nothing(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
    context: Context,
) -> None:
    caplog.set_level(logging.INFO)
    ids = await add_learners(engine, 20)
    api = LocalBotSession()
    # Ten minutes of a proxy's error pages: the three attempts of the retry schedule (about
    # 90 s) would all have been spent on it and every delivery given up.
    schedule = sum((retry_delay(a) for a in range(MAX_ATTEMPTS - 1)), timedelta())
    time = OutageTime(api, seconds=600)
    assert time.ends - time.now > 4 * schedule.total_seconds()
    api.on_call = arrivals = Arrivals(time)
    bot = local_bot(api)
    bot.session.middleware(WatchBotApi(BotApiHealth(clock=time)))
    broadcast_id = await push(sessionmaker, context, ids, created_by=ADMIN)
    sender = make_sender(sessionmaker, api, context, time=time, bot=bot)

    await sender.drain()

    assert time.now >= time.ends  # the broadcast was sent across the whole outage
    failed = [
        result
        for call, result in zip(api.calls, api.results, strict=True)
        if isinstance(call, CopyMessage) and isinstance(result, ClientDecodeError)
    ]
    # Tried again and again, backing off: more tries than attempts, far fewer than one per
    # delivery and second.
    assert MAX_ATTEMPTS < len(failed) < 60, len(failed)
    learners = {chat: 1 for chat in range(FIRST_CHAT, FIRST_CHAT + 20)}
    assert arrivals.per_chat() == {**learners, ADMIN: 1}
    rows = await statuses(sessionmaker, broadcast_id)
    assert count_status(rows) == {DeliveryStatus.SENT: 20}
    assert {row.attempts for row in rows.values()} == {0}
    assert (await one(sessionmaker, Broadcast)).status == BroadcastStatus.DONE
    reports = [m for m in api.sent(SendMessage) if m.chat_id == ADMIN]
    assert [m.text for m in reports] == [texts.broadcast_report(broadcast_id, 20, 0, 0)]
    # The outage is its two lines, nothing per delivery or per pause.
    outage = [r.getMessage() for r in caplog.records if r.name == "bot.serving.bot_api"]
    assert len(outage) == 2, outage
    assert outage[0].startswith("Bot API unavailable (an answer that is not the Bot API's JSON")
    assert outage[1].startswith("Bot API reachable again after")
    loud = [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name != "bot.serving.bot_api"
    ]
    assert loud == [], [r.getMessage() for r in loud]
    given_back = [r for r in caplog.records if "given back" in r.getMessage()]
    assert given_back == [], [r.getMessage() for r in given_back]


async def test_the_pace_never_goes_over_the_rate(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    ids = await add_learners(engine, 120)
    time = FakeTime()
    api = LocalBotSession(on_call=(arrivals := Arrivals(time)))
    await push(sessionmaker, context, ids)
    start = time.now
    await make_sender(sessionmaker, api, context, time=time, rate=25).drain()

    assert len(arrivals.at) == 120
    # Telegram allows about 30 a second; 25 evenly spaced fit any one-second window 25 times
    # (26 counting both ends).
    assert arrivals.most_in_one_second() <= 26
    assert time.now - start >= 119 / 25
