"""Learners: registration from Telegram profiles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.unit_of_work import unit_of_work
from db.repositories import users
from db.repositories.users import TelegramProfile

__all__ = ["Learner", "TelegramProfile", "ensure_learner"]


@dataclass(frozen=True, slots=True)
class Learner:
    id: int
    telegram_id: int
    first_name: str | None
    timezone: str | None


@unit_of_work
async def ensure_learner(session: AsyncSession, profile: TelegramProfile) -> Learner:
    """The learner for this Telegram user, registered or refreshed when needed.

    Most updates come from known, unchanged, active learners: those cost one read and no write.
    """
    # Compared as stored: a profile longer than the columns would otherwise never look unchanged.
    profile = users.fit_profile(profile)
    user = await users.get_by_telegram_id(session, profile.telegram_id)
    unchanged = (
        user is not None
        and user.is_active
        and (
            user.username,
            user.first_name,
            user.last_name,
            user.language_code,
        )
        == (profile.username, profile.first_name, profile.last_name, profile.language_code)
    )
    if user is None or not unchanged:
        user = await users.register_or_refresh(session, profile)
    return Learner(
        id=user.id,
        telegram_id=user.telegram_id,
        first_name=user.first_name,
        timezone=user.timezone,
    )


@unit_of_work
async def set_active(session: AsyncSession, user_id: int, *, active: bool) -> None:
    """A learner who blocks the bot is skipped by broadcasts and reminders until they return."""
    await users.set_active(session, user_id, active)
