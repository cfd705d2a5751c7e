"""A scheduler job's sweep over learners: batch after batch, each its own unit of work, until a
batch comes back short.

Two sweeps lock learners in the orders of two different indexes (the streak job by
`streak_due_at`, the reminder job by `remind_at`), so when both run at once MariaDB may end one
batch as a deadlock's victim. A batch is rolled back whole and reads its learners afresh, so it
is simply run again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import DBAPIError

from db.health import describe, is_lock_conflict

log = logging.getLogger(__name__)

LOCK_CONFLICT_ATTEMPTS = 3


async def sweep(batch: Callable[[], Awaitable[tuple[int, int]]], batch_size: int) -> int:
    """Run `batch` (returning: learners it looked at, what it counts) until it looks at fewer
    than `batch_size`; the sum of what it counted."""
    total = 0
    while True:
        looked_at, counted = await _attempt(batch)
        total += counted
        if looked_at < batch_size:
            return total


async def _attempt(batch: Callable[[], Awaitable[tuple[int, int]]]) -> tuple[int, int]:
    for attempt in range(1, LOCK_CONFLICT_ATTEMPTS + 1):
        try:
            return await batch()
        except DBAPIError as exc:
            if attempt == LOCK_CONFLICT_ATTEMPTS or not is_lock_conflict(exc):
                raise
            log.info("batch lost a lock conflict (%s); running it again", describe(exc))
    raise AssertionError("unreachable")
