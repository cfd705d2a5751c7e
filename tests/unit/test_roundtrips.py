"""The round-trip counter counts what reaches the driver, no more and no less, so budgets of
round trips per update can be built on it."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.roundtrips import COMMIT, PING, ROLLBACK, STATEMENT, RoundTrips, counting_as


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


async def test_the_pools_pre_ping_and_rollback_on_return_are_counted(
    engine: AsyncEngine, db_kind: str
) -> None:
    counter = RoundTrips(record=True)
    counter.attach(engine)
    async with engine.connect() as conn:
        await conn.execute(select(1))  # a pooled connection now exists; a fresh one is not pinged
    with counting_as("checkout"):
        async with engine.connect():
            pass
    # Only the MySQL engine pre-pings (db.engine); both pools roll back what they get back.
    ping = [(PING, None)] if db_kind == "mysql" else []
    assert _trips(counter, "checkout") == [*ping, (ROLLBACK, None)]


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
