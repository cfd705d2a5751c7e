"""The learner answering a review, read under their lock: their streak, what moves their
reminder, and whether the day's review XP (one ledger row per local day) is already theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ActivityLog, User
from db.repositories.standing import Streak, streak_of

_users = cast(Table, User.__table__)
_ledger = cast(Table, ActivityLog.__table__)


@dataclass(frozen=True, slots=True)
class Reviewer:
    """The learner answering a review, read under their lock: their streak, what moves their
    reminder, and whether today's review XP is already theirs."""

    streak: Streak
    reminders_enabled: bool
    reminder_hour: int | None
    reminded_on: date | None
    paid_today: bool


REVIEW_DAY = "review_day"

_REVIEWER = (
    select(
        _users.c.current_streak,
        _users.c.longest_streak,
        _users.c.last_active_date,
        _users.c.streak_freezes,
        _users.c.reminders_enabled,
        _users.c.reminder_hour,
        _users.c.last_reminded_on,
        select(func.count())
        .where(
            _ledger.c.user_id == _users.c.id,
            _ledger.c.entity_type == REVIEW_DAY,
            _ledger.c.entity_id == bindparam("day"),
        )
        .scalar_subquery()
        .label("paid"),
    )
    .where(_users.c.id == bindparam("user_id"))
    # The learner's lock, as their lesson answers take it: one review answer at a time, and
    # the day's XP checked and granted by one of them only.
    .with_for_update()
)


def day_key(day: date) -> int:
    """A local day as the ledger's entity id: 20261206."""
    return day.year * 10000 + day.month * 100 + day.day


async def lock_reviewer(session: AsyncSession, user_id: int, day: date) -> Reviewer | None:
    row = (
        await session.execute(_REVIEWER, {"user_id": user_id, "day": day_key(day)})
    ).one_or_none()
    if row is None:
        return None
    values = row._mapping
    return Reviewer(
        streak=streak_of(values),
        reminders_enabled=bool(values["reminders_enabled"]),
        reminder_hour=values["reminder_hour"],
        reminded_on=values["last_reminded_on"],
        paid_today=bool(values["paid"]),
    )
