"""The database a process opens: engine, sessionmaker and the services' context (clock and
catalogs), built without aiogram, so the commands that never talk to Telegram (content, stats,
db, the scheduler) stay quick to start."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.context import Context
from db.clock import SYSTEM_CLOCK, Clock
from db.engine import ServingLimits, create_engine, create_sessionmaker


@dataclass(frozen=True, slots=True)
class Database:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    # What the services are handed besides a session: one per process.
    context: Context

    @property
    def clock(self) -> Clock:
        return self.context.clock

    async def close(self) -> None:
        await self.engine.dispose()


def open_database(
    settings: Settings, *, clock: Clock = SYSTEM_CLOCK, limits: ServingLimits | None = None
) -> Database:
    """`limits`: the time limits of a process that answers people (`learnbot run`)."""
    engine = create_engine(
        settings.database_url,
        statement_seconds=limits.statement_seconds if limits else None,
        pool_size=settings.database_pool_size if limits else None,
    )
    sessionmaker = create_sessionmaker(engine, unit_seconds=limits.unit_seconds if limits else None)
    return Database(engine, sessionmaker, Context(clock))


@asynccontextmanager
async def database(settings: Settings, *, clock: Clock = SYSTEM_CLOCK) -> AsyncIterator[Database]:
    db = open_database(settings, clock=clock)
    try:
        yield db
    finally:
        await db.close()
