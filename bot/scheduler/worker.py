"""The scheduler as a Worker: an APScheduler 3 `AsyncIOScheduler` firing every job of the
job table on the event loop it is started on.

Each job fires every `job.every(settings)` seconds, at the middle of its slot (the trigger
starts half an interval after a slot boundary): the run's period is the slot holding the app
clock's time, so processes whose clocks are a little apart still agree on it. `max_instances=1`
keeps a slow run from overlapping the next in this process (the lock does so across
processes); `coalesce=True` makes runs missed while the loop was busy or the process asleep
one run; a run may start up to half an interval late, still inside its slot, and is otherwise
left to the next. APScheduler keeps its own time (the system's); the runs' periods and the
services' time come from the app's clock.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Settings
from bot.scheduler.jobs import JOBS, Job
from bot.scheduler.runner import JobRunner

if TYPE_CHECKING:
    from bot.database import Database

log = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SchedulerWorker:
    name = "scheduler"
    # It talks to the database only: `learnbot scheduler` needs no token for it.
    needs_telegram = False

    def __init__(
        self,
        settings: Settings,
        runner: JobRunner,
        *,
        jobs: tuple[Job, ...] = JOBS,
        stop_grace: float = 10.0,
        database: Database | None = None,
    ) -> None:
        """`database`: the runner's own, closed when the worker stops."""
        self.settings = settings
        self.runner = runner
        self.jobs = jobs
        self.stop_grace = stop_grace
        self.scheduler: AsyncIOScheduler | None = None
        self._in_flight: set[asyncio.Task[object]] = set()
        self._database = database

    def build(self) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(timezone=UTC)
        for job in self.jobs:
            every = job.every(self.settings)
            scheduler.add_job(
                self._fire,
                IntervalTrigger(
                    seconds=every, start_date=EPOCH + timedelta(seconds=every / 2), timezone=UTC
                ),
                args=[job, every],
                id=job.name,
                name=job.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, every // 2),
                replace_existing=True,
            )
        return scheduler

    async def start(self) -> None:
        self.scheduler = self.build()
        self.scheduler.start()

    async def stop(self) -> None:
        """No new runs; runs in flight get `stop_grace` seconds to finish, then are cancelled
        (a cancelled rebuild rolls back: readers keep the board they had)."""
        if self.scheduler is not None:
            self.scheduler.pause()
            if self._in_flight:
                log.info(
                    "waiting up to %.0f s for %d job run(s)", self.stop_grace, len(self._in_flight)
                )
                await asyncio.wait(self._in_flight, timeout=self.stop_grace)
            self.scheduler.shutdown(wait=False)
            # APScheduler shuts down from the loop (call_soon_threadsafe): let it run.
            await asyncio.sleep(0)
            self.scheduler = None
        if self._database is not None:
            await self._database.close()
            self._database = None

    async def _fire(self, job: Job, every: int) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._in_flight.add(task)
        try:
            await self.runner.run_scheduled(job, every)
        except Exception as exc:
            # The lock or the run's record failed: the next run may not, and APScheduler's own
            # log would not say which job's period it was. The database being away is logged
            # once by its health (and the run's row says it failed).
            if self.runner.outage(exc):
                log.debug("job %s could not run: the database is unavailable", job.name)
            else:
                log.exception("job %s could not run", job.name)
        finally:
            self._in_flight.discard(task)
