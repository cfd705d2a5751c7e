"""When the jobs next look at a learner: pure functions of the learner's columns and zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.services.due_times import first_open_day, next_reminder, reminder_owed_today
from bot.services.due_times import streak_due_at as due
from bot.services.localtime import local_instant
from bot.services.streaks import Streak
from tests.support.instants import utc

BERLIN = ZoneInfo("Europe/Berlin")
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14
WEST = ZoneInfo("Etc/GMT+12")  # UTC-12


def test_the_streak_is_due_at_the_local_midnight_after_the_day_after_the_last() -> None:
    streak = Streak(current=4, longest=4, last_active=date(2026, 3, 2))
    assert due(streak, KIRITIMATI) == utc(2026, 3, 3, 10)
    assert due(streak, WEST) == utc(2026, 3, 4, 12)
    assert due(streak, ZoneInfo("UTC")) == utc(2026, 3, 4)


def test_no_streak_is_never_due() -> None:
    assert due(Streak(), BERLIN) is None
    assert due(Streak(current=0, longest=9, last_active=date(2026, 3, 2)), BERLIN) is None


def test_daylight_saving_days_are_23_and_25_hours_long() -> None:
    # Berlin moves to CEST on Sunday 29 March 2026 and back on Sunday 25 October.
    assert due(Streak(1, 1, date(2026, 3, 27)), BERLIN) == utc(2026, 3, 28, 23)
    assert due(Streak(1, 1, date(2026, 3, 28)), BERLIN) == utc(2026, 3, 29, 22)
    assert due(Streak(1, 1, date(2026, 10, 23)), BERLIN) == utc(2026, 10, 24, 22)
    assert due(Streak(1, 1, date(2026, 10, 24)), BERLIN) == utc(2026, 10, 25, 23)


def test_a_skipped_or_repeated_hour_resolves_as_fold_0() -> None:
    # 02:00 does not exist on 29 March: read with the offset before the change (+1).
    assert local_instant(date(2026, 3, 29), 2, BERLIN) == utc(2026, 3, 29, 1)
    # 02:00 happens twice on 25 October: the first one, still CEST (+2).
    assert local_instant(date(2026, 10, 25), 2, BERLIN) == utc(2026, 10, 25, 0)
    assert local_instant(date(2026, 3, 29), 9, BERLIN) == utc(2026, 3, 29, 7)
    assert local_instant(date(2026, 3, 28), 9, BERLIN) == utc(2026, 3, 28, 8)


def test_the_first_open_day_skips_days_learned_or_reminded_on() -> None:
    today = date(2026, 3, 2)
    assert first_open_day(today, date(2026, 3, 1), None) == today
    assert first_open_day(today, today, None) == date(2026, 3, 3)
    assert first_open_day(today, date(2026, 3, 1), today) == date(2026, 3, 3)
    assert first_open_day(today, date(2026, 3, 3), today) == date(2026, 3, 4)


def reminder(now: datetime, **kwargs: object) -> datetime | None:
    values: dict[str, object] = {
        "enabled": True,
        "hour": 9,
        "streak": Streak(2, 2, date(2026, 3, 1)),
        "reminded_on": None,
    }
    values.update(kwargs)
    return next_reminder(now, BERLIN, **values)  # type: ignore[arg-type]


def test_the_next_reminder_is_the_hour_of_the_first_open_day_still_ahead() -> None:
    early = utc(2026, 3, 2, 6)  # 07:00 in Berlin
    assert reminder(early) == utc(2026, 3, 2, 8)
    # Learned today, or reminded today: tomorrow.
    assert reminder(early, streak=Streak(3, 3, date(2026, 3, 2))) == utc(2026, 3, 3, 8)
    assert reminder(early, reminded_on=date(2026, 3, 2)) == utc(2026, 3, 3, 8)
    # The hour is past today: tomorrow, not on the spot.
    assert reminder(utc(2026, 3, 2, 9)) == utc(2026, 3, 3, 8)


def test_no_reminder_without_a_streak_an_hour_or_reminders() -> None:
    now = utc(2026, 3, 2, 6)
    assert reminder(now, enabled=False) is None
    assert reminder(now, hour=None) is None
    assert reminder(now, streak=Streak(0, 5, date(2026, 2, 1))) is None


def test_review_cards_due_keep_reminders_going_without_a_streak() -> None:
    now = utc(2026, 3, 2, 6)
    assert reminder(now, streak=Streak(), cards_due=True) == utc(2026, 3, 2, 8)
    assert reminder(now, streak=Streak(), cards_due=True, reminded_on=date(2026, 3, 2)) == utc(
        2026, 3, 3, 8
    )
    # Still the learner's choice: no hour or reminders off, no reminder.
    assert reminder(now, streak=Streak(), cards_due=True, hour=None) is None
    assert reminder(now, streak=Streak(), cards_due=True, enabled=False) is None


def test_a_reminder_is_owed_today_from_its_hour_on_unless_learned_or_reminded() -> None:
    last = date(2026, 3, 1)
    assert not reminder_owed_today(utc(2026, 3, 2, 7, 59), BERLIN, 9, last, None)
    assert reminder_owed_today(utc(2026, 3, 2, 8), BERLIN, 9, last, None)
    assert not reminder_owed_today(utc(2026, 3, 2, 8), BERLIN, 9, date(2026, 3, 2), None)
    assert not reminder_owed_today(utc(2026, 3, 2, 8), BERLIN, 9, last, date(2026, 3, 2))
