"""Driving the broadcast sender in tests: learners in bulk, a broadcast to them, time that
passes only when the sender sleeps, and what reached each chat when."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.methods import CopyMessage, SendMessage, TelegramMethod
from sqlalchemy import insert, literal, null, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import OFFLINE_TOKEN
from bot.broadcasts import Sender
from bot.i18n import create_i18n
from bot.services.context import Context
from bot.serving.local_api import LocalBotSession
from db.enums import BroadcastKind, DeliveryStatus
from db.models import BroadcastDelivery, User
from db.repositories.broadcasts.enqueue import add_deliveries, create_broadcast

FIRST_CHAT = 5000


class FakeTime:
    """Seconds since the epoch that move only when the sender sleeps."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


@dataclass
class Arrivals:
    """Messages that reached a chat (Telegram accepted them), with the time they did."""

    timer: Any
    at: list[tuple[float, int]] = field(default_factory=list)

    def __call__(self, method: TelegramMethod[Any], result: Any) -> None:
        if isinstance(method, SendMessage | CopyMessage):
            self.at.append((self.timer(), int(method.chat_id)))

    def per_chat(self) -> Counter[int]:
        return Counter(chat for _, chat in self.at)

    def most_in_one_second(self) -> int:
        times = sorted(t for t, _ in self.at)
        most, start = 0, 0
        for end, t in enumerate(times):
            while times[start] <= t - 1.0:
                start += 1
            most = max(most, end - start + 1)
        return most


async def add_learners(
    engine: AsyncEngine,
    n: int,
    *,
    first_chat: int = FIRST_CHAT,
    language: str = "en",
    streak: int = 0,
) -> list[int]:
    """`n` learners (telegram ids first_chat, first_chat+1, ...) in one INSERT; their ids."""
    chats = list(range(first_chat, first_chat + n))
    async with engine.begin() as conn:
        await conn.execute(
            insert(User),
            [{"telegram_id": c, "language": language, "current_streak": streak} for c in chats],
        )
        rows = await conn.execute(select(User.id).where(User.telegram_id.in_(chats)))
        return sorted(int(r[0]) for r in rows)


async def push(
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
    user_ids: Sequence[int],
    *,
    kind: BroadcastKind = BroadcastKind.COPY,
    created_by: int | None = None,
    text: str = "",
    lesson_id: int | None = None,
    payload: str | None = None,
) -> int:
    async with sessionmaker() as session:
        broadcast_id = await create_broadcast(
            session,
            kind=kind,
            text=text,
            created_by=created_by,
            lesson_id=lesson_id,
            source_chat_id=created_by or 1,
            source_message_id=77,
            now=context.clock.now(),
        )
        value = literal(payload) if payload is not None else null()
        await add_deliveries(
            session, broadcast_id, select(User.id, value).where(User.id.in_(list(user_ids)))
        )
        await session.commit()
    return broadcast_id


def local_bot(api: LocalBotSession) -> Bot:
    from aiogram.client.default import DefaultBotProperties
    from aiogram.enums import ParseMode

    return Bot(OFFLINE_TOKEN, session=api, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def make_sender(
    sessionmaker: async_sessionmaker[AsyncSession],
    api: LocalBotSession,
    context: Context,
    *,
    rate: float = 25.0,
    time: FakeTime | None = None,
    real_time: bool = False,
    bot: Bot | None = None,
    **options: Any,
) -> Sender:
    """A sender on the recording Bot API; its pace waits in `time` (a new FakeTime unless
    given), or for real with `real_time`."""
    timing: dict[str, Any] = {}
    if not real_time:
        fake = time or FakeTime()
        timing = {"timer": fake, "sleep": fake.sleep}
    return Sender(
        bot=bot or local_bot(api),
        sessionmaker=sessionmaker,
        context=context,
        i18n=create_i18n(),
        rate=rate,
        **timing,
        **options,
    )


async def statuses(
    sessionmaker: async_sessionmaker[AsyncSession], broadcast_id: int
) -> dict[int, BroadcastDelivery]:
    """user id -> delivery row."""
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(BroadcastDelivery).where(BroadcastDelivery.broadcast_id == broadcast_id)
        )
        return {d.user_id: d for d in rows}


def count_status(rows: dict[int, BroadcastDelivery]) -> Counter[DeliveryStatus]:
    return Counter(d.status for d in rows.values())
