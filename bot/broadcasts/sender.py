"""The broadcast sender, a Worker: claim a short batch of deliveries, send each at the shared
pace, record each outcome, finish drained broadcasts and tell their admins. See
bot.services.broadcasts.deliveries for the claim rules and why delivery is at least once
across a crash."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import time
import uuid
from typing import TYPE_CHECKING, Any

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcasts.nudge import OutboxNudge
from bot.broadcasts.pace import SharedPace, Sleep, Timer
from bot.services.broadcasts import deliveries
from bot.services.broadcasts.deliveries import Claim, ClaimedRow, Finished
from bot.services.learners import LearnerCache
from bot.serving.bot_api import describe as describe_api
from bot.serving.bot_api import is_transport_error
from bot.views.broadcasts import Unsendable, delivery_message, report_message
from db.engine import database_health
from db.health import describe, is_unavailable

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod
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
# While the Bot API is unavailable every sender pauses this long, twice as long after each
# further try that finds it still away, up to the maximum; then one delivery tries it again.
OUTAGE_PAUSE_SECONDS, OUTAGE_PAUSE_MAX_SECONDS = 2.0, 30.0


class Sender:
    name = "broadcast sender"

    def __init__(
        self,
        *,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
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
        # The process's counters, not the sender's: they outlive a restart of this sender.
        self._metrics = metrics
        self._bot = bot
        self._sessionmaker = sessionmaker
        self._i18n = i18n
        self._pace = SharedPace(sessionmaker, rate, timer=timer, sleep=sleep)
        self._nudge = nudge or OutboxNudge()
        self._learner_cache = learner_cache
        self._lease_seconds = lease_seconds
        self._idle_seconds = idle_seconds
        self._stop_seconds = stop_seconds
        self._batch_size = batch_size or max(1, min(500, math.ceil(rate * BATCH_SECONDS)))
        self._batches = itertools.count(1)
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        # Outcomes being written after a send went through: they outlive a cancelled batch.
        self._recording: set[asyncio.Task[None]] = set()
        # Handed to a task but not yet tried: given back too if the batch is cut short.
        self._untried: dict[tuple[int, int], None] = {}
        self._outage_pause = OUTAGE_PAUSE_SECONDS
        # Since a send found the Bot API unavailable, until one goes through.
        self._api_away = False

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
        if self._recording:
            await asyncio.gather(*self._recording, return_exceptions=True)
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
                session, token, limit=self._batch_size, lease_seconds=self._lease_seconds
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
            logging.DEBUG if self._api_away else logging.INFO,
            "broadcast sender %s: %d claimed deliveries given back",
            self.id,
            released,
        )

    async def _deliver(self, delivery: ClaimedRow, claim: Claim) -> None:
        ids = (delivery.broadcast_id, delivery.user_id)
        if ids not in self._untried:
            return  # given back by a batch cut short before this task began: not ours now
        del self._untried[ids]
        try:
            method = self._render(delivery, claim)
        except Unsendable as exc:
            await self._record_error(delivery, claim.token, str(exc))
            return
        pauses = self._pace.pauses
        try:
            await self._bot(method)
        except TelegramRetryAfter as exc:
            log.warning(
                "broadcast %d: Telegram asked to pause %ss (user %d); every sender pauses",
                delivery.broadcast_id,
                exc.retry_after,
                delivery.user_id,
            )
            self._count("rate_limited")
            await self._pace.pause(exc.retry_after)
            async with self._sessionmaker() as session:
                await deliveries.release(session, claim.token, [ids])
            return
        except TelegramForbiddenError as exc:
            log.info(
                "broadcast %d: user %d cannot be reached (%s); marked inactive",
                *ids,
                exc.message,
            )
            self._count("blocked")
            async with self._sessionmaker() as session:
                await deliveries.record_blocked(session, *ids, exc.message)
            if self._learner_cache is not None:
                # Their next update (/start) then goes through registration, which makes them
                # active again; other processes' caches forget them within their TTL.
                self._learner_cache.forget(delivery.telegram_id)
            return
        except Exception as exc:
            if is_transport_error(exc):
                await self._unavailable(delivery, claim.token, exc, paused=pauses)
            elif isinstance(exc, TelegramAPIError):
                await self._record_error(delivery, claim.token, exc.message)
            else:
                # Whatever else the request met is retried like a network error, not left
                # claimed.
                await self._record_error(delivery, claim.token, f"{type(exc).__name__}: {exc}")
            return
        self._count("sent")
        self._outage_pause = OUTAGE_PAUSE_SECONDS
        self._api_away = False
        # Telegram has it: recorded even if this task is cancelled from now on.
        recording = asyncio.create_task(self._record_sent(*ids))
        self._recording.add(recording)
        recording.add_done_callback(self._recording.discard)
        await asyncio.shield(recording)

    async def _unavailable(
        self, delivery: ClaimedRow, token: str, exc: Exception, *, paused: int
    ) -> None:
        """The Bot API did not answer as one: no fault of this delivery's, so it costs no
        attempt (a long outage would use them all up and fail the broadcast). It goes back to
        pending, and every sender pauses, as for a 429, until a try finds the API back. The
        outage is logged once, by the Bot API's health: no line per delivery."""
        log.debug(
            "broadcast %d: user %d put off, the Bot API is unavailable: %s",
            delivery.broadcast_id,
            delivery.user_id,
            describe_api(exc),
        )
        self._count("error")
        self._api_away = True
        if self._pace.pauses == paused:
            # The first of the round to fail: the others sent beside it only give theirs back.
            await self._pace.pause(self._outage_pause)
            self._outage_pause = min(2 * self._outage_pause, OUTAGE_PAUSE_MAX_SECONDS)
        async with self._sessionmaker() as session:
            await deliveries.release(session, token, [(delivery.broadcast_id, delivery.user_id)])

    async def _record_sent(self, broadcast_id: int, user_id: int) -> None:
        async with self._sessionmaker() as session:
            await deliveries.record_sent(session, broadcast_id, user_id)

    def _count(self, result: str) -> None:
        if self._metrics is not None:
            self._metrics.broadcast_messages.labels(result).inc()

    async def _record_error(self, delivery: ClaimedRow, token: str, reason: str) -> None:
        self._count("error")
        async with self._sessionmaker() as session:
            gave_up = await deliveries.record_error(session, delivery, token, reason)
        log.log(
            logging.WARNING,
            "broadcast %d: sending to user %d failed (attempt %d%s): %s",
            delivery.broadcast_id,
            delivery.user_id,
            delivery.attempts + 1,
            ", giving up" if gave_up else ", will retry",
            deliveries.short_reason(reason),
        )

    def _render(self, delivery: ClaimedRow, claim: Claim) -> TelegramMethod[Any]:
        with self._i18n.context(), self._i18n.use_locale(self._language(delivery.language)):
            return delivery_message(delivery, claim.achievements)

    def _language(self, language: str | None) -> str:
        if language in self._i18n.available_locales:
            return language
        return self._i18n.default_locale

    async def _finish(self) -> None:
        async with self._sessionmaker() as session:
            finished = await deliveries.finish_broadcasts(session)
        for report in finished:
            await self._tell_admin(report)

    async def _tell_admin(self, report: Finished) -> None:
        log.info(
            "broadcast %d finished: %d sent, %d failed, %d blocked",
            report.broadcast_id,
            report.sent,
            report.failed,
            report.blocked,
        )
        if report.admin_telegram_id is None:
            return
        with self._i18n.context(), self._i18n.use_locale(self._language(report.admin_language)):
            message = report_message(report)
        try:
            await self._pace.turn(report.admin_telegram_id)
            await self._bot(message)
        except Exception as exc:
            # Told once or never: the report was taken by this process.
            log.warning(
                "broadcast %d: its admin %d could not be told: %s: %s",
                report.broadcast_id,
                report.admin_telegram_id,
                type(exc).__name__,
                deliveries.short_reason(str(exc)),
            )
