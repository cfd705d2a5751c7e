"""Fixtures of the end-to-end tests: the fake Bot API server and a prepared SQLite database.

These tests check the bot *process* (startup, HTTP traffic, shutdown, the CLI), not persistence,
so they run on SQLite only; the persistence tests cover MySQL.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services.content.importer import import_course
from bot.services.content.parse import parse_course
from db import migrations
from db.engine import create_engine, create_sessionmaker
from tests.e2e.fake_telegram import FakeTelegram
from tests.handlers.conftest import TEST_COURSE


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def migrated_database(path: Path, course: str | None = None) -> str:
    """A migrated SQLite database at `path`, with `course` imported and published if given."""
    url = sqlite_url(path)
    await asyncio.to_thread(migrations.upgrade, url)
    if course is not None:
        engine = create_engine(url)
        try:
            async with create_sessionmaker(engine)() as session:
                await import_course(session, parse_course(course), publish=True)
        finally:
            await engine.dispose()
    return url


@pytest.fixture
async def course_db(tmp_path: Path) -> str:
    """A migrated SQLite database holding TEST_COURSE, published."""
    return await migrated_database(tmp_path / "course.db", TEST_COURSE)


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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
