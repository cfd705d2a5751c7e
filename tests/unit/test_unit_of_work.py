"""The one unit of work: commit what was written, roll back reads and failures, join when nested."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.unit_of_work import unit_of_work
from db.models import User
from db.repositories import users
from db.repositories.users import TelegramProfile
from tests.support.factories import count


class Boom(Exception):
    pass


@unit_of_work
async def register(session: AsyncSession, telegram_id: int) -> int:
    user = await users.register_or_refresh(session, TelegramProfile(telegram_id=telegram_id))
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
