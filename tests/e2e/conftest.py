"""Fixtures of the end-to-end tests: the fake Bot API server and a prepared SQLite database.

These tests check the bot *process* (startup, HTTP traffic, shutdown, the CLI), not persistence,
so most run on SQLite only; the persistence tests cover MySQL. Those about a database server
(outages, several instances on one database) take `mysql_course_url`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services.content.importer import import_course
from bot.services.content.parse import parse_course
from bot.services.context import Context
from db.engine import create_sessionmaker
from tests.e2e.fake_telegram import FakeTelegram
from tests.support.course import TEST_COURSE
from tests.support.databases import migrated_database


@pytest.fixture
async def course_db(tmp_path: Path) -> str:
    """A migrated SQLite database holding TEST_COURSE, published."""
    return await migrated_database(tmp_path / "course.db", TEST_COURSE)


@pytest.fixture
async def mysql_course_url(
    db_kind: str, database_url: str, engine: AsyncEngine, context: Context
) -> str:
    """The session's migrated MariaDB database holding TEST_COURSE (emptied afterwards by the
    `engine` fixture); skipped on SQLite, which has no server to cut or to share."""
    if db_kind != "mysql":
        pytest.skip("needs a database server: MariaDB or MySQL")
    async with create_sessionmaker(engine)() as session:
        await import_course(session, context, parse_course(TEST_COURSE), publish=True)
    return database_url


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The child's working directory: empty, so no `.env` is read."""
    path = tmp_path / "cwd"
    path.mkdir()
    return path
