"""The broadcast sender, a Worker: claim a short batch of deliveries, send each at the shared
pace (bot.broadcasts.courier sends one and records its outcome), finish drained broadcasts and
tell their admins. See bot.services.broadcasts.deliveries for the claim rules and why delivery
is at least once across a crash."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import time
import uuid
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcasts.courier import Courier
from bot.broadcasts.nudge import OutboxNudge
from bot.broadcasts.pace import SharedPace, Sleep, Timer
from bot.services.broadcasts import deliveries
from bot.services.broadcasts.deliveries import Claim, ClaimedRow
from bot.services.context import Context
from bot.services.learners import LearnerCache
from db.engine import database_health
from db.health import describe, is_unavailable

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.utils.i18n import I18n

    from bot.serving.metrics import Metrics

log = logging.getLogger(__name__)

# A claim not confirmed for this long belongs to a sender that died: it is taken again.
DEFAULT_LEASE_SECONDS = 60.0
# How often an idle sender looks for work enqueued by other processes.
IDLE_SECONDS = 2.0
# Requests in flight at once: enough to keep the rate when Telegram answers slowly.
CONCURRENCY = 8
# A batch is about this many seconds of sending, so claims stay far inside the lease.
BATCH_SECONDS = 2.0


class Sender:
    name = "broadcast sender"

    def __init__(
        self,
        *,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        context: Context,
        i18n: I18n,
        rate: float,
        nudge: OutboxNudge | None = None,
        learner_cache: LearnerCache | None = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        idle_seconds: float = IDLE_SECONDS,
        stop_seconds: float = 10.0,
        batch_size: int | None = None,
        timer: Timer = time.time,
        sleep: Sleep = asyncio.sleep,
        metrics: Metrics | None = None,
    ) -> None:
        self.id = uuid.uuid4().hex[:12]
        self._sessionmaker = sessionmaker
        self._context = context
        self._pace = SharedPace(sessionmaker, rate, timer=timer, sleep=sleep)
        self._courier = Courier(
            bot=bot,
            sessionmaker=sessionmaker,
            context=context,
            i18n=i18n,
            pace=self._pace,
            learner_cache=learner_cache,
            metrics=metrics,
        )
        self._nudge = nudge or OutboxNudge()
        self._lease_seconds = lease_seconds
        self._idle_seconds = idle_seconds
        self._stop_seconds = stop_seconds
        self._batch_size = batch_size or max(1, min(500, math.ceil(rate * BATCH_SECONDS)))
        self._batches = itertools.count(1)
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        # Handed to a task but not yet tried: given back too if the batch is cut short.
        self._untried: dict[tuple[int, int], None] = {}

    # The Worker protocol
    async def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=f"sender-{self.id}")
        log.info("broadcast sender %s started", self.id)

    async def stop(self) -> None:
        """Let the sends in flight finish and be recorded, give back the rest of the batch;
        cut short after `stop_seconds` (what was in flight then is left to the lease)."""
        self._stopping = True
        self._nudge.set()
        if self._task is not None:
            try:
                async with asyncio.timeout(self._stop_seconds):
                    await asyncio.shield(self._task)
            except TimeoutError:
                log.warning("broadcast sender %s did not finish in time; cancelled", self.id)
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        await self._courier.settle()
        log.info("broadcast sender %s stopped", self.id)

    def nudge(self) -> None:
        """Something was enqueued: look now rather than at the next idle poll."""
        self._nudge.set()

    async def _run(self) -> None:
        while not self._stopping:
            health = database_health(self._sessionmaker)
            try:
                worked = await self.drain_once()
            except Exception as exc:
                if is_unavailable(exc):
                    # An outage is expected to pass: the database's health logs one line when
                    # it begins and one when it ends, not one per round tried meanwhile.
                    if health is not None:
                        health.failed(exc)
                    else:
                        log.debug("broadcast sender %s: %s", self.id, describe(exc))
                else:
                    log.exception("broadcast sender %s: a round failed; trying again", self.id)
                worked = False
            else:
                if health is not None:
                    health.ok()
            if not worked and not self._stopping:
                await self._nudge.wait(self._idle_seconds)

    async def drain(self) -> None:
        """Send until nothing is due now (tests)."""
        while await self.drain_once():
            pass

    async def drain_once(self) -> bool:
        """One batch: claim, send, record, finish; False when there was nothing to claim."""
        await self._pace.until_unpaused()
        token = f"{self.id}:{next(self._batches)}"
        async with self._sessionmaker() as session:
            claim = await deliveries.claim(
                session,
                self._context,
                token,
                limit=self._batch_size,
                lease_seconds=self._lease_seconds,
            )
        if claim.skipped_inactive:
            log.info(
                "broadcast sender %s: %d deliveries to inactive learners skipped",
                self.id,
                claim.skipped_inactive,
            )
        if claim.deliveries:
            await self._send_batch(claim)
        await self._finish()
        return bool(claim.deliveries or claim.skipped_inactive)

    async def _send_batch(self, claim: Claim) -> None:
        waiting = list(claim.deliveries)
        self._untried.clear()
        in_flight: set[asyncio.Task[None]] = set()
        room = asyncio.Semaphore(CONCURRENCY)
        pauses = self._pace.pauses
        try:
            while waiting and not self._stopping and self._pace.pauses == pauses:
                await room.acquire()
                try:
                    await self._pace.turn(waiting[0].telegram_id)
                except BaseException:
                    room.release()
                    raise
                if self._stopping or self._pace.pauses != pauses:
                    room.release()
                    break
                delivery = waiting.pop(0)
                self._untried[delivery.broadcast_id, delivery.user_id] = None
                task = asyncio.create_task(self._deliver(delivery, claim))
                task.add_done_callback(lambda _: room.release())
                in_flight.add(task)
            if in_flight:
                await asyncio.gather(*in_flight)
        finally:
            # Given back at once, so another sender can take them while this one waits.
            # Taken out of `_untried` before any await: a task not begun yet then stands down.
            keys = [(d.broadcast_id, d.user_id) for d in waiting] + list(self._untried)
            self._untried.clear()
            if keys:
                await asyncio.shield(self._release(claim.token, keys))

    async def _release(self, token: str, keys: list[tuple[int, int]]) -> None:
        async with self._sessionmaker() as session:
            released = await deliveries.release(session, token, keys)
        log.log(
            # Each pause of an outage gives a batch back: the outage's own lines say it.
            logging.DEBUG if self._courier.api_away else logging.INFO,
            "broadcast sender %s: %d claimed deliveries given back",
            self.id,
            released,
        )

    async def _deliver(self, delivery: ClaimedRow, claim: Claim) -> None:
        ids = (delivery.broadcast_id, delivery.user_id)
        if ids not in self._untried:
            return  # given back by a batch cut short before this task began: not ours now
        del self._untried[ids]
        await self._courier.deliver(delivery, claim)

    async def _finish(self) -> None:
        async with self._sessionmaker() as session:
            finished = await deliveries.finish_broadcasts(session, self._context)
        for report in finished:
            await self._courier.tell_admin(report)
