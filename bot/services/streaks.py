"""Streak rules on the learner's local days: pure functions, so the activity that keeps a day
and the scheduler's upkeep job apply the same rule.

A day counts when the learner completes a lesson or solves an exercise. A freeze is earned on
every 7th day of a streak (at most 2 held) and covers exactly one missed day: when the learner
next acts (or the upkeep job looks), each missed day takes one freeze; if they do not cover
every missed day, the current streak is broken and the freezes are kept for the next one.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from db.repositories.standing import Streak

FREEZE_EVERY_DAYS = 7
MAX_FREEZES = 2

__all__ = ["FREEZE_EVERY_DAYS", "MAX_FREEZES", "Streak", "keep_day", "roll_over"]


def roll_over(streak: Streak, today: date) -> Streak:
    """The streak at the start of `today`, the days since it last counted missed: covered by
    a freeze each (those days then count as kept, not as streak days), or the streak broken."""
    if streak.last_active is None or streak.current == 0:
        return streak
    missed = (today - streak.last_active).days - 1
    if missed <= 0:
        return streak
    if missed <= streak.freezes:
        return replace(
            streak, freezes=streak.freezes - missed, last_active=today - timedelta(days=1)
        )
    return replace(streak, current=0)


def keep_day(streak: Streak, today: date) -> Streak:
    """The streak after the learner keeps `today`; unchanged if today already counts."""
    if streak.last_active is not None and today <= streak.last_active:
        # Already counted (or a day the learner's clock went back to after moving west).
        return streak
    carried = roll_over(streak, today)
    current = carried.current + 1
    freezes = carried.freezes
    if current % FREEZE_EVERY_DAYS == 0:
        freezes = min(freezes + 1, MAX_FREEZES)
    return Streak(
        current=current,
        longest=max(carried.longest, current),
        last_active=today,
        freezes=freezes,
    )
