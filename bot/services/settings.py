"""A learner's settings (time zone, language, daily reminder) and deleting all their data. The
zones a learner may choose, and how they type one, are timezones.py's.

Handlers that call a setter must forget the learner in the LearnerCache afterwards: the next
update then reads the row again, and speaks the new language.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import due_times
from bot.services.context import Context
from bot.services.errors import NotUnderstood
from bot.services.learners import LANGUAGES, language_for
from bot.services.localtime import zone_named
from bot.services.timezones import UTC, parse_timezone
from bot.services.unit_of_work import read_only, unit_of_work
from db.repositories import users
from db.repositories.progress import UnknownLearner
from db.repositories.standing import Streak

# The local hours a daily reminder may come at.
HOURS = range(24)


@dataclass(frozen=True, slots=True)
class LearnerSettings:
    # None: the deployment's DEFAULT_TIMEZONE.
    timezone: str | None
    language: str
    reminders_enabled: bool
    # The local hour of the daily reminder; None until the learner picks one.
    reminder_hour: int | None
    # When they were read: the screens show the learner's clock at this instant.
    now: datetime


def _settings(row: users.SettingsRow, now: datetime) -> LearnerSettings:
    return LearnerSettings(
        timezone=row.timezone,
        language=row.language or language_for(row.language_code),
        reminders_enabled=row.reminders_enabled,
        reminder_hour=row.reminder_hour,
        now=now,
    )


@read_only
async def current(session: AsyncSession, ctx: Context, user_id: int) -> LearnerSettings:
    row = await users.settings_of(session, user_id)
    if row is None:
        raise UnknownLearner(user_id)  # deleted meanwhile: the learner middleware starts afresh
    return _settings(row, ctx.clock.now())


async def _change(
    session: AsyncSession, ctx: Context, user_id: int, default_timezone: str, **values: Any
) -> LearnerSettings:
    """Store the settings, and with them the instants the scheduler's jobs next look at the
    learner when the zone or the reminder changed: a new hour or zone takes effect from the
    next local day the learner has not been reminded on, never twice on one day."""
    row = await users.settings_of(session, user_id, for_change=True)
    if row is None:
        raise UnknownLearner(user_id)
    changed = replace(row, **values)
    now = ctx.clock.now()
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
            now,
            zone,
            enabled=changed.reminders_enabled,
            hour=changed.reminder_hour,
            streak=streak,
            reminded_on=changed.last_reminded_on,
        )
        if "timezone" in values:
            due["streak_due_at"] = due_times.streak_due_at(streak, zone)
    await users.update_settings(session, user_id, now=now, **values, **due)
    return _settings(changed, now)


@unit_of_work
async def set_timezone(
    session: AsyncSession, ctx: Context, user_id: int, zone: str, *, default_timezone: str = UTC
) -> LearnerSettings:
    """Store the zone the learner typed or picked (validated as typed)."""
    return await _change(session, ctx, user_id, default_timezone, timezone=parse_timezone(zone))


@unit_of_work
async def set_language(
    session: AsyncSession, ctx: Context, user_id: int, language: str
) -> LearnerSettings:
    if language not in LANGUAGES:
        raise NotUnderstood
    return await _change(session, ctx, user_id, UTC, language=language)


@unit_of_work
async def set_reminders(
    session: AsyncSession, ctx: Context, user_id: int, *, enabled: bool, default_timezone: str = UTC
) -> LearnerSettings:
    """`default_timezone`: the deployment's, for a learner who has not set one."""
    return await _change(session, ctx, user_id, default_timezone, reminders_enabled=enabled)


@unit_of_work
async def set_reminder_hour(
    session: AsyncSession, ctx: Context, user_id: int, hour: int, *, default_timezone: str = UTC
) -> LearnerSettings:
    """Choosing an hour is asking for the reminder, so it also turns it on."""
    if hour not in HOURS:
        raise NotUnderstood
    return await _change(
        session, ctx, user_id, default_timezone, reminder_hour=hour, reminders_enabled=True
    )


@unit_of_work
async def delete_my_data(session: AsyncSession, user_id: int) -> None:
    """The learner's row and every row about them: progress, answers, the XP ledger,
    achievements, leaderboard rows and broadcast deliveries all cascade from users."""
    await users.delete_user(session, user_id)
