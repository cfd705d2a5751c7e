"""Fixtures of the end-to-end tests: the fake Bot API server and a prepared SQLite database.

These tests check the bot *process* (startup, HTTP traffic, shutdown, the CLI), not persistence,
so they run on SQLite only; the persistence tests cover MySQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.fake_telegram import FakeTelegram
from tests.support.course import TEST_COURSE
from tests.support.databases import migrated_database


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
