"""What `GET /metrics` tells an operator, in the Prometheus text format.

One `Metrics` per process, made by the app builder and handed to whatever counts: the update
middleware, the broadcast sender and the job runner write into its registry, so a counter lives
as long as the process and is never reset by a worker restarting. The figures that live in the
database (the outbox, the leaderboard's age) and the connection pools are read when a scrape
asks for them. No label ever holds a learner, a token or a message: handlers, outcomes, jobs,
statuses and pool names only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from db.enums import DeliveryStatus

if TYPE_CHECKING:
    from aiohttp import web
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

    from db.clock import Clock
    from db.repositories.monitoring import Figures

log = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
# The database's figures are read at most this often, however many scrapers ask...
FIGURES_MAX_AGE_SECONDS = 5.0
# ...and a database that takes longer than this is reported as not answering, not waited for.
FIGURES_TIMEOUT_SECONDS = 2.0
JOB_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        r = self.registry
        self.updates = Counter(
            "learnbot_updates",
            "Updates handled, by the handler that took them and how they ended",
            ["handler", "outcome"],
            registry=r,
        )
        self.update_seconds = Histogram(
            "learnbot_update_duration_seconds",
            "Time from an update's arrival to the end of its handling",
            registry=r,
        )
        self.updates_in_flight = Gauge(
            "learnbot_updates_in_flight", "Updates being handled now", registry=r
        )
        self.broadcast_messages = Counter(
            "learnbot_broadcast_messages",
            "Broadcast and reminder messages this process tried to send, by result "
            "(sent, blocked, error, rate_limited)",
            ["result"],
            registry=r,
        )
        self.job_runs = Counter(
            "learnbot_job_runs",
            "Scheduled job runs, by job and result (ok, failed, skipped)",
            ["job", "result"],
            registry=r,
        )
        self.job_seconds = Histogram(
            "learnbot_job_duration_seconds",
            "How long a job's run took (runs that ran: ok or failed)",
            ["job"],
            buckets=JOB_BUCKETS,
            registry=r,
        )
        self._pools = PoolCollector()
        r.register(self._pools)
        self._database = DatabaseFigures()
        r.register(self._database)

    def observe_update(self, handler: str | None, outcome: str, seconds: float) -> None:
        self.updates.labels(handler or "none", outcome).inc()
        self.update_seconds.observe(seconds)

    def observe_job(self, job: str, result: str, seconds: float | None) -> None:
        self.job_runs.labels(job, result).inc()
        if seconds is not None:
            self.job_seconds.labels(job).observe(seconds)

    def watch_pool(self, name: str, engine: AsyncEngine) -> None:
        """Report `engine`'s checked-out connections as pool `name` from now on."""
        self._pools.engines[name] = engine

    def read_database_with(
        self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
    ) -> None:
        """Where the scrape reads the outbox and the leaderboard's age."""
        self._database.source = (sessionmaker, clock)

    async def exposition(self) -> bytes:
        await self._database.refresh()
        return generate_latest(self.registry)


class PoolCollector(Collector):
    """Connections checked out of each watched pool, read at the moment of the scrape."""

    def __init__(self) -> None:
        self.engines: dict[str, AsyncEngine] = {}

    def collect(self) -> Iterator[Metric]:
        checked_out = GaugeMetricFamily(
            "learnbot_db_pool_checked_out_connections",
            "Database connections in use, by pool (serving: updates; jobs: the scheduler)",
            labels=["pool"],
        )
        for name, engine in self.engines.items():
            count = getattr(engine.sync_engine.pool, "checkedout", None)
            if count is not None:  # pools that hold no count (SQLite in memory) say nothing
                checked_out.add_metric([name], float(count()))
        yield checked_out


@dataclass(slots=True)
class _Snapshot:
    figures: Figures | None
    taken: float
    leaderboard_age: float | None


class DatabaseFigures(Collector):
    """The outbox and the leaderboard's age, read by one short unit of work per scrape (at most
    one every FIGURES_MAX_AGE_SECONDS). A database that does not answer in time makes
    `learnbot_metrics_database_up` 0 and leaves the figures out, rather than repeating old ones
    or holding the scrape."""

    def __init__(self) -> None:
        self.source: tuple[async_sessionmaker[AsyncSession], Clock] | None = None
        self._snapshot: _Snapshot | None = None
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        if self.source is None:
            return
        from db.repositories.monitoring import figures

        sessionmaker, clock = self.source
        loop = asyncio.get_running_loop()
        async with self._lock:  # scrapes at once share one read
            if self._snapshot and loop.time() - self._snapshot.taken < FIGURES_MAX_AGE_SECONDS:
                return
            try:
                async with asyncio.timeout(FIGURES_TIMEOUT_SECONDS), sessionmaker() as session:
                    read: Figures | None = await figures(session)
            except Exception as exc:
                log.warning("metrics: the database's figures could not be read: %s", exc)
                read = None
            age = None
            if read is not None and read.leaderboard_built_at is not None:
                age = max(0.0, (clock.now() - read.leaderboard_built_at).total_seconds())
            self._snapshot = _Snapshot(read, loop.time(), age)

    def collect(self) -> Iterator[Metric]:
        if self.source is None:
            return
        snapshot = self._snapshot
        up = GaugeMetricFamily(
            "learnbot_metrics_database_up",
            "1 when the database answered this scrape's reads (the outbox, the leaderboard)",
        )
        up.add_metric([], 1.0 if snapshot and snapshot.figures else 0.0)
        yield up
        if snapshot is None or snapshot.figures is None:
            return
        outbox = GaugeMetricFamily(
            "learnbot_outbox_deliveries",
            "Deliveries of the broadcasts still going out, by status "
            "(pending and sending are the backlog)",
            labels=["status"],
        )
        for status in DeliveryStatus:
            outbox.add_metric([status.value], float(snapshot.figures.outbox.get(status, 0)))
        yield outbox
        if snapshot.leaderboard_age is not None:
            yield GaugeMetricFamily(
                "learnbot_leaderboard_age_seconds",
                "Seconds since the leaderboard learners see was built",
                value=snapshot.leaderboard_age,
            )


def add_metrics_route(app: web.Application, metrics: Metrics) -> None:
    """`GET /metrics` on a server that already answers /healthz."""
    from aiohttp import web

    async def exposition(request: web.Request) -> web.Response:
        body = await metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app.router.add_get(METRICS_PATH, exposition)
