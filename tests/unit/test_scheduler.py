"""Scheduled jobs run once across processes: the lock and the period's row, on MariaDB with
two engines (two processes' pools) and on SQLite in one process; a failing run is recorded and
the next one runs; the scheduler worker is built from the settings and the job table."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_app, build_workers
from bot.config import Settings
from bot.scheduler.jobs import JOBS, Job, job_named
from bot.scheduler.runner import JobRunner, period_key
from bot.scheduler.worker import SchedulerWorker
from bot.services.context import Context
from db.clock import ManualClock
from db.engine import create_engine, create_sessionmaker
from db.enums import ActivityType, JobStatus, LeaderboardPeriod
from db.models import JobRun
from tests.support.chat import database_of
from tests.support.leaderboard import add_learners, add_ledger, current_board

NOW = datetime(2026, 3, 4, 12, 2, 30, tzinfo=UTC)
EVERY = 300


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
async def other_process(
    database_url: str, clock: ManualClock
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """What a second scheduler process has: an engine (a pool of connections) of its own."""
    engine = create_engine(database_url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


def runner_of(sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock) -> JobRunner:
    return JobRunner(
        sessionmaker.kw["bind"], sessionmaker, Context(clock), Settings(_env_file=None)
    )


async def job_runs(engine: AsyncEngine) -> list[tuple[str, str | None, JobStatus, int | None]]:
    query = select(JobRun.job, JobRun.period_key, JobRun.status, JobRun.rows).order_by(JobRun.id)
    async with engine.connect() as conn:
        return [tuple(row) for row in await conn.execute(query)]


def test_a_period_is_the_slot_holding_the_time() -> None:
    assert period_key(NOW, EVERY) == "2026-03-04T12:00:00"
    assert period_key(NOW + timedelta(minutes=2, seconds=29), EVERY) == "2026-03-04T12:00:00"
    assert period_key(NOW + timedelta(minutes=2, seconds=30), EVERY) == "2026-03-04T12:05:00"
    assert period_key(NOW, 3600) == "2026-03-04T12:00:00"


async def test_two_schedulers_firing_at_once_rebuild_the_board_once(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    other_process: async_sessionmaker[AsyncSession],
    clock: ManualClock,
) -> None:
    await add_learners(engine, {1: "Bob", 2: "Cy"}, NOW)
    await add_ledger(engine, [(1, ActivityType.LESSON_COMPLETED, 10, NOW)])
    first, second = runner_of(sessionmaker, clock), runner_of(other_process, clock)
    leaderboard = job_named("leaderboard")

    outcomes = await asyncio.gather(
        first.run_scheduled(leaderboard, EVERY), second.run_scheduled(leaderboard, EVERY)
    )
    # The other one fires a moment later, once the first has finished: the period's row stops it.
    late = await second.run_scheduled(leaderboard, EVERY)

    assert sorted(o.status for o in outcomes) == [JobStatus.OK, JobStatus.SKIPPED]
    assert late.status is JobStatus.SKIPPED
    assert late.reason == "the period has run already"
    assert await job_runs(engine) == [("leaderboard", "2026-03-04T12:00:00", JobStatus.OK, 2)]
    assert await current_board(engine, LeaderboardPeriod.ALL_TIME) == [(1, 1, 1, 10, 1, 0)]

    clock.advance(seconds=EVERY)
    assert (await second.run_scheduled(leaderboard, EVERY)).status is JobStatus.OK
    assert [r[1] for r in await job_runs(engine)] == ["2026-03-04T12:00:00", "2026-03-04T12:05:00"]


async def test_a_run_is_skipped_while_another_process_holds_the_jobs_lock(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    other_process: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow(session: AsyncSession, context: Context, settings: Settings) -> int:
        entered.set()
        await release.wait()
        return 3

    job = Job("slow", every=lambda settings: EVERY, run=slow)
    # By hand: no period, so only the lock can stop the second run.
    running = asyncio.create_task(runner_of(sessionmaker, clock).run_by_hand(job))
    await entered.wait()
    with caplog.at_level(logging.INFO, logger="bot.scheduler.runner"):
        skipped = await runner_of(other_process, clock).run_by_hand(job)
    release.set()
    done = await running

    assert skipped.status is JobStatus.SKIPPED
    assert skipped.reason == "another process is running it"
    assert "job slow (period None) skipped: another process is running it" in caplog.messages
    assert done.status is JobStatus.OK and done.rows == 3
    assert await job_runs(engine) == [("slow", None, JobStatus.OK, 3)]
    # Released: the next run by hand takes the lock.
    release.set()
    assert (await runner_of(other_process, clock).run_by_hand(job)).status is JobStatus.OK


async def test_a_failing_run_is_recorded_and_the_next_one_runs(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls = 0

    async def flaky(session: AsyncSession, context: Context, settings: Settings) -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("the ledger is unreadable")
        return 7

    job = Job("flaky", every=lambda settings: EVERY, run=flaky)
    runner = runner_of(sessionmaker, clock)

    with caplog.at_level(logging.ERROR, logger="bot.scheduler.runner"):
        failed = await runner.run_scheduled(job, EVERY)
    clock.advance(seconds=EVERY)
    ok = await runner.run_scheduled(job, EVERY)

    assert failed.status is JobStatus.FAILED
    assert failed.reason == "RuntimeError: the ledger is unreadable"
    [record] = caplog.records
    assert record.getMessage().startswith("job flaky (period 2026-03-04T12:00:00, run ")
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert ok.status is JobStatus.OK and ok.rows == 7
    assert await job_runs(engine) == [
        ("flaky", "2026-03-04T12:00:00", JobStatus.FAILED, None),
        ("flaky", "2026-03-04T12:05:00", JobStatus.OK, 7),
    ]
    async with engine.connect() as conn:
        details = (await conn.execute(select(JobRun.details).order_by(JobRun.id))).scalars()
        assert list(details) == ["RuntimeError: the ledger is unreadable", None]


def settings_for(database_url: str) -> Settings:
    return Settings(
        _env_file=None, database_url=database_url, bot_token=None, leaderboard_refresh_seconds=60
    )


async def test_run_without_the_scheduler_builds_no_scheduler(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    app = build_app(settings_for(database_url), database=database_of(sessionmaker, context))
    try:
        assert not [w for w in build_workers(app, scheduler=False) if w.name == "scheduler"]
        [worker] = [w for w in build_workers(app, scheduler=True) if w.name == "scheduler"]
    finally:
        await app.close()
    assert isinstance(worker, SchedulerWorker)
    assert worker.runner.clock is app.clock
    # Its own pool on the same database: without the serving process's time limits.
    assert worker.runner.engine is not app.database.engine
    assert worker.runner.engine.url == app.database.engine.url
    await worker.stop()


async def test_the_scheduler_fires_every_job_of_the_table_once_at_a_time(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], clock: ManualClock
) -> None:
    worker = SchedulerWorker(settings_for(database_url), runner_of(sessionmaker, clock))
    await worker.start()
    try:
        assert worker.scheduler is not None and worker.scheduler.running
        jobs = {job.id: job for job in worker.scheduler.get_jobs()}
        assert set(jobs) == {job.name for job in JOBS}
        board = jobs["leaderboard"]
        assert board.max_instances == 1
        assert board.coalesce is True
        assert board.misfire_grace_time == 30
        assert board.trigger.interval == timedelta(seconds=60)
        # Fired in the middle of a slot, so clocks a little apart agree on the period.
        assert board.next_run_time.timestamp() % 60 == 30
    finally:
        await worker.stop()
    assert worker.scheduler is None


def test_the_scheduler_command_asks_for_a_token_only_for_workers_that_talk_to_telegram() -> None:
    from bot.cli.scheduler import needs_telegram

    class Sender:
        name = "broadcast sender"

        async def start(self) -> None: ...

        async def stop(self) -> None: ...

    scheduler = SchedulerWorker(settings_for("sqlite+aiosqlite://"), runner_of_nothing())
    assert not needs_telegram(scheduler)
    # A worker that does not say is taken to need it.
    assert needs_telegram(Sender())


def runner_of_nothing() -> JobRunner:
    engine = create_engine("sqlite+aiosqlite://")
    return JobRunner(
        engine, create_sessionmaker(engine), Context(ManualClock(NOW)), Settings(_env_file=None)
    )
