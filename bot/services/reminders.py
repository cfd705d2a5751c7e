"""The reminder job: a learner with a streak to keep, or review cards due, who has not learned
today gets one reminder on their local day, at the hour they picked, queued in the outbox for
the sender; it names the cards due.

It looks only at learners whose `remind_at` has come (an index range), a batch at a time, each
batch its own transaction; every learner it looks at moves on to their next reminder (or to
none), whether or not one was queued now.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import due_times, streaks
from bot.services.context import Context
from bot.services.localtime import UTC_ZONE, local_date
from bot.services.sweeps import RETRY_BAD_ROW, learner_zone, sweep
from bot.services.unit_of_work import unit_of_work
from db.enums import BroadcastKind
from db.models import User
from db.repositories import due
from db.repositories.broadcasts import enqueue
from db.repositories.due import DueLearner

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
# What a batch writes back, for every learner it looked at.
WRITTEN = ("remind_at", "last_reminded_on")


async def queue_reminders(
    session: AsyncSession,
    ctx: Context,
    default_timezone: str = UTC_ZONE,
    *,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Every reminder due, in batches of `batch_size` learners, each batch its own unit of work
    (so this is not one); how many reminders were queued."""
    await adopt_review_learners(session, ctx)
    return await sweep(lambda: remind_batch(session, ctx, default_timezone, batch_size), batch_size)


@unit_of_work
async def adopt_review_learners(session: AsyncSession, ctx: Context) -> int:
    """Learners with only review cards due (no streak, so no reminder planned) join the sweep."""
    adopted = await due.adopt_review_learners(session, ctx.clock.now())
    if adopted:
        log.info("%d learners with review cards due get a reminder planned", adopted)
    return adopted


@unit_of_work
async def remind_batch(
    session: AsyncSession, ctx: Context, default_timezone: str, limit: int
) -> tuple[int, int]:
    """One batch: a locking read; when anyone is owed a reminder, one REMINDER broadcast and its
    deliveries by one INSERT .. SELECT; one UPDATE moving every learner looked at on. (learners
    looked at, reminders queued)."""
    now = ctx.clock.now()
    learners = await due.reminders_due(session, now, limit)
    if not learners:
        return 0, 0
    written: list[tuple[Any, ...]] = []
    owed: list[int] = []
    for learner in learners:
        try:
            row, is_owed = _decide(learner, now, default_timezone)
        except (ArithmeticError, ValueError):
            log.exception("reminders could not handle learner %s", learner.id)
            row, is_owed = (learner.id, now + RETRY_BAD_ROW, learner.reminded_on), False
        written.append(row)
        if is_owed:
            owed.append(learner.id)
    if owed:
        broadcast_id = await enqueue.create_broadcast(session, kind=BroadcastKind.REMINDER, now=now)
        # Each delivery's payload: the learner's review cards due, which the reminder names.
        await enqueue.add_deliveries(
            session,
            broadcast_id,
            select(User.id, cast(due.cards_due_of(User.id, now), String)).where(User.id.in_(owed)),
        )
        log.info("queued %d reminders in broadcast %s", len(owed), broadcast_id)
    await due.write_back(session, WRITTEN, written, now)
    return len(learners), len(owed)


def _decide(
    learner: DueLearner, now: datetime, default_timezone: str
) -> tuple[tuple[Any, ...], bool]:
    """The learner's values of WRITTEN, and whether a reminder is owed now: on their local
    day, from their hour on, while active, with a streak still to keep, not learned on or
    reminded on yet."""
    zone = learner_zone(learner, default_timezone)
    today = local_date(now, zone)
    streak = streaks.roll_over(learner.streak, today)
    owed = (
        learner.is_active
        and learner.reminders_enabled
        and learner.reminder_hour is not None
        and (streak.current > 0 or learner.cards_due > 0)
        and due_times.reminder_owed_today(
            now, zone, learner.reminder_hour, learner.streak.last_active, learner.reminded_on
        )
    )
    reminded_on = today if owed else learner.reminded_on
    remind_at = due_times.next_reminder(
        now,
        zone,
        enabled=learner.reminders_enabled,
        hour=learner.reminder_hour,
        streak=streak,
        reminded_on=reminded_on,
        cards_due=learner.cards_due > 0,
    )
    return (learner.id, remind_at, reminded_on), owed
