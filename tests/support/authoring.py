"""What the authoring tests share: an admin and a learner on one database, and the content
tables read whole, to show a cancelled dialog or a preview wrote nothing."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.context import Context
from db.models import Base, Exercise, Lesson, Module
from db.repositories.catalog import content_version
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


async def version(sessionmaker: async_sessionmaker[AsyncSession]) -> int | None:
    async with sessionmaker() as session:
        return await content_version(session)


@asynccontextmanager
async def nothing_written(
    context: Context,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> AsyncIterator[None]:
    """What is done inside changes nothing: the content is as it was, the content version other
    processes' catalogs watch stays, this process's catalog is not reloaded, no edit is logged."""
    before, version_before = await content_snapshot(sessionmaker), await version(sessionmaker)
    async with sessionmaker() as session:
        catalog = await context.catalog.get(session)
    with caplog.at_level(logging.INFO, logger="bot.services.authoring"):
        yield
    assert await content_snapshot(sessionmaker) == before
    assert await version(sessionmaker) == version_before
    async with sessionmaker() as session:
        assert await context.catalog.get(session) is catalog
    authoring = [r.message for r in caplog.records if r.name.startswith("bot.services.authoring")]
    assert authoring == []
