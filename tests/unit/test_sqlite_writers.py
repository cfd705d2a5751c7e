"""SQLite's writers take turns in the process, first come first served, before BEGIN IMMEDIATE.

SQLite lets one transaction write at a time, and its own wait for that (the busy handler) sleeps
and polls inside a round trip the unit's time limit counts: a burst of writers on a loaded
machine was reported as an outage. The turn is an asyncio lock, waited for outside the watch,
held until the unit's transaction ends however it ends, never taken by reads or nested units.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services import unit_of_work as unit_of_work_module
from bot.services.unit_of_work import read_only, unit_of_work
from db.engine import WRITER_LOCK_KEY, create_engine, create_sessionmaker, note_write
from db.health import NoWriterTurn, is_unavailable
from tests.support.databases import sqlite_url
from tests.support.health import health_of

WRITERS = 5
LIMIT = 0.5  # seconds the database has to answer each round trip
HOLD = 0.2  # seconds each writer keeps its transaction open


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(sqlite_url(tmp_path / "writers.db"), pool_size=WRITERS + 1)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE arrivals (n INTEGER NOT NULL)"))
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine, unit_seconds=LIMIT)


def turn_of(sessionmaker: async_sessionmaker[AsyncSession]) -> asyncio.Lock:
    turn: asyncio.Lock = sessionmaker.kw["info"][WRITER_LOCK_KEY]
    return turn


async def insert(session: AsyncSession, n: int) -> None:
    await session.execute(text("INSERT INTO arrivals (n) VALUES (:n)"), {"n": n})
    note_write(session)  # a textual statement: the unit of work must be told it wrote


class Hold:
    """A writer that holds its turn until told to go on."""

    def __init__(self) -> None:
        self.holding = asyncio.Event()
        self.go_on = asyncio.Event()

    async def started(self) -> None:
        await asyncio.wait_for(self.holding.wait(), 10)


@unit_of_work
async def arrive(session: AsyncSession, n: int, hold: Hold | None = None) -> None:
    await insert(session, n)
    if hold is None:
        await asyncio.sleep(HOLD)  # the transaction, and SQLite's write lock, held meanwhile
    else:
        hold.holding.set()
        await hold.go_on.wait()


@unit_of_work
async def arrive_then_fail(session: AsyncSession, n: int) -> None:
    await insert(session, n)
    raise RuntimeError("the service failed")


@read_only
async def arrived(session: AsyncSession) -> list[int]:
    return list(await session.scalars(text("SELECT n FROM arrivals ORDER BY rowid")))


async def run(
    sessionmaker: async_sessionmaker[AsyncSession], unit: object, *args: object
) -> object:
    async with sessionmaker() as session:
        return await unit(session, *args)  # type: ignore[operator]


async def started(
    sessionmaker: async_sessionmaker[AsyncSession], unit: object, *args: object
) -> asyncio.Task[object]:
    task = asyncio.create_task(run(sessionmaker, unit, *args))
    await asyncio.sleep(0)  # it runs up to its first wait: the turn, or the database
    return task


async def read(sessionmaker: async_sessionmaker[AsyncSession]) -> list[int]:
    async with sessionmaker() as session:
        return await asyncio.wait_for(arrived(session), 10)


async def test_a_burst_of_writers_all_commit_in_arrival_order_and_none_is_an_outage(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # Together they hold the write lock for twice the limit: the last ones wait that long.
    tasks = [await started(sessionmaker, arrive, n) for n in range(WRITERS)]
    outcomes = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
    assert outcomes == [None] * WRITERS
    assert not health_of(sessionmaker).down
    assert await read(sessionmaker) == list(range(WRITERS))
    assert not turn_of(sessionmaker).locked()


async def test_reads_do_not_wait_for_a_writer_holding_the_turn(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    hold = Hold()
    writer = await started(sessionmaker, arrive, 1, hold)
    await hold.started()
    assert turn_of(sessionmaker).locked()
    assert await read(sessionmaker) == []  # the writer's row is not committed yet
    assert not writer.done()
    hold.go_on.set()
    await asyncio.wait_for(writer, 10)
    assert await read(sessionmaker) == [1]


async def test_a_writer_cancelled_while_waiting_for_its_turn_leaves_the_queue(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    hold = Hold()
    holder = await started(sessionmaker, arrive, 1, hold)
    await hold.started()
    waiting = await started(sessionmaker, arrive, 2)
    behind = await started(sessionmaker, arrive, 3)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    hold.go_on.set()
    await asyncio.wait_for(asyncio.gather(holder, behind), 10)
    assert await read(sessionmaker) == [1, 3]
    assert not turn_of(sessionmaker).locked()


async def test_a_writer_cancelled_while_holding_its_turn_rolls_back_and_passes_it_on(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    hold = Hold()  # never told to go on
    holder = await started(sessionmaker, arrive, 1, hold)
    await hold.started()
    behind = await started(sessionmaker, arrive, 2)
    holder.cancel()
    with pytest.raises(asyncio.CancelledError):
        await holder
    await asyncio.wait_for(behind, 10)
    assert await read(sessionmaker) == [2]
    assert not turn_of(sessionmaker).locked()


async def test_a_failing_writer_rolls_back_and_passes_its_turn_on(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    failing = await started(sessionmaker, arrive_then_fail, 1)
    behind = await started(sessionmaker, arrive, 2)
    with pytest.raises(RuntimeError):
        await asyncio.wait_for(failing, 10)
    await asyncio.wait_for(behind, 10)
    assert await read(sessionmaker) == [2]
    assert not turn_of(sessionmaker).locked()


async def test_a_writer_waits_for_its_turn_as_long_as_sqlite_would_wait_for_its_lock(
    sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unit_of_work_module, "WRITER_TURN_SECONDS", LIMIT)
    hold = Hold()  # a long import, say
    holder = await started(sessionmaker, arrive, 1, hold)
    await hold.started()
    with pytest.raises(NoWriterTurn) as raised:
        await asyncio.wait_for(run(sessionmaker, arrive, 2), 10)
    assert is_unavailable(raised.value)  # as "database is locked" was
    hold.go_on.set()
    await asyncio.wait_for(holder, 10)
    assert await read(sessionmaker) == [1]
    assert not turn_of(sessionmaker).locked()


async def test_a_writer_run_again_on_a_fresh_connection_keeps_its_turn(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    turn = turn_of(sessionmaker)
    runs: list[bool] = []

    @unit_of_work
    async def dropped_once(session: AsyncSession) -> None:
        runs.append(turn.locked())
        await insert(session, len(runs))
        if len(runs) == 1:
            # As a statement on a connection the server dropped fails.
            raise DBAPIError("SELECT 1", {}, ConnectionError("gone"), connection_invalidated=True)
        await asyncio.sleep(HOLD)

    first = await started(sessionmaker, dropped_once)
    behind = await started(sessionmaker, arrive, 10)
    await asyncio.wait_for(asyncio.gather(first, behind), 10)
    assert runs == [True, True]
    assert await read(sessionmaker) == [2, 10]  # the first run rolled back; then the one behind
    assert not turn.locked()


async def test_nested_writers_join_the_outer_turn(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    @unit_of_work
    async def twice(session: AsyncSession) -> None:
        await arrive(session, 1)
        await arrive(session, 2)

    await asyncio.wait_for(run(sessionmaker, twice), 10)
    assert await read(sessionmaker) == [1, 2]


async def test_only_sqlite_has_a_writers_turn(database_url: str, db_kind: str) -> None:
    engine = create_engine(database_url)
    try:
        info = create_sessionmaker(engine).kw["info"]
        assert (WRITER_LOCK_KEY in info) == (db_kind == "sqlite")
    finally:
        await engine.dispose()
