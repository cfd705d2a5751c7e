"""Busy is not down: a unit of work's client-side limit times the database's answers only.

A wait for the CPU between statements or for a pooled connection is not the database failing,
and must not be reported as an outage; a statement that gets no answer within the limit is one,
however it came to hang. While the database is down, one unit at a time tries it and the others
are answered at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from bot.services.unit_of_work import read_only, unit_of_work
from db.engine import POOL_OVERFLOW, create_engine, create_sessionmaker
from db.health import NoAnswer, StillUnavailable, is_unavailable
from tests.support.health import health_of

LIMIT = 0.2  # seconds the database has to answer each round trip


@pytest.fixture
async def small_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=1)
    try:
        yield engine
    finally:
        await engine.dispose()


@read_only
async def select_one_twice_with_a_busy_cpu_between(session: AsyncSession) -> int:
    await session.execute(text("SELECT 1"))
    # The event loop held up for longer than the limit, as by a starved CPU or by other
    # updates' work: no round trip to the database is pending meanwhile.
    time.sleep(LIMIT * 3)  # noqa: ASYNC251 (blocking is the point)
    return int((await session.execute(text("SELECT 1"))).scalar_one())


@read_only
async def select_one(session: AsyncSession) -> int:
    return int((await session.execute(text("SELECT 1"))).scalar_one())


@unit_of_work
async def wait_for_the_lock(session: AsyncSession, dialect: str) -> None:
    if dialect == "sqlite":
        # A unit that writes begins with BEGIN IMMEDIATE, which waits for the writer's lock.
        await session.execute(text("SELECT 1"))
    else:
        await session.execute(text("SELECT GET_LOCK('learnbot_watchdog_test', 30)"))


async def test_a_busy_cpu_between_statements_is_not_an_outage(small_engine: AsyncEngine) -> None:
    sessionmaker = create_sessionmaker(small_engine, unit_seconds=LIMIT)
    async with sessionmaker() as session:
        assert await select_one_twice_with_a_busy_cpu_between(session) == 1
    assert not health_of(sessionmaker).down


async def test_a_wait_for_a_pooled_connection_is_not_an_outage(small_engine: AsyncEngine) -> None:
    sessionmaker = create_sessionmaker(small_engine, unit_seconds=LIMIT)
    holders: list[AsyncConnection] = []
    for _ in range(1 + POOL_OVERFLOW):  # every connection the pool may give
        holders.append(await small_engine.connect())
    try:
        async with sessionmaker() as session:
            waiting = asyncio.ensure_future(select_one(session))
            # Held for several times the limit while the unit waits for a connection.
            await asyncio.sleep(LIMIT * 3)
            assert not waiting.done()
            for conn in holders:
                await conn.close()
            holders.clear()
            assert await asyncio.wait_for(waiting, 10) == 1
    finally:
        for conn in holders:
            await conn.close()
    assert not health_of(sessionmaker).down


async def test_a_statement_left_unanswered_is_an_outage(
    db_kind: str, small_engine: AsyncEngine
) -> None:
    sessionmaker = create_sessionmaker(small_engine, unit_seconds=LIMIT)
    holder = await small_engine.connect()
    try:
        if db_kind == "sqlite":
            # Its transaction begins with BEGIN IMMEDIATE (db.engine): it takes the write lock.
            await holder.execute(text("SELECT 1"))
        else:
            await holder.execute(text("SELECT GET_LOCK('learnbot_watchdog_test', 0)"))
        async with sessionmaker() as session:
            waiting = asyncio.ensure_future(wait_for_the_lock(session, db_kind))
            await asyncio.sleep(LIMIT * 3)
            # SQLite's driver thread stays blocked in the lock's busy wait after the unit gave
            # up on it, and the connection's cleanup queues behind it: let it go now.
            await holder.rollback()
            with pytest.raises(NoAnswer) as raised:
                await asyncio.wait_for(waiting, 10)
        assert is_unavailable(raised.value)
        assert health_of(sessionmaker).down
    finally:
        await holder.rollback()
        await holder.close()


async def test_while_the_database_is_down_one_unit_tries_it_and_the_others_fail_at_once(
    small_engine: AsyncEngine,
) -> None:
    sessionmaker = create_sessionmaker(small_engine, unit_seconds=LIMIT)
    health = health_of(sessionmaker)
    health.failed(NoAnswer("no answer"))
    checkouts: list[object] = []
    event.listen(small_engine.sync_engine, "checkout", lambda *args: checkouts.append(args))
    go_on = asyncio.Event()

    @read_only
    async def probe(session: AsyncSession) -> int:
        await go_on.wait()
        return int((await session.execute(text("SELECT 1"))).scalar_one())

    async with sessionmaker() as trying, sessionmaker() as other:
        probing = asyncio.ensure_future(probe(trying))
        await asyncio.sleep(0)  # the probe is in its unit of work, waiting
        assert health.probing
        checked_out = len(checkouts)
        with pytest.raises(StillUnavailable) as raised:
            await select_one(other)
        assert is_unavailable(raised.value)
        assert len(checkouts) == checked_out, "the other unit did not ask the database"
        go_on.set()
        assert await asyncio.wait_for(probing, 10) == 1
        assert not health.down
        assert await select_one(other) == 1
