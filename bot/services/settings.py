"""A learner's settings (time zone, language, daily reminder) and deleting all their data.

Handlers that call a setter must forget the learner in the LearnerCache afterwards: the next
update then reads the row again, and speaks the new language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import due_times
from bot.services.errors import NotUnderstood, UnknownTimezone
from bot.services.learners import LANGUAGES, language_for
from bot.services.localtime import zone_named
from bot.services.unit_of_work import read_only, unit_of_work
from db import clock
from db.repositories import users
from db.repositories.progress import UnknownLearner
from db.repositories.standing import Streak

UTC = "UTC"
# The zones most learners live by, offered as buttons; anyone else types theirs or picks an offset.
COMMON_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "Europe/Kyiv",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
)
# Whole-hour offsets from UTC-12 to UTC+14, every one that has a zone somewhere.
OFFSETS = tuple(range(-12, 15))
HOURS = range(24)
# Longer names do not fit users.timezone (no IANA name comes close).
ZONE_NAME_LIMIT = 64
_OFFSET = re.compile(r"(?:utc|gmt)?\s*([+\-−])\s*(\d{1,2})(?::?00)?", re.IGNORECASE)


def offset_zone(hours: int) -> str:
    """The IANA zone of a fixed offset; Etc/GMT names carry the POSIX sign (Etc/GMT-3 is +3)."""
    return UTC if hours == 0 else f"Etc/GMT{-hours:+d}"


def zone_offset(zone: str) -> int | None:
    """The offset in hours of a zone `offset_zone` names; None for any other zone."""
    if zone == UTC:
        return 0
    match = re.fullmatch(r"Etc/GMT([+-]\d{1,2})", zone)
    return -int(match.group(1)) if match else None


# Every zone a button offers, by index: callback data carries the index, never a name.
ZONES = (UTC, *COMMON_ZONES, *(offset_zone(h) for h in OFFSETS if h))


@cache
def _known_zones() -> dict[str, str]:
    # Read from the zone database the first time a name is typed, not at import.
    return {
        name.lower(): name for name in available_timezones() if name not in {"localtime", "Factory"}
    }


def parse_timezone(text: str) -> str:
    """The IANA zone a learner typed: a name in any case (`europe/berlin`), `UTC`, or an offset
    (`UTC+3`, `-5`); UnknownTimezone otherwise."""
    text = text.strip()
    if len(text) > ZONE_NAME_LIMIT:
        raise UnknownTimezone
    if text.lower() in {"utc", "gmt", "z"}:
        return UTC
    match = _OFFSET.fullmatch(text)
    if match:
        hours = int(match.group(2)) * (1 if match.group(1) == "+" else -1)
        if hours not in OFFSETS:
            raise UnknownTimezone
        return offset_zone(hours)
    zone = _known_zones().get(text.replace(" ", "_").lower())
    if zone is None:
        raise UnknownTimezone
    ZoneInfo(zone)  # a name the database lists but cannot load would fail every later day
    return zone


@dataclass(frozen=True, slots=True)
class LearnerSettings:
    # None: the deployment's DEFAULT_TIMEZONE.
    timezone: str | None
    language: str
    reminders_enabled: bool
    # The local hour of the daily reminder; None until the learner picks one.
    reminder_hour: int | None


def _settings(row: users.SettingsRow) -> LearnerSettings:
    return LearnerSettings(
        timezone=row.timezone,
        language=row.language or language_for(row.language_code),
        reminders_enabled=row.reminders_enabled,
        reminder_hour=row.reminder_hour,
    )


@read_only
async def current(session: AsyncSession, user_id: int) -> LearnerSettings:
    row = await users.settings_of(session, user_id)
    if row is None:
        raise UnknownLearner(user_id)  # deleted meanwhile: the learner middleware starts afresh
    return _settings(row)


async def _change(
    session: AsyncSession, user_id: int, default_timezone: str, **values: Any
) -> LearnerSettings:
    """Store the settings, and with them the instants the scheduler's jobs next look at the
    learner when the zone or the reminder changed: a new hour or zone takes effect from the
    next local day the learner has not been reminded on, never twice on one day."""
    row = await users.settings_of(session, user_id, for_change=True)
    if row is None:
        raise UnknownLearner(user_id)
    changed = replace(row, **values)
    due: dict[str, Any] = {}
    if values.keys() & {"timezone", "reminders_enabled", "reminder_hour"}:
        zone = zone_named(changed.timezone, default_timezone)
        streak = Streak(
            current=changed.current_streak,
            longest=changed.longest_streak,
            last_active=changed.last_active_date,
            freezes=changed.streak_freezes,
        )
        due["remind_at"] = due_times.next_reminder(
            clock.now(session),
            zone,
            enabled=changed.reminders_enabled,
            hour=changed.reminder_hour,
            streak=streak,
            reminded_on=changed.last_reminded_on,
        )
        if "timezone" in values:
            due["streak_due_at"] = due_times.streak_due_at(streak, zone)
    await users.update_settings(session, user_id, **values, **due)
    return _settings(changed)


@unit_of_work
async def set_timezone(
    session: AsyncSession, user_id: int, zone: str, *, default_timezone: str = UTC
) -> LearnerSettings:
    """Store the zone the learner typed or picked (validated as typed)."""
    return await _change(session, user_id, default_timezone, timezone=parse_timezone(zone))


@unit_of_work
async def set_language(session: AsyncSession, user_id: int, language: str) -> LearnerSettings:
    if language not in LANGUAGES:
        raise NotUnderstood
    return await _change(session, user_id, UTC, language=language)


@unit_of_work
async def set_reminders(
    session: AsyncSession, user_id: int, *, enabled: bool, default_timezone: str = UTC
) -> LearnerSettings:
    """`default_timezone`: the deployment's, for a learner who has not set one."""
    return await _change(session, user_id, default_timezone, reminders_enabled=enabled)


@unit_of_work
async def set_reminder_hour(
    session: AsyncSession, user_id: int, hour: int, *, default_timezone: str = UTC
) -> LearnerSettings:
    """Choosing an hour is asking for the reminder, so it also turns it on."""
    if hour not in HOURS:
        raise NotUnderstood
    return await _change(
        session, user_id, default_timezone, reminder_hour=hour, reminders_enabled=True
    )


@unit_of_work
async def delete_my_data(session: AsyncSession, user_id: int) -> None:
    """The learner's row and every row about them: progress, answers, the XP ledger,
    achievements, leaderboard rows and broadcast deliveries all cascade from users."""
    await users.delete_user(session, user_id)
