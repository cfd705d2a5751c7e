"""Fixtures of the handler tests: a learner talking to the real dispatcher (built by
bot.app) through the recording Bot API stand-in, on the real test databases."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.context import Context
from tests.support.authoring import ADMIN_ID, LEARNER_ID
from tests.support.chat import Chat, make_chat
from tests.support.course import Course, import_test_course
from tests.support.i18n import reading


@pytest.fixture
async def course(sessionmaker: async_sessionmaker[AsyncSession], context: Context) -> Course:
    return await import_test_course(sessionmaker, context)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url, bot_token=None)


@pytest.fixture
async def chat(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> AsyncIterator[Chat]:
    chat = make_chat(settings, sessionmaker, context)
    yield chat
    await chat.bot.session.close()
    # Whatever a test did, no handler may have failed (forget() checks before it forgets).
    assert chat.failures() == []


@pytest.fixture
async def admin(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> AsyncIterator[Chat]:
    """ADMIN_ID's chat: an admin where the module's `settings` name them (admin_settings)."""
    chat = make_chat(settings, sessionmaker, context, user_id=ADMIN_ID)
    yield chat
    await chat.bot.session.close()
    assert chat.failures() == []


@pytest.fixture
async def learner(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> AsyncIterator[Chat]:
    """Another chat on the same database: a learner who is not an admin."""
    chat = make_chat(settings, sessionmaker, context, user_id=LEARNER_ID)
    yield chat
    await chat.bot.session.close()
    assert chat.failures() == []


@pytest.fixture
def reading_language() -> str:
    """The language the tests read `bot.texts` in; a module whose learner reads another
    overrides this."""
    return "en"


@pytest.fixture(autouse=True)
def _texts_in_reading_language(reading_language: str) -> Iterator[None]:
    with reading(reading_language):
        yield
