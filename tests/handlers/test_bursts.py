"""A burst of learners on a serving process's pool: every update waits its turn before the
database is asked (bot.middlewares.concurrency), so none waits for a connection inside its unit
of work, none is told of an outage, and a flooder's throttled updates never take a turn."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import texts as en
from bot.config import Settings
from bot.middlewares.concurrency import ConcurrencyLimit
from bot.middlewares.throttling import ThrottlePolicy
from bot.services.context import Context
from bot.texts import outage
from db.engine import SERVING_LIMITS, create_engine, create_sessionmaker
from db.models import User
from tests.support.chat import Chat, make_chat
from tests.support.health import health_of
from tests.support.rows import rows

POOL = 2
LEARNERS = 30


@pytest.fixture
def pool_settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None, database_url=database_url, bot_token=None, database_pool_size=POOL
    )


@pytest.fixture
async def serving(
    db_kind: str, database_url: str, engine: AsyncEngine
) -> AsyncIterator[tuple[async_sessionmaker[AsyncSession], list[int]]]:
    """Sessions as `learnbot run` opens them (its pool, its limits), and the number of
    connections checked out at each checkout. (`engine` empties the tables afterwards.)"""
    statement_seconds = SERVING_LIMITS.statement_seconds if db_kind == "mysql" else None
    serving_engine = create_engine(
        database_url, statement_seconds=statement_seconds, pool_size=POOL
    )
    checked_out: list[int] = []

    @event.listens_for(serving_engine.sync_engine, "checkout")
    def _count(*_: Any) -> None:
        checked_out.append(serving_engine.pool.checkedout())  # type: ignore[attr-defined]

    sessionmaker = create_sessionmaker(serving_engine, unit_seconds=SERVING_LIMITS.unit_seconds)
    try:
        yield sessionmaker, checked_out
    finally:
        await serving_engine.dispose()


def _gate(chat: Chat) -> ConcurrencyLimit:
    [gate] = [m for m in chat.dp.update.outer_middleware if isinstance(m, ConcurrencyLimit)]
    return gate


async def test_a_burst_of_new_learners_waits_its_turn_and_is_welcomed(
    pool_settings: Settings,
    serving: tuple[async_sessionmaker[AsyncSession], list[int]],
    context: Context,
) -> None:
    sessionmaker, checked_out = serving
    first = make_chat(pool_settings, sessionmaker, context, user_id=5000, throttle=None)
    chats = [first] + [
        make_chat(
            pool_settings, sessionmaker, context, user_id=5000 + n, dp=first.dp, bot=first.bot
        )
        for n in range(1, LEARNERS)
    ]

    await asyncio.gather(*(chat.send_text("/start") for chat in chats))

    sent = first.api.sent(SendMessage)
    welcomed = sorted(int(m.chat_id) for m in sent if "Hi, Ada" in m.text)
    assert welcomed == [5000 + n for n in range(LEARNERS)]
    assert not [m for m in sent if m.text == outage.DATABASE_UNAVAILABLE]
    assert first.failures() == []
    assert not health_of(sessionmaker).down
    assert len(await rows(sessionmaker, User)) == LEARNERS
    # Never more connections in use than updates let in: none ever waited for one.
    assert checked_out and max(checked_out) <= POOL, checked_out
    await first.bot.session.close()


async def test_a_throttled_update_takes_no_turn(
    pool_settings: Settings,
    serving: tuple[async_sessionmaker[AsyncSession], list[int]],
    context: Context,
) -> None:
    sessionmaker, _ = serving
    flooder = make_chat(
        pool_settings,
        sessionmaker,
        context,
        user_id=6000,
        throttle=ThrottlePolicy(limit=1, window=600),
    )
    newcomer = make_chat(
        pool_settings, sessionmaker, context, user_id=6001, dp=flooder.dp, bot=flooder.bot
    )
    await flooder.send_text("/help")  # the one update the policy lets through

    # Every turn taken by updates still being handled.
    release = asyncio.Event()
    gate = _gate(flooder)

    async def busy(_event: Any, _data: dict[str, Any]) -> None:
        await release.wait()

    holders = [asyncio.ensure_future(gate(busy, object(), {})) for _ in range(POOL)]  # type: ignore[arg-type]
    try:
        # The flooder's next update is dropped with its notice at once, without a turn...
        await asyncio.wait_for(flooder.send_text("/help"), 10)
        assert flooder.texts()[-1] == en.THROTTLED
        # ...while a learner's update waits for one.
        waiting = asyncio.ensure_future(newcomer.send_text("/start"))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        release.set()
        await asyncio.wait_for(waiting, 10)
    finally:
        release.set()
        await asyncio.gather(*holders)
    assert "Hi, Ada" in newcomer.texts()[-1]
    assert sorted(u.telegram_id for u in await rows(sessionmaker, User)) == [6000, 6001]
    await flooder.bot.session.close()
