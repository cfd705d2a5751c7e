"""What the scheduler's sweeps over learners share: batch after batch, each its own unit of
work, until a batch comes back short; and reading a learner's zone without stopping the sweep.

Two sweeps lock learners in the orders of two different indexes (the streak job by
`streak_due_at`, the reminder job by `remind_at`), so when both run at once MariaDB may end one
batch as a deadlock's victim. A batch is a unit of work, which is rolled back whole and run again
on a lost lock conflict (bot.services.unit_of_work), reading its learners afresh.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta, tzinfo

from bot.services.localtime import known_zone, zone_named
from db.repositories.due import DueLearner

log = logging.getLogger(__name__)

# A row the rules could not handle is looked at again after this, not on every run.
RETRY_BAD_ROW = timedelta(days=1)


def learner_zone(learner: DueLearner, default_timezone: str) -> tzinfo:
    """The learner's zone; the deployment's default, logged, for a name that cannot be loaded:
    one learner's bad row must not stop the sweep."""
    if learner.timezone and not known_zone(learner.timezone):
        log.warning(
            "learner %s has an unknown time zone %r; using %s",
            learner.id,
            learner.timezone,
            default_timezone,
        )
    return zone_named(learner.timezone, default_timezone)


async def sweep(batch: Callable[[], Awaitable[tuple[int, int]]], batch_size: int) -> int:
    """Run `batch` (a unit of work, returning: learners it looked at, what it counts) until it
    looks at fewer than `batch_size`; the sum of what it counted."""
    total = 0
    while True:
        looked_at, counted = await batch()
        total += counted
        if looked_at < batch_size:
            return total
