"""Streak rules on local days, as pure functions (the activity and the upkeep job share them)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.localtime import local_date, zone_named
from bot.services.streaks import MAX_FREEZES, Streak, keep_day, roll_over

DAY1 = date(2026, 3, 2)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def run_of(n: int, start: date = DAY1) -> Streak:
    """The streak after acting on `n` consecutive days from `start`."""
    streak = Streak()
    for offset in range(n):
        streak = keep_day(streak, start + days(offset))
    return streak


def test_consecutive_days_grow_the_streak_and_the_same_day_counts_once() -> None:
    streak = keep_day(Streak(), DAY1)
    assert streak == Streak(current=1, longest=1, last_active=DAY1, freezes=0)
    assert keep_day(streak, DAY1) == streak
    assert keep_day(streak, DAY1 + days(1)) == Streak(2, 2, DAY1 + days(1), 0)


def test_a_freeze_is_earned_on_day_7_and_no_more_than_2_are_held() -> None:
    assert run_of(6).freezes == 0
    assert run_of(7).freezes == 1
    assert run_of(13).freezes == 1
    assert run_of(14).freezes == 2
    assert run_of(21).freezes == MAX_FREEZES == 2
    assert run_of(21).current == 21


def test_one_missed_day_is_covered_by_a_freeze() -> None:
    streak = run_of(7)  # one freeze
    day8 = DAY1 + days(7)
    after = keep_day(streak, day8 + days(1))  # day 8 missed
    assert (after.current, after.freezes, after.last_active) == (8, 0, day8 + days(1))


def test_one_missed_day_without_a_freeze_breaks_the_streak() -> None:
    streak = run_of(3)
    after = keep_day(streak, DAY1 + days(4))
    assert (after.current, after.longest) == (1, 3)


def test_two_missed_days_reset_the_current_streak_and_the_freeze_is_kept() -> None:
    streak = run_of(7)  # one freeze: it covers one missed day, not two
    after = keep_day(streak, DAY1 + days(9))
    assert (after.current, after.longest, after.freezes) == (1, 7, 1)


def test_two_freezes_cover_two_missed_days_one_each() -> None:
    streak = run_of(14)
    after = keep_day(streak, DAY1 + days(16))
    assert (after.current, after.freezes) == (15, 0)


def test_the_longest_streak_is_kept_when_a_shorter_one_follows() -> None:
    streak = run_of(5)
    streak = keep_day(streak, DAY1 + days(10))
    streak = keep_day(streak, DAY1 + days(11))
    assert (streak.current, streak.longest) == (2, 5)


def test_roll_over_is_what_the_upkeep_job_applies_and_is_idempotent() -> None:
    streak = run_of(7)
    later = DAY1 + days(8)  # day 8 (DAY1 + 7) missed, nothing done yet on day 9
    once = roll_over(streak, later)
    assert (once.current, once.freezes, once.last_active) == (7, 0, later - days(1))
    assert roll_over(once, later) == once
    broken = roll_over(once, later + days(2))
    assert broken.current == 0 and broken.longest == 7
    assert roll_over(streak, DAY1 + days(7)) == streak  # yesterday was active: nothing missed


def test_a_day_already_past_changes_nothing() -> None:
    streak = run_of(3)
    assert keep_day(streak, DAY1) == streak  # the learner moved west and is a day behind


def test_the_same_instant_is_a_different_day_on_either_side_of_the_date_line() -> None:
    instant = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert local_date(instant, zone_named("Pacific/Kiritimati")) == date(2026, 3, 3)
    assert local_date(instant, zone_named("Etc/GMT+12")) == date(2026, 3, 1)


def test_a_zone_that_cannot_be_loaded_falls_back_to_the_default() -> None:
    assert zone_named("Mars/Olympus", "Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert zone_named(None, "Asia/Tokyo") == ZoneInfo("Asia/Tokyo")
    assert zone_named("Europe", "UTC") == ZoneInfo("UTC")
    assert zone_named("Mars/Olympus", "Also/Bad") == ZoneInfo("UTC")
    # A fixed offset out of any range in use is no zone either.
    assert zone_named("UTC+15:00", "Asia/Tokyo") == ZoneInfo("Asia/Tokyo")


def test_a_half_hour_learner_s_day_turns_at_their_own_midnight() -> None:
    zone = zone_named("UTC+05:30")
    assert local_date(datetime(2026, 3, 2, 18, 29, tzinfo=UTC), zone) == date(2026, 3, 2)
    assert local_date(datetime(2026, 3, 2, 18, 30, tzinfo=UTC), zone) == date(2026, 3, 3)
    west = zone_named("UTC-09:30")
    assert local_date(datetime(2026, 3, 3, 9, 29, tzinfo=UTC), west) == date(2026, 3, 2)
