"""Learners: registration from Telegram profiles, the language they read the bot in, and the
ones this process knows already."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Context
from bot.services.localtime import UTC_ZONE, zone_named
from bot.services.unit_of_work import unit_of_work
from db.repositories import users
from db.repositories.users import TelegramProfile

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Learner",
    "LearnerCache",
    "TelegramProfile",
    "ensure_learner",
    "language_for",
    "resolve_learner",
]

# The languages the bot speaks; the first is what everyone else gets.
LANGUAGES = ("en", "ru")
DEFAULT_LANGUAGE = LANGUAGES[0]
# Clients in these languages are mostly used by people who read Russian far more easily than
# English, so the bot greets them in Russian.
RUSSIAN_READERS = frozenset({"ru", "uk", "be", "kk"})


def language_for(language_code: str | None) -> str:
    """The bot's language for a Telegram client's `language_code` (an IETF tag: "ru", "ru-RU")."""
    if not language_code:
        return DEFAULT_LANGUAGE
    primary = language_code.split("-", 1)[0].lower()
    return "ru" if primary in RUSSIAN_READERS else DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True)
class Learner:
    id: int
    telegram_id: int
    first_name: str | None
    timezone: str | None
    language: str
    # The zone the learner's days are counted in: theirs, else the deployment's default.
    zone: tzinfo


class LearnerCache:
    """The learners this process served lately, by Telegram id, with the profile they had.

    An update from a learner whose profile did not change then costs no database work. An entry
    lives `ttl_seconds`, which bounds how long a change made elsewhere (another instance marking
    them blocked) goes unseen here; at most `max_size` learners are kept, the least recent
    dropped first.
    """

    def __init__(
        self,
        ttl_seconds: float = 60.0,
        max_size: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_size = max_size
        self.monotonic = monotonic
        self._entries: OrderedDict[int, tuple[TelegramProfile, Learner, float]] = OrderedDict()

    def get(self, profile: TelegramProfile) -> Learner | None:
        entry = self._entries.get(profile.telegram_id)
        if entry is None:
            return None
        known, learner, expires = entry
        if known != profile or self.monotonic() >= expires:
            del self._entries[profile.telegram_id]
            return None
        self._entries.move_to_end(profile.telegram_id)
        return learner

    def put(self, profile: TelegramProfile, learner: Learner) -> None:
        self._entries[profile.telegram_id] = (profile, learner, self.monotonic() + self.ttl_seconds)
        self._entries.move_to_end(profile.telegram_id)
        while len(self._entries) > self.max_size:
            self._entries.popitem(last=False)

    def forget(self, telegram_id: int) -> None:
        self._entries.pop(telegram_id, None)


async def resolve_learner(
    session: AsyncSession,
    ctx: Context,
    cache: LearnerCache,
    profile: TelegramProfile,
    *,
    default_zone: str = UTC_ZONE,
) -> Learner:
    """The learner for this profile: from the cache when nothing changed, else registered or
    refreshed in the database. `default_zone` is DEFAULT_TIMEZONE."""
    profile = users.fit_profile(profile)  # the cache compares profiles as they are stored
    learner = cache.get(profile)
    if learner is None:
        learner = await ensure_learner(session, ctx, profile, default_zone=default_zone)
        cache.put(profile, learner)
    return learner


@unit_of_work
async def ensure_learner(
    session: AsyncSession, ctx: Context, profile: TelegramProfile, *, default_zone: str = UTC_ZONE
) -> Learner:
    """The learner for this Telegram user, registered or refreshed when needed.

    Most updates come from known, unchanged, active learners: those cost one read and no write.
    A newcomer's language is chosen from their client's language_code; after that it is theirs,
    and a later language_code (another phone, a changed client setting) leaves it alone.
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
        user = await users.register_or_refresh(
            session, profile, language=language_for(profile.language_code), now=ctx.clock.now()
        )
    return Learner(
        id=user.id,
        telegram_id=user.telegram_id,
        first_name=user.first_name,
        timezone=user.timezone,
        # A row written without registering (an import, a test's fixture) has no language yet.
        language=user.language or language_for(user.language_code),
        zone=zone_named(user.timezone, default_zone),
    )


@unit_of_work
async def set_active(session: AsyncSession, user_id: int, *, active: bool) -> None:
    """A learner who blocks the bot is skipped by broadcasts and reminders until they return."""
    await users.set_active(session, user_id, active)
