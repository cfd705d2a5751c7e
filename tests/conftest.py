"""Shared fixtures. Persistence tests take `database_url` and run once on SQLite, once on MySQL.

Outside CI an unreachable MySQL skips its half with the reason; under CI=true it fails.

`make test` runs the suite on two pytest-xdist workers; tests/support/workers.py keeps the tests
that must not run beside each other on one worker, one after another.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.achievements import AchievementCache
from bot.services.catalog import CatalogCache
from bot.services.context import Context
from db import migrations
from db.clock import SYSTEM_CLOCK, Clock
from db.engine import create_engine, create_sessionmaker
from tests.support.databases import KINDS, empty_database, empty_tables, require_kind
from tests.support.redis import REDIS_URL, require_redis
from tests.support.tcp_proxy import TcpProxy
from tests.support.workers import SerialGroups


@pytest.fixture(
    scope="session", params=[pytest.param(k, marks=getattr(pytest.mark, k)) for k in KINDS]
)
def db_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    require_kind(kind)
    return kind


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(SerialGroups(), "serial-groups")


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """The URL of this session's migrated database of a kind, made on first use, dropped when
    the session ends."""
    urls: dict[str, str] = {}
    with ExitStack() as stack:

        def url_of(kind: str) -> str:
            if kind not in urls:
                directory = tmp_path_factory.mktemp(kind)
                urls[kind] = stack.enter_context(empty_database(kind, directory))
                migrations.upgrade(urls[kind])
            return urls[kind]

        yield url_of


@pytest.fixture(scope="session")
def database_url(db_kind: str, migrated_databases: Callable[[str], str]) -> str:
    """One migrated database per kind for the whole run; each test leaves it empty again.
    pytest makes this fixture again whenever the kind changes (as a worker's tests alternate
    between kinds): the database itself is kept, not made and migrated again."""
    return migrated_databases(db_kind)


@pytest.fixture
def new_database(db_kind: str, tmp_path: Path) -> Callable[[], AbstractContextManager[str]]:
    """A factory of empty (unmigrated) databases of the current kind, for migration tests."""
    return lambda: empty_database(db_kind, tmp_path)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await empty_tables(engine)
        await engine.dispose()


@pytest.fixture
def clock() -> Clock:
    """The time every session (and so every service) sees; a test module that travels in
    time overrides this with a ManualClock."""
    return SYSTEM_CLOCK


@pytest.fixture
def context(clock: Clock) -> Context:
    """What the services are handed besides a session, as the app builder hands it: the test's
    clock (the very object, so a ManualClock the test moves is what the services see)."""
    # A catalog that checks the content version on every unit of work: tests change
    # content behind the bot's back and expect the very next update to see it.
    catalog = CatalogCache(refresh_seconds=0)
    # The achievement catalogue as a process keeps it: read once, here once per test.
    return Context(clock, catalog, AchievementCache())


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        yield session


@pytest.fixture
async def mysql_proxy(db_kind: str, database_url: str) -> AsyncIterator[TcpProxy]:
    """A TCP proxy in front of the test's MariaDB, for tests that refuse, drop or black-hole
    the database; SQLite has no connection to cut, so its half is skipped."""
    if db_kind != "mysql":
        pytest.skip("SQLite has no connection to cut")
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 3306)
    await proxy.start()
    yield proxy
    await proxy.close()


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    """A client of the tests' own Redis database (skipped without Redis, failed under CI)."""
    require_redis()
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        yield client
    finally:
        await client.aclose()
