"""A job's sweep: batches until one comes back short. A batch that loses a lock conflict is run
again by its unit of work, and only there: a conflict that goes on reaches the job after the
unit's runs, not after runs of runs."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.sweeps import sweep
from bot.services.unit_of_work import LOCK_CONFLICT_RUNS, unit_of_work


class Orig(Exception):
    pass


def deadlock() -> DBAPIError:
    return OperationalError("UPDATE users", {}, Orig(1213, "Deadlock found"))


class Batches:
    """Batches of the given sizes (each counting its size), as units of work on `session`,
    losing a lock conflict first as many times as told."""

    def __init__(self, session: AsyncSession, sizes: list[int], conflicts: int = 0) -> None:
        self.session = session
        self.sizes = sizes
        self.conflicts = conflicts
        self.runs = 0

    async def __call__(self) -> tuple[int, int]:
        return await batch(self.session, self)


@unit_of_work
async def batch(session: AsyncSession, batches: Batches) -> tuple[int, int]:
    batches.runs += 1
    await session.execute(select(1))
    if batches.conflicts:
        batches.conflicts -= 1
        raise deadlock()
    size = batches.sizes.pop(0)
    return size, size


async def test_batches_run_until_one_comes_back_short(session: AsyncSession) -> None:
    batches = Batches(session, [10, 10, 3])
    assert await sweep(batches, 10) == 23
    assert batches.runs == 3


async def test_a_batch_that_lost_a_lock_conflict_is_run_again_by_its_unit(
    session: AsyncSession,
) -> None:
    batches = Batches(session, [10, 4], conflicts=1)
    assert await sweep(batches, 10) == 14
    assert batches.runs == 3

    persistent = Batches(session, [4], conflicts=LOCK_CONFLICT_RUNS * LOCK_CONFLICT_RUNS)
    with pytest.raises(OperationalError):
        await sweep(persistent, 10)
    assert persistent.runs == LOCK_CONFLICT_RUNS
