"""The webhook server's parts on their own: the in-process de-duplication and `/healthz`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.middlewares.recent_updates import RecentUpdatesMiddleware
from bot.webhook import add_health_route
from db.engine import create_engine
from tests.e2e.process import free_port
from tests.support.databases import sqlite_url


def test_an_update_id_is_claimed_once_within_the_ttl() -> None:
    now = [0.0]
    recent = RecentUpdatesMiddleware(ttl=60, max_size=1000, clock=lambda: now[0])

    assert recent.claim(1)
    assert not recent.claim(1)
    assert recent.claim(2)
    now[0] = 61
    assert recent.claim(1), "forgotten after the ttl"
    assert list(recent.seen) == [1], "expired ids are dropped"


def test_the_remembered_ids_are_bounded() -> None:
    recent = RecentUpdatesMiddleware(ttl=3600, max_size=3)

    for update_id in range(10):
        assert recent.claim(update_id)

    assert len(recent.seen) == 3
    assert not recent.claim(9)
    assert recent.claim(0), "the oldest went first"


Probe = Callable[[AsyncEngine, "Redis | None"], Awaitable[tuple[int, object]]]


@pytest.fixture
async def probe() -> AsyncIterator[Probe]:
    """GET /healthz of a server built around the given engine and Redis client."""
    runners: list[web.AppRunner] = []

    async def get(engine: AsyncEngine, redis: Redis | None) -> tuple[int, object]:
        app = web.Application()
        add_health_route(app, engine, redis)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            return response.status, await response.json()

    yield get
    for runner in runners:
        await runner.cleanup()


async def test_healthz_is_200_when_the_database_answers(probe: Probe, tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path / "health.db"))
    try:
        assert await probe(engine, None) == (200, {"database": "ok", "redis": "off"})
    finally:
        await engine.dispose()


async def test_healthz_is_503_naming_what_is_down(probe: Probe) -> None:
    closed = free_port()  # nothing listens there
    engine = create_engine(f"mysql+aiomysql://bot@127.0.0.1:{closed}/learnbot")
    redis = Redis(host="127.0.0.1", port=closed, socket_connect_timeout=1)
    try:
        assert await probe(engine, redis) == (503, {"database": "down", "redis": "down"})
    finally:
        await redis.aclose()
        await engine.dispose()
