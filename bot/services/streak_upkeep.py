"""The streak job: learners whose local day ended without activity have a missed day covered
by a freeze, or lose their current streak, by the same rule their own activity applies
(`streaks.roll_over`); and any streak achievement their longest streak reached but they do not
hold is awarded, and told once, through the outbox.

It looks only at learners whose `streak_due_at` has come (an index range), a batch at a time,
each batch its own transaction: one run over many learners never holds a long transaction or
many locks.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import achievements, due_times, streaks
from bot.services.achievements import Achievement
from bot.services.context import Context
from bot.services.localtime import UTC_ZONE, local_date
from bot.services.sweeps import RETRY_BAD_ROW, learner_zone, sweep
from bot.services.unit_of_work import unit_of_work
from db.enums import AchievementType, BroadcastKind
from db.models import User
from db.repositories import due
from db.repositories.broadcasts import enqueue
from db.repositories.due import DueLearner
from db.repositories.standing import Streak

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
# What a batch writes back, for every learner it looked at.
WRITTEN = ("current_streak", "last_active_date", "streak_freezes", "streak_due_at", "remind_at")


async def upkeep_streaks(
    session: AsyncSession,
    ctx: Context,
    default_timezone: str = UTC_ZONE,
    *,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Every learner due a look, in batches of `batch_size`, each batch its own unit of work (so
    this is not one: called inside a unit of work, the batches would join it); how many
    learners were looked at."""
    return await sweep(lambda: upkeep_batch(session, ctx, default_timezone, batch_size), batch_size)


def _streak_catalogue(catalogue: tuple[Achievement, ...]) -> list[tuple[Achievement, int]]:
    found = []
    for achievement in catalogue:
        threshold = achievement.threshold
        if achievement.type is AchievementType.STREAK and threshold is not None:
            found.append((achievement, threshold[1]))
    return found


@unit_of_work
async def upkeep_batch(
    session: AsyncSession, ctx: Context, default_timezone: str, limit: int
) -> tuple[int, int]:
    """One batch: a locking read, one UPDATE, and only when something was earned the awards,
    their ledger rows and one notice broadcast per achievement earned. (learners looked at,
    the same again: every one is touched)."""
    now = ctx.clock.now()
    learners = await due.streaks_due(session, now, limit)
    if not learners:
        return 0, 0
    earnable = _streak_catalogue(await achievements.catalogue(session, ctx))
    written: list[tuple[Any, ...]] = []
    awards: list[tuple[int, Achievement]] = []
    for learner in learners:
        try:
            zone = learner_zone(learner, default_timezone)
            streak = streaks.roll_over(learner.streak, local_date(now, zone))
            due_at = due_times.streak_due_at(streak, zone)
        except (ArithmeticError, ValueError):
            # A row no rule can read (a date at the end of the calendar): left as it is, and
            # looked at again tomorrow rather than on every run.
            log.exception("streak upkeep could not handle learner %s", learner.id)
            written.append(_row(learner, learner.streak, now + RETRY_BAD_ROW))
            continue
        written.append(_row(learner, streak, due_at))
        reached = max(streak.longest, streak.current)
        awards.extend(
            (learner.id, achievement)
            for achievement, days in earnable
            if days <= reached and achievement.id not in learner.held
        )
    await due.write_back(session, WRITTEN, written, now)
    given = await achievements.award_many(session, awards, now=now)
    await _tell(session, ctx, given)
    if given:
        log.info("streak upkeep awarded %d streak achievements", len(given))
    return len(learners), len(learners)


def _row(learner: DueLearner, streak: Streak, due_at: datetime | None) -> tuple[Any, ...]:
    """The learner's values of WRITTEN. No streak left to keep: no reminder either, until a
    day is kept again."""
    remind_at = learner.remind_at if streak.current else None
    return (learner.id, streak.current, streak.last_active, streak.freezes, due_at, remind_at)


async def _tell(session: AsyncSession, ctx: Context, given: list[tuple[int, Achievement]]) -> None:
    """One NOTICE delivery per award; one broadcast per achievement, as a broadcast has one
    delivery per learner and a learner may earn two at once."""
    learners_by_code: dict[str, list[int]] = defaultdict(list)
    for user_id, achievement in given:
        learners_by_code[achievement.code].append(user_id)
    for code, user_ids in learners_by_code.items():
        broadcast_id = await enqueue.create_broadcast(
            session, kind=BroadcastKind.NOTICE, now=ctx.clock.now()
        )
        await enqueue.add_deliveries(
            session,
            broadcast_id,
            select(User.id, literal(code)).where(User.id.in_(user_ids)),
        )
