"""A database outage met by the broadcast sender and the scheduled jobs is logged as the
serving path logs it: one WARNING when it begins, one line when it ends, no line per round
tried meanwhile and no traceback (it is not a bug).

MariaDB/MySQL only: the database sits behind a TCP proxy the test controls.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.scheduler.jobs import Job
from bot.scheduler.runner import JobRunner
from bot.scheduler.worker import SchedulerWorker
from bot.services.context import Context
from bot.serving.local_api import LocalBotSession
from db.clock import ManualClock
from db.engine import create_engine, create_sessionmaker
from db.enums import JobStatus
from tests.support.health import health_of
from tests.support.outbox import make_sender
from tests.support.tcp_proxy import TcpProxy

EVERY = 300
WITHIN = 15.0


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 4, 12, tzinfo=UTC))


@pytest.fixture
async def proxied(
    database_url: str, mysql_proxy: TcpProxy, engine: AsyncEngine
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions reaching the database through the proxy; `engine` empties the tables after."""
    url = make_url(database_url).set(host="127.0.0.1", port=mysql_proxy.port)
    engine = create_engine(url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


async def until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(WITHIN):
        while not condition():  # noqa: ASYNC110 (plain state, nothing to await)
            await asyncio.sleep(0.02)


def assert_one_outage(caplog: pytest.LogCaptureFixture) -> None:
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.getMessage().split(" (")[0]) for r in loud] == [
        ("db.health", "database unavailable")
    ], [r.getMessage() for r in loud]
    back = [r.getMessage() for r in caplog.records if "reachable again" in r.getMessage()]
    assert len(back) == 1, back
    assert not [r for r in caplog.records if r.exc_info], "an outage is not a bug: no traceback"


async def test_the_sender_logs_a_database_outage_once_not_per_round(
    proxied: async_sessionmaker[AsyncSession],
    mysql_proxy: TcpProxy,
    caplog: pytest.LogCaptureFixture,
    context: Context,
) -> None:
    caplog.set_level(logging.INFO)
    health = health_of(proxied)
    sender = make_sender(proxied, LocalBotSession(), context, real_time=True, idle_seconds=0.05)
    await sender.start()
    try:
        await mysql_proxy.refuse()
        # Many rounds fail meanwhile (each used to log a WARNING of its own).
        await until(lambda: health.failures >= 5)
        await mysql_proxy.restore()
        await until(lambda: not health.down)
    finally:
        await sender.stop()

    assert_one_outage(caplog)


async def test_jobs_log_a_database_outage_once_not_per_run(
    proxied: async_sessionmaker[AsyncSession],
    mysql_proxy: TcpProxy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cut_during_the_run = True

    async def query(session: AsyncSession, context: Context, settings: Settings) -> int:
        nonlocal cut_during_the_run
        if cut_during_the_run:
            # The outage begins while the run holds its lock and its session.
            cut_during_the_run = False
            await mysql_proxy.refuse()
        await session.execute(text("SELECT 1"))
        return 1

    job = Job("probe", every=lambda settings: EVERY, run=query)
    runner = JobRunner(
        proxied.kw["bind"], proxied, Context(ManualClock()), Settings(_env_file=None)
    )
    worker = SchedulerWorker(Settings(_env_file=None), runner, jobs=(job,))
    caplog.set_level(logging.INFO)

    first = await runner.run_by_hand(job)  # the run the outage cuts into
    for _ in range(3):
        # As the scheduler fires it: the lock cannot be taken, the database is away.
        await worker._fire(job, EVERY)
    await mysql_proxy.restore()
    last = await runner.run_by_hand(job)

    assert first.status is JobStatus.FAILED
    assert first.reason is not None and first.reason.startswith("database unavailable: ")
    assert last.status is JobStatus.OK
    assert health_of(proxied).failures == 0, "the outage ended with the run that went through"
    assert_one_outage(caplog)
