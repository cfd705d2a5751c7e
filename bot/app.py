"""The one builder of the application: database, clock, bot and dispatcher.

`learnbot run`, `learnbot chat`, the content commands, the tests and bench/ all build what they
need here, so they run the same wiring. Commands that do not talk to Telegram take only
`open_database`, which imports no aiogram (importing it takes seconds).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from db.clock import SYSTEM_CLOCK, Clock
from db.engine import create_engine, create_sessionmaker


@dataclass(frozen=True, slots=True)
class Database:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock

    async def close(self) -> None:
        await self.engine.dispose()


def open_database(settings: Settings, *, clock: Clock = SYSTEM_CLOCK) -> Database:
    engine = create_engine(settings.database_url)
    return Database(engine, create_sessionmaker(engine, clock=clock), clock)


@asynccontextmanager
async def database(settings: Settings, *, clock: Clock = SYSTEM_CLOCK) -> AsyncIterator[Database]:
    db = open_database(settings, clock=clock)
    try:
        yield db
    finally:
        await db.close()
