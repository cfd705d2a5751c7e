"""A job's sweep: batches until one comes back short, a batch that lost a lock conflict run
again, any other failure raised."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.services.sweeps import LOCK_CONFLICT_ATTEMPTS, sweep


class Orig(Exception):
    pass


def mysql_error(code: int) -> DBAPIError:
    return OperationalError("UPDATE users", {}, Orig(code, "message"))


class Batches:
    """Batches of the given sizes (each counting its size), failing first as told."""

    def __init__(self, sizes: list[int], failures: list[DBAPIError]) -> None:
        self.sizes = sizes
        self.failures = failures
        self.calls = 0

    async def __call__(self) -> tuple[int, int]:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        size = self.sizes.pop(0)
        return size, size


async def test_batches_run_until_one_comes_back_short() -> None:
    batches = Batches([10, 10, 3], [])
    assert await sweep(batches, 10) == 23
    assert batches.calls == 3


@pytest.mark.parametrize("code", [1213, 1205])
async def test_a_batch_that_lost_a_lock_conflict_runs_again(code: int) -> None:
    batches = Batches([10, 4], [mysql_error(code)])
    assert await sweep(batches, 10) == 14
    assert batches.calls == 3


async def test_conflicts_that_go_on_and_other_failures_are_raised() -> None:
    persistent = Batches([4], [mysql_error(1213)] * LOCK_CONFLICT_ATTEMPTS)
    with pytest.raises(OperationalError):
        await sweep(persistent, 10)
    assert persistent.calls == LOCK_CONFLICT_ATTEMPTS

    other = Batches([4], [mysql_error(1054)])
    with pytest.raises(OperationalError):
        await sweep(other, 10)
    assert other.calls == 1
