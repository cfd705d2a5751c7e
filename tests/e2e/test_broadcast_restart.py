"""`learnbot run` killed (SIGKILL) half-way through a broadcast and started again: the rest
arrives, nothing recorded as sent is sent again, and a learner gets a second copy only if their
delivery was claimed but unconfirmed when the process died (delivery is at least once)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import insert, null, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.clock import SYSTEM_CLOCK
from db.engine import create_engine, create_sessionmaker
from db.enums import BroadcastKind, BroadcastStatus, DeliveryStatus
from db.models import Broadcast, BroadcastDelivery, User
from db.repositories.broadcasts.enqueue import add_deliveries, create_broadcast
from tests.e2e.fake_telegram import TOKEN, FakeTelegram
from tests.e2e.process import BotProcess, child_env

LEARNERS = 80
FIRST_CHAT = 9000
ADMIN = 8999


async def enqueue(engine: AsyncEngine) -> int:
    async with engine.begin() as conn:
        await conn.execute(insert(User), [{"telegram_id": FIRST_CHAT + i} for i in range(LEARNERS)])
    async with create_sessionmaker(engine)() as session:
        broadcast_id = await create_broadcast(
            session,
            kind=BroadcastKind.COPY,
            created_by=ADMIN,
            source_chat_id=ADMIN,
            source_message_id=3,
            now=SYSTEM_CLOCK.now(),
        )
        await add_deliveries(session, broadcast_id, select(User.id, null()))
        await session.commit()
    return broadcast_id


async def delivery_states(engine: AsyncEngine) -> dict[int, DeliveryStatus]:
    """telegram id -> the state of their delivery."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(User.telegram_id, BroadcastDelivery.status).join(
                BroadcastDelivery, BroadcastDelivery.user_id == User.id
            )
        )
        return {int(chat): DeliveryStatus(status) for chat, status in rows}


def copies(fake: FakeTelegram, since: int = 0) -> list[int]:
    return [int(c.params["chat_id"]) for c in fake.calls_of("copyMessage", since=since)]


async def until(condition_met: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not await condition_met():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s: {what}")
        await asyncio.sleep(0.05)


async def test_a_killed_sender_resumes_without_resending_what_was_sent(
    fake_telegram: FakeTelegram, course_db: str, tmp_path: Path
) -> None:
    engine = create_engine(course_db)
    try:
        broadcast_id = await enqueue(engine)
        env = child_env(
            BOT_TOKEN=TOKEN,
            BOT_API_URL=fake_telegram.url,
            DATABASE_URL=course_db,
            BROADCAST_RATE="20",
            BROADCAST_LEASE_SECONDS="1",
        )
        first_dir, second_dir = tmp_path / "first", tmp_path / "second"
        first_dir.mkdir()
        second_dir.mkdir()

        with BotProcess(["run"], env=env, cwd=first_dir) as bot:

            async def some_sent() -> bool:
                return len(copies(fake_telegram)) >= 25

            await bot.expect(until(some_sent, 30, "25 copies sent by the first process"))
            bot.proc.kill()
            bot.proc.wait(timeout=10)
        killed_at = len(fake_telegram.calls)
        before = await delivery_states(engine)
        recorded_sent = {chat for chat, s in before.items() if s == DeliveryStatus.SENT}
        unconfirmed = {chat for chat, s in before.items() if s == DeliveryStatus.SENDING}
        assert 0 < len(recorded_sent) < LEARNERS

        with BotProcess(["run"], env=env, cwd=second_dir) as bot:

            async def finished() -> bool:
                async with engine.connect() as conn:
                    status = await conn.scalar(
                        select(Broadcast.status).where(Broadcast.id == broadcast_id)
                    )
                return status == BroadcastStatus.DONE

            await bot.expect(until(finished, 30, "the broadcast finished after the restart"))
            await bot.interrupt()

        after_restart = copies(fake_telegram, since=killed_at)
        arrived = Counter(copies(fake_telegram))
        assert set(arrived) == {FIRST_CHAT + i for i in range(LEARNERS)}
        assert not recorded_sent & set(after_restart), "recorded as sent, yet sent again"
        assert {chat for chat, n in arrived.items() if n > 1} <= unconfirmed
        assert set((await delivery_states(engine)).values()) == {DeliveryStatus.SENT}
        report = [c for c in fake_telegram.calls_of("sendMessage") if c.params["chat_id"] == ADMIN]
        assert len(report) == 1
    finally:
        await engine.dispose()
