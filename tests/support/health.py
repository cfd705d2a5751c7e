"""The database health a sessionmaker made by create_sessionmaker carries, for assertions."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import database_health
from db.health import DatabaseHealth


def health_of(sessionmaker: async_sessionmaker[AsyncSession]) -> DatabaseHealth:
    health = database_health(sessionmaker)
    assert health is not None, "a sessionmaker made by create_sessionmaker carries its health"
    return health
