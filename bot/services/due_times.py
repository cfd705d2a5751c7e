"""When the scheduler's jobs must next look at a learner: pure functions of the learner's
columns, shared by every write of those columns (activity, settings, the jobs themselves).

`streak_due_at`: the local midnight that ends the day after the last day the streak counts;
before it nothing can break, at it a missed day has to be covered by a freeze or the streak
ends. `remind_at`: the chosen hour on the first local day the learner has neither learned on
nor been reminded on. Both are None when there is nothing to keep, so the jobs never look at
learners without a streak.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from bot.services.localtime import local_date, local_instant
from db.repositories.standing import Streak

MIDNIGHT = 0
DAY = timedelta(days=1)


def streak_due_at(streak: Streak, zone: tzinfo) -> datetime | None:
    if streak.current == 0 or streak.last_active is None:
        return None
    return local_instant(streak.last_active + 2 * DAY, MIDNIGHT, zone)


def first_open_day(today: date, last_active: date | None, reminded_on: date | None) -> date:
    """The first local day from `today` on the learner has neither learned on nor been
    reminded on."""
    return max([today, *(seen + DAY for seen in (last_active, reminded_on) if seen is not None)])


def reminder_owed_today(
    now: datetime, zone: tzinfo, hour: int, last_active: date | None, reminded_on: date | None
) -> bool:
    today = local_date(now, zone)
    return (
        first_open_day(today, last_active, reminded_on) == today
        and local_instant(today, hour, zone) <= now
    )


def next_reminder(
    now: datetime,
    zone: tzinfo,
    *,
    enabled: bool,
    hour: int | None,
    streak: Streak,
    reminded_on: date | None,
    cards_due: bool = False,
) -> datetime | None:
    """The next reminder strictly after `now`, or None when none is owed. An hour already past
    today moves to tomorrow: a learner changing their hour is not reminded on the spot.
    `cards_due`: review cards are due, which keep reminders going without a streak."""
    if not enabled or hour is None:
        return None
    if not cards_due and (streak.current == 0 or streak.last_active is None):
        return None
    day = first_open_day(local_date(now, zone), streak.last_active, reminded_on)
    at = local_instant(day, hour, zone)
    return at if at > now else local_instant(day + DAY, hour, zone)
