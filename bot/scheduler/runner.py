"""One run of one job, once across processes: take the job's lock, claim the period in
`job_runs`, call the service, record how it ended.

Both guards are needed. The lock keeps two processes from running a job at the same moment
(and is all a run by hand has); the period's row, UNIQUE per (job, period_key), keeps a
second scheduler that fires just after the first run finished from running the period again.

A run that finds the lock held, or its period claimed, is skipped without a row of its own:
the period's row already says who ran it, and a skipped row could not carry the period's key
(the key is unique), so it would only add a row per process per interval that tells nothing
the log does not.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.scheduler.jobs import Job
from bot.scheduler.lock import job_lock
from bot.services.context import Context
from bot.services.job_runs import claim_run, finish_run
from db.engine import database_health
from db.enums import JobStatus
from db.health import describe, is_unavailable

if TYPE_CHECKING:
    from bot.serving.metrics import Metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    job: str
    status: JobStatus
    period_key: str | None
    rows: int | None = None
    seconds: float | None = None
    # Why it was skipped or how it failed.
    reason: str | None = None

    def describe(self) -> str:
        if self.status is JobStatus.OK:
            return f"{self.job}: {self.rows} rows in {self.seconds:.2f} s"
        return f"{self.job}: {self.status.value} ({self.reason})"


def period_key(now: datetime, every_seconds: int) -> str:
    """The start of the slot of `every_seconds` holding `now`, as a UTC timestamp."""
    start = int(now.timestamp()) // every_seconds * every_seconds
    return datetime.fromtimestamp(start, UTC).strftime("%Y-%m-%dT%H:%M:%S")


class JobRunner:
    def __init__(
        self,
        engine: AsyncEngine,
        sessionmaker: async_sessionmaker[AsyncSession],
        context: Context,
        settings: Settings,
        *,
        metrics: Metrics | None = None,
    ) -> None:
        self.engine = engine
        self.sessionmaker = sessionmaker
        self.context = context
        self.clock = context.clock
        self.settings = settings
        self.metrics = metrics

    async def run_scheduled(self, job: Job, every_seconds: int) -> Outcome:
        return self._counted(await self._run(job, period_key(self.clock.now(), every_seconds)))

    async def run_by_hand(self, job: Job) -> Outcome:
        return self._counted(await self._run(job, None))

    def _counted(self, outcome: Outcome) -> Outcome:
        if self.metrics is not None:
            self.metrics.observe_job(outcome.job, outcome.status.value, outcome.seconds)
        return outcome

    async def _run(self, job: Job, period: str | None) -> Outcome:
        async with job_lock(self.engine, job.name) as held:
            if not held:
                log.info(
                    "job %s (period %s) skipped: another process is running it", job.name, period
                )
                return Outcome(
                    job.name, JobStatus.SKIPPED, period, reason="another process is running it"
                )
            async with self.sessionmaker() as session:
                run_id = await claim_run(session, self.context, job.name, period)
            if run_id is None:
                log.info("job %s (period %s) skipped: the period has run already", job.name, period)
                return Outcome(
                    job.name, JobStatus.SKIPPED, period, reason="the period has run already"
                )
            return await self._call(job, period, run_id)

    async def _call(self, job: Job, period: str | None, run_id: int) -> Outcome:
        started = time.perf_counter()
        try:
            async with self.sessionmaker() as session:
                rows = await job.run(session, self.context, self.settings)
        except Exception as exc:
            seconds = time.perf_counter() - started
            if self.outage(exc):
                reason = f"database unavailable: {describe(exc)}"
                log.debug(
                    "job %s (period %s, run %s) failed after %.2f s: %s",
                    job.name,
                    period,
                    run_id,
                    seconds,
                    reason,
                )
            else:
                log.exception(
                    "job %s (period %s, run %s) failed after %.2f s",
                    job.name,
                    period,
                    run_id,
                    seconds,
                )
                reason = f"{type(exc).__name__}: {exc}"
            await self._finish(run_id, JobStatus.FAILED, details=reason)
            return Outcome(job.name, JobStatus.FAILED, period, seconds=seconds, reason=reason)
        self.database_answered()
        seconds = time.perf_counter() - started
        await self._finish(run_id, JobStatus.OK, rows=rows)
        log.info(
            "job %s (period %s, run %s): %d rows in %.2f s", job.name, period, run_id, rows, seconds
        )
        return Outcome(job.name, JobStatus.OK, period, rows=rows, seconds=seconds)

    async def _finish(
        self, run_id: int, status: JobStatus, *, rows: int | None = None, details: str | None = None
    ) -> None:
        try:
            async with self.sessionmaker() as session:
                await finish_run(session, self.context, run_id, status, rows=rows, details=details)
        except Exception as exc:
            # The run is over either way; its row stays "running", and the next run goes on.
            if self.outage(exc):
                log.debug(
                    "job run %s could not be recorded as %s: database unavailable",
                    run_id,
                    status.value,
                )
            else:
                log.exception("job run %s could not be recorded as %s", run_id, status.value)

    def outage(self, error: BaseException) -> bool:
        """Whether `error` is the database being away: then the database's health logs the
        outage once (and its end), and the job's own line says only that it was hit."""
        if not is_unavailable(error):
            return False
        health = database_health(self.sessionmaker)
        if health is not None:
            health.failed(error)
        return True

    def database_answered(self) -> None:
        health = database_health(self.sessionmaker)
        if health is not None:
            health.ok()
