"""The round-trip counter counts what reaches the driver, no more and no less, so budgets of
round trips per update can be built on it."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tests.support.roundtrips import COMMIT, PING, ROLLBACK, STATEMENT, RoundTrips, counting_as


def _trips(counter: RoundTrips, label: str) -> list[tuple[str, str | None]]:
    assert counter.log is not None
    return [(trip.kind, trip.sql) for trip in counter.log if trip.label == label]


async def test_a_select_and_a_commit_are_one_statement_and_one_commit(
    engine: AsyncEngine, db_kind: str
) -> None:
    counter = RoundTrips(record=True)
    counter.attach(engine)
    async with engine.connect() as conn:
        with counting_as("measured"):
            await conn.execute(select(1))
            await conn.commit()
    # The engine begins SQLite transactions itself (BEGIN IMMEDIATE, see db.engine), while
    # MySQL begins one implicitly with the first statement.
    begin = [(STATEMENT, "BEGIN IMMEDIATE")] if db_kind == "sqlite" else []
    assert _trips(counter, "measured") == [*begin, (STATEMENT, "SELECT 1"), (COMMIT, None)]
    assert counter.of("measured")[COMMIT] == 1
    assert counter.total("measured") == len(begin) + 2


async def test_a_pools_pre_ping_and_rollback_on_return_are_counted(
    database_url: str, db_kind: str
) -> None:
    # An engine that does both, unlike ours (see the test below).
    engine = create_async_engine(database_url, pool_pre_ping=True)
    try:
        counter = RoundTrips(record=True)
        counter.attach(engine)
        async with engine.connect() as conn:
            await conn.execute(select(1))  # a pooled connection exists; a fresh one is not pinged
        with counting_as("checkout"):
            async with engine.connect():
                pass
        # MySQL's driver pings; SQLite's dialect pings with a SELECT.
        ping = (PING, None) if db_kind == "mysql" else (STATEMENT, "SELECT 1")
        assert _trips(counter, "checkout") == [ping, (ROLLBACK, None)]
    finally:
        await engine.dispose()


async def test_our_pool_neither_pings_nor_rolls_back_a_connection_it_gets_back(
    engine: AsyncEngine,
) -> None:
    counter = RoundTrips(record=True)
    counter.attach(engine)
    async with engine.connect() as conn:
        await conn.execute(select(1))
        await conn.commit()
    with counting_as("checkout"):
        async with engine.connect():
            pass
    assert _trips(counter, "checkout") == []


async def test_concurrent_work_is_counted_under_each_ones_own_label(engine: AsyncEngine) -> None:
    counter = RoundTrips()
    counter.attach(engine)
    both_connected = asyncio.Barrier(2)

    async def work(label: str, statements: int) -> None:
        with counting_as(label):
            async with engine.connect() as conn:
                await both_connected.wait()
                for _ in range(statements):
                    await conn.execute(select(1))
                    await asyncio.sleep(0)
                await conn.commit()

    await asyncio.gather(work("one", 1), work("three", 3))
    assert counter.of("three")[STATEMENT] - counter.of("one")[STATEMENT] == 2
    assert counter.of("one")[COMMIT] == counter.of("three")[COMMIT] == 1
    assert counter.total(None) == 0
