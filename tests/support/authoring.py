"""What the authoring tests share: an admin and a learner on one database, and the content
tables read whole, to show a cancelled dialog or a preview wrote nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from db.models import Base, Exercise, Lesson, Module
from tests.support.rows import rows

ADMIN_ID = 1000
LEARNER_ID = 2000

CONTENT_TABLES: tuple[type[Base], ...] = (Module, Lesson, Exercise)


def admin_settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None, database_url=database_url, bot_token=None, admin_ids=frozenset({ADMIN_ID})
    )


async def content_snapshot(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[str, list[dict[str, Any]]]:
    """Every column of every module, lesson and exercise."""
    result = {}
    for model in CONTENT_TABLES:
        columns = model.__table__.columns
        result[model.__tablename__] = [
            {c.name: getattr(row, c.key) for c in columns}
            for row in await rows(sessionmaker, model)
        ]
    return result
