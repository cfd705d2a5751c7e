"""The one unit of work: commit what was written, roll back reads and failures, join when nested."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.unit_of_work import unit_of_work
from db.clock import SYSTEM_CLOCK
from db.models import User
from db.repositories import users
from db.repositories.users import TelegramProfile
from tests.support.factories import count


class Boom(Exception):
    pass


@unit_of_work
async def register(session: AsyncSession, telegram_id: int) -> int:
    user = await users.register_or_refresh(
        session, TelegramProfile(telegram_id=telegram_id), now=SYSTEM_CLOCK.now()
    )
    return user.id


@unit_of_work
async def register_then_fail(session: AsyncSession, telegram_id: int) -> None:
    await register(session, telegram_id)  # joins this unit: its write is not committed alone
    raise Boom


@unit_of_work
async def read(session: AsyncSession) -> list[int]:
    return list(await session.scalars(select(User.telegram_id)))


async def test_a_write_is_committed_and_the_transaction_ended(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    await register(session, 1)
    assert not session.in_transaction()
    assert await count(engine, User, telegram_id=1) == 1


async def test_a_failure_rolls_back_everything_nested_inside(
    session: AsyncSession, engine: AsyncEngine
) -> None:
    with pytest.raises(Boom):
        await register_then_fail(session, 2)
    assert not session.in_transaction()
    assert await count(engine, User) == 0


async def test_a_read_ends_its_transaction_without_writing(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await register(session, 3)
        assert await read(session) == [3]
        assert not session.in_transaction()
        # The same session goes on working after a unit that only read.
        await register(session, 4)
        assert sorted(await read(session)) == [3, 4]


async def test_nothing_run_means_no_transaction(session: AsyncSession) -> None:
    @unit_of_work
    async def nothing(session: AsyncSession) -> int:
        return 42

    assert await nothing(session) == 42
    assert not session.in_transaction()


async def test_a_unit_that_lost_a_deadlock_runs_again_and_both_writers_finish(
    db_kind: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Two units lock the same two learners in opposite orders: MySQL rolls one back as the
    deadlock's loser, and that unit is run again instead of failing its caller."""
    if db_kind != "mysql":
        pytest.skip("SQLite has one writer at a time: its transactions cannot deadlock")
    async with sessionmaker() as session:
        first, second = await register(session, 1), await register(session, 2)
    both_hold_one = asyncio.Barrier(2)
    runs: list[str] = []

    @unit_of_work
    async def rename_both(session: AsyncSession, order: tuple[int, int], name: str) -> None:
        runs.append(name)
        await session.execute(update(User).where(User.id == order[0]).values(first_name=name))
        if runs.count(name) == 1:
            # Only the first run waits: the one run again must not wait for a partner that left.
            await asyncio.wait_for(both_hold_one.wait(), timeout=30)
        await session.execute(update(User).where(User.id == order[1]).values(first_name=name))

    async def writer(order: tuple[int, int], name: str) -> None:
        async with sessionmaker() as session:
            await rename_both(session, order, name)

    await asyncio.wait_for(
        asyncio.gather(writer((first, second), "a"), writer((second, first), "b")), timeout=60
    )
    assert sorted(runs) == ["a", "a", "b"] or sorted(runs) == ["a", "b", "b"], runs
    async with sessionmaker() as session:
        names = set(await session.scalars(select(User.first_name)))
    assert len(names) == 1, "the loser's second run wrote both rows after the winner"
