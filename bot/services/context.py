"""What a service works with besides its database session: the application's clock and its
in-memory catalogs. One per process, built by bot.database.open_database and handed to every
service that needs it explicitly (handlers get it in the dispatcher's data as `context`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.services.achievements import AchievementCache
from bot.services.catalog import CatalogCache
from db.clock import SYSTEM_CLOCK, Clock


@dataclass(frozen=True, slots=True)
class Context:
    clock: Clock = SYSTEM_CLOCK
    # The learner catalog: modules and lessons, reloaded when the content version moves.
    catalog: CatalogCache = field(default_factory=CatalogCache)
    # The achievement catalogue, read once per process.
    achievements: AchievementCache = field(default_factory=AchievementCache)
