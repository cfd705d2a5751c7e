from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import User
from db.repositories._dialect import upsert


@dataclass(frozen=True, slots=True)
class TelegramProfile:
    telegram_id: int
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    language_code: str | None = None


def _fit(value: str | None, column: str) -> str | None:
    # Telegram does not promise names as short as our columns, and MySQL refuses what is longer.
    column_type = User.__table__.c[column].type
    assert isinstance(column_type, String) and column_type.length is not None
    return None if value is None else value[: column_type.length]


def fit_profile(profile: TelegramProfile) -> TelegramProfile:
    """The profile as the users table stores it: every text cut to its column's length."""
    return replace(
        profile,
        username=_fit(profile.username, "username"),
        first_name=_fit(profile.first_name, "first_name"),
        last_name=_fit(profile.last_name, "last_name"),
        language_code=_fit(profile.language_code, "language_code"),
    )


async def register_or_refresh(
    session: AsyncSession,
    profile: TelegramProfile,
    *,
    now: datetime,
    language: str | None = None,
) -> User:
    """Create the learner or refresh their Telegram profile, in one race-safe statement.

    Someone who writes to the bot again has unblocked it, so they become active again.
    `language` is stored for a new learner only: an existing learner's stays as it is.
    """
    profile = fit_profile(profile)
    values = {
        "telegram_id": profile.telegram_id,
        "username": profile.username,
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "language_code": profile.language_code,
        "language": language,
        "is_active": True,
        "created_at": now,
        "updated_at": now,
    }
    await session.execute(
        upsert(
            session,
            User,
            values,
            conflict_columns=["telegram_id"],
            update_columns=[
                "username",
                "first_name",
                "last_name",
                "language_code",
                "is_active",
                "updated_at",
            ],
        )
    )
    user = await get_by_telegram_id(session, profile.telegram_id, refresh=True)
    assert user is not None  # the upsert above guarantees the row
    return user


async def get_by_telegram_id(
    session: AsyncSession, telegram_id: int, *, refresh: bool = False
) -> User | None:
    stmt = select(User).where(User.telegram_id == telegram_id)
    if refresh:
        stmt = stmt.execution_options(populate_existing=True)
    result: User | None = await session.scalar(stmt)
    return result


async def set_active(session: AsyncSession, user_id: int, active: bool) -> None:
    await session.execute(update(User).where(User.id == user_id).values(is_active=active))


@dataclass(frozen=True, slots=True)
class SettingsRow:
    timezone: str | None
    language: str | None
    language_code: str | None
    reminders_enabled: bool
    reminder_hour: int | None
    # What the scheduler's due instants are computed from, beside the settings.
    current_streak: int = 0
    longest_streak: int = 0
    last_active_date: date | None = None
    streak_freezes: int = 0
    last_reminded_on: date | None = None


_SETTINGS = select(
    User.timezone,
    User.language,
    User.language_code,
    User.reminders_enabled,
    User.reminder_hour,
    User.current_streak,
    User.longest_streak,
    User.last_active_date,
    User.streak_freezes,
    User.last_reminded_on,
).where(User.id == bindparam("user_id"))
# Read to change: a day kept meanwhile cannot be overwritten by instants computed before it.
_SETTINGS_FOR_CHANGE = _SETTINGS.with_for_update()
# What a learner may change about themselves; nothing else goes through update_settings.
SETTINGS_COLUMNS = frozenset({"timezone", "language", "reminders_enabled", "reminder_hour"})
# Derived from the settings and the streak: written with the settings they follow from.
DUE_COLUMNS = frozenset({"streak_due_at", "remind_at"})


async def settings_of(
    session: AsyncSession, user_id: int, *, for_change: bool = False
) -> SettingsRow | None:
    statement = _SETTINGS_FOR_CHANGE if for_change else _SETTINGS
    row = (await session.execute(statement, {"user_id": user_id})).one_or_none()
    return None if row is None else SettingsRow(*row)


async def update_settings(
    session: AsyncSession, user_id: int, *, now: datetime, **values: Any
) -> None:
    unknown = values.keys() - SETTINGS_COLUMNS - DUE_COLUMNS
    if unknown:
        raise ValueError(f"not a setting: {', '.join(sorted(unknown))}")
    await session.execute(update(User).where(User.id == user_id).values(**values, updated_at=now))


async def delete_user(session: AsyncSession, user_id: int) -> None:
    """Every row about the learner goes with them through ON DELETE CASCADE."""
    await session.execute(delete(User).where(User.id == user_id))
