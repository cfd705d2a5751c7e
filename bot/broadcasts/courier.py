"""The sender's hands: one claimed delivery rendered in its learner's language, sent, and what
became of it recorded (sent, blocked, an error to try again, or the Bot API away: no attempt
counted); and an admin told their broadcast finished. The batch around it is bot.broadcasts.sender.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcasts.pace import SharedPace
from bot.services.broadcasts import deliveries
from bot.services.broadcasts.deliveries import Claim, ClaimedRow, Finished
from bot.services.context import Context
from bot.services.learners import LearnerCache
from bot.serving.bot_api import describe as describe_api
from bot.serving.bot_api import is_transport_error
from bot.views.broadcasts import Unsendable, delivery_message, report_message

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod
    from aiogram.utils.i18n import I18n

    from bot.serving.metrics import Metrics

log = logging.getLogger(__name__)

# While the Bot API is unavailable every sender pauses this long, twice as long after each
# further try that finds it still away, up to the maximum; then one delivery tries it again.
OUTAGE_PAUSE_SECONDS, OUTAGE_PAUSE_MAX_SECONDS = 2.0, 30.0


class Courier:
    def __init__(
        self,
        *,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        context: Context,
        i18n: I18n,
        pace: SharedPace,
        learner_cache: LearnerCache | None,
        metrics: Metrics | None,
    ) -> None:
        self._bot = bot
        self._sessionmaker = sessionmaker
        self._context = context
        self._i18n = i18n
        self._pace = pace
        self._learner_cache = learner_cache
        # The process's counters, not the sender's: they outlive a restart of this sender.
        self._metrics = metrics
        # Outcomes being written after a send went through: they outlive a cancelled batch.
        self._recording: set[asyncio.Task[None]] = set()
        self._outage_pause = OUTAGE_PAUSE_SECONDS
        # Since a send found the Bot API unavailable, until one goes through.
        self.api_away = False

    async def settle(self) -> None:
        """Until every outcome of a send that went through is written."""
        if self._recording:
            await asyncio.gather(*self._recording, return_exceptions=True)

    async def deliver(self, delivery: ClaimedRow, claim: Claim) -> None:
        ids = (delivery.broadcast_id, delivery.user_id)
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
        self.api_away = False
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
        self.api_away = True
        if self._pace.pauses == paused:
            # The first of the round to fail: the others sent beside it only give theirs back.
            await self._pace.pause(self._outage_pause)
            self._outage_pause = min(2 * self._outage_pause, OUTAGE_PAUSE_MAX_SECONDS)
        async with self._sessionmaker() as session:
            await deliveries.release(session, token, [(delivery.broadcast_id, delivery.user_id)])

    async def _record_sent(self, broadcast_id: int, user_id: int) -> None:
        async with self._sessionmaker() as session:
            await deliveries.record_sent(session, self._context, broadcast_id, user_id)

    def _count(self, result: str) -> None:
        if self._metrics is not None:
            self._metrics.broadcast_messages.labels(result).inc()

    async def _record_error(self, delivery: ClaimedRow, token: str, reason: str) -> None:
        self._count("error")
        async with self._sessionmaker() as session:
            gave_up = await deliveries.record_error(session, self._context, delivery, token, reason)
        log.warning(
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

    async def tell_admin(self, report: Finished) -> None:
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
