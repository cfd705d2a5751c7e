"""The admin's broadcast rules on the real databases: who is counted, what a push writes (or
does not), how recent broadcasts are listed and counted, and what cancelling changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.broadcasts import pushes
from bot.services.context import Context
from db.clock import ManualClock
from db.enums import BroadcastKind, BroadcastStatus, DeliveryStatus
from db.models import Broadcast, BroadcastDelivery, User
from tests.support.factories import create_user
from tests.support.rows import rows

ADMIN = 77


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


async def _deactivate(engine: AsyncEngine, *user_ids: int) -> None:
    async with engine.begin() as conn:
        await conn.execute(update(User).where(User.id.in_(user_ids)).values(is_active=False))


async def test_recipients_are_the_active_learners_the_admin_among_them(
    engine: AsyncEngine, session: AsyncSession
) -> None:
    learner, blocked = await create_user(engine, 1), await create_user(engine, 2)
    await _deactivate(engine, blocked)
    assert await pushes.count_recipients(session, ADMIN) == pushes.Audience(1, False)
    admin = await create_user(engine, ADMIN)
    assert await pushes.count_recipients(session, ADMIN) == pushes.Audience(2, True)
    await _deactivate(engine, admin, learner)
    assert await pushes.count_recipients(session, ADMIN) == pushes.Audience(0, False)


async def test_a_push_with_nobody_to_reach_writes_nothing(
    engine: AsyncEngine,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
) -> None:
    await _deactivate(engine, await create_user(engine, 1))
    with pytest.raises(pushes.NoRecipients):
        await pushes.push_copy(session, context, ADMIN, ADMIN, 5)
    assert await rows(sessionmaker, Broadcast) == []


async def test_recent_lists_the_latest_first_with_zeros_where_nothing_was_queued(
    engine: AsyncEngine, session: AsyncSession, clock: ManualClock, context: Context
) -> None:
    await create_user(engine, 1)
    await create_user(engine, 2)
    first = await pushes.push_copy(session, context, ADMIN, ADMIN, 5, preview="first")
    clock.advance(minutes=1)
    second = await pushes.push_copy(session, context, ADMIN, ADMIN, 6, preview="second")
    clock.advance(minutes=1)
    # A broadcast with no deliveries (as a scheduler's empty run might leave) counts zeros.
    async with session.begin():
        session.add(Broadcast(kind=BroadcastKind.REMINDER, text="", created_at=clock.now()))

    listed = await pushes.recent(session, limit=2)

    assert [s.kind for s in listed] == [BroadcastKind.REMINDER, BroadcastKind.COPY]
    assert listed[0].counts == pushes.DeliveryCounts()
    assert (listed[1].id, listed[1].text, listed[1].counts.pending) == (
        second.broadcast_id,
        "second",
        2,
    )
    assert first.broadcast_id not in {s.id for s in listed}


async def test_cancelling_a_pending_broadcast_cancels_every_delivery_once(
    engine: AsyncEngine,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
) -> None:
    for telegram_id in (1, 2, 3):
        await create_user(engine, telegram_id)
    queued = await pushes.push_copy(session, context, ADMIN, ADMIN, 5)
    other = await pushes.push_copy(session, context, ADMIN, ADMIN, 6)

    cancelled = await pushes.cancel(session, context, queued.broadcast_id)

    assert cancelled == pushes.Cancelled(queued.broadcast_id, 3)
    with pytest.raises(pushes.BroadcastOver) as again:
        await pushes.cancel(session, context, queued.broadcast_id)
    assert again.value.status is BroadcastStatus.CANCELLED
    with pytest.raises(pushes.UnknownBroadcast):
        await pushes.cancel(session, context, 10**6)
    async with sessionmaker() as s:
        by_broadcast = {
            (b, DeliveryStatus(st))
            for b, st in await s.execute(
                select(BroadcastDelivery.broadcast_id, BroadcastDelivery.status)
            )
        }
    # The other broadcast is left alone.
    assert by_broadcast == {
        (queued.broadcast_id, DeliveryStatus.CANCELLED),
        (other.broadcast_id, DeliveryStatus.PENDING),
    }
    [row] = await rows(sessionmaker, Broadcast, Broadcast.id == queued.broadcast_id)
    assert row.status is BroadcastStatus.CANCELLED and row.reported_at is not None
