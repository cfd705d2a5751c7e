"""The outbox's two writes: a broadcast row, then one delivery per selected recipient, chosen
by one INSERT .. SELECT."""

from __future__ import annotations

from sqlalchemy import literal, null, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.clock import Clock
from db.enums import BroadcastKind, BroadcastStatus, DeliveryStatus
from db.models import Broadcast, BroadcastDelivery, User
from db.repositories.broadcasts.enqueue import add_deliveries, create_broadcast
from tests.support.factories import create_user
from tests.support.rows import one, rows


async def test_deliveries_go_to_the_selected_learners(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    ids = [await create_user(engine, telegram_id) for telegram_id in (11, 12, 13)]
    async with sessionmaker() as session:
        await session.execute(update(User).where(User.id == ids[1]).values(is_active=False))
        broadcast_id = await create_broadcast(
            session,
            kind=BroadcastKind.COPY,
            created_by=99,
            source_chat_id=99,
            source_message_id=5,
            now=clock.now(),
        )
        active = select(User.id, null()).where(User.is_active)
        assert await add_deliveries(session, broadcast_id, active) == 2
        await session.commit()

    broadcast = await one(sessionmaker, Broadcast)
    assert (
        broadcast.kind,
        broadcast.status,
        broadcast.created_by,
        broadcast.source_message_id,
    ) == (
        BroadcastKind.COPY,
        BroadcastStatus.PENDING,
        99,
        5,
    )
    async with sessionmaker() as session:
        deliveries = list(await session.scalars(select(BroadcastDelivery)))
    assert sorted((d.user_id, d.status, d.payload, d.attempts) for d in deliveries) == [
        (ids[0], DeliveryStatus.PENDING, None, 0),
        (ids[2], DeliveryStatus.PENDING, None, 0),
    ]


async def test_each_delivery_can_carry_its_own_payload(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    ids = [await create_user(engine, telegram_id) for telegram_id in (21, 22)]
    async with sessionmaker() as session:
        broadcast_id = await create_broadcast(session, kind=BroadcastKind.NOTICE, now=clock.now())
        recipients = select(User.id, literal("streak_7")).where(User.id == ids[0])
        assert await add_deliveries(session, broadcast_id, recipients) == 1
        await session.commit()
    [broadcast] = await rows(sessionmaker, Broadcast)
    assert broadcast.kind == BroadcastKind.NOTICE
    async with sessionmaker() as session:
        payloads = list(
            await session.execute(select(BroadcastDelivery.user_id, BroadcastDelivery.payload))
        )
    assert [tuple(p) for p in payloads] == [(ids[0], "streak_7")]
