"""Each update takes effect once across every instance sharing Redis, and none is lost to a crash.

Telegram delivers an update again when a webhook answer came late or not at all (behind a load
balancer the retry may reach another instance), and the poller gets back every update it had
not confirmed when the process stopped. The first to claim an update id handles it; the claim
says how far that got:

- `claim:<token>`, a lease of LEASE_SECONDS while the update is being handled, renewed while a
  long one runs. A process that is killed stops renewing, so its claim soon runs out and the
  redelivery is handled.
- `done`, for DONE_SECONDS, once the update was handled: a redelivery is a duplicate, skipped.
- no key: never claimed, or handed back because handling failed or was cancelled (the grace
  period at shutdown ran out), so the redelivery is handled. A domain error ("gone", "stale")
  is no failure: it is the update's answer, and the update counts as handled.

The handlers' writes are idempotent, so an update whose effect was committed before its claim
became final (a crash between the two) is handled again without taking effect twice.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.middlewares.update_log import note_outcome
from bot.services.errors import DomainError
from bot.serving.redis_support import RedisHealth

log = logging.getLogger(__name__)

# Covers a normal update several times over; a longer one renews it every third of it.
LEASE_SECONDS = 10.0
# Telegram retries an unanswered webhook update for far less than this.
DONE_SECONDS = 3600
# How often a waiting redelivery looks at the other claim again.
RECHECK_SECONDS = 0.2

CLAIM_PREFIX = "claim:"
DONE = "done"

# 1: claimed now; 0: someone's lease is running; -1: handled already. `done`, and any value
# that is no lease (a claim written before leases existed), is final.
_CLAIM = """
local value = redis.call('GET', KEYS[1])
if not value then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if string.sub(value, 1, string.len(ARGV[3])) == ARGV[3] then
  return 0
end
return -1
"""
# Each of these changes the key only while it still holds our token: a lease that ran out may
# have been taken by another instance since, and that claim is not ours to touch.
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
# A lease that ran out unclaimed is made final too: the update was handled.
_FINISH = """
local value = redis.call('GET', KEYS[1])
if value == ARGV[1] or not value then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class Claim(enum.Enum):
    OURS = "ours"
    HANDLED = "handled"  # done: a duplicate
    BUSY = "busy"  # another holder still renews its lease after the wait
    NONE = "none"  # Redis did not answer: handled without a claim


def update_key(bot_id: int, update_id: int) -> str:
    return f"learnbot:update:{bot_id}:{update_id}"


class UpdateDeduplicationMiddleware(BaseMiddleware):
    """Handles each update once across all instances sharing Redis, and again when an earlier
    attempt was cut off (see the module's docstring)."""

    def __init__(
        self,
        redis: Redis,
        health: RedisHealth | None = None,
        *,
        lease_seconds: float = LEASE_SECONDS,
        wait_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = redis
        self.health = health
        self.lease_seconds = lease_seconds
        # A redelivery waits this long for another claim to end. Twice the lease: a claim whose
        # holder died runs out well within it, so only a holder still renewing outlasts it.
        self.wait_seconds = 2 * lease_seconds if wait_seconds is None else wait_seconds
        self.clock = clock
        self._claim = redis.register_script(_CLAIM)
        self._renew = redis.register_script(_RENEW)
        self._finish = redis.register_script(_FINISH)
        self._release = redis.register_script(_RELEASE)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        bot: Bot = data["bot"]
        key = update_key(bot.id, event.update_id)
        token = f"{CLAIM_PREFIX}{uuid.uuid4().hex}"
        claim = await self.claim(key, token, event.update_id)
        if claim is Claim.HANDLED:
            log.info("update %s was already handled: skipped", event.update_id)
            note_outcome(data, "duplicate")
            return None
        if claim is Claim.BUSY:
            # Its holder is alive (it renewed the lease all along) and will finish the update
            # or give it back; handling it here too would run it twice at once. Skipping
            # confirms this copy (a 200, or the poller's offset), so were the holder to fail
            # after all, the update would be lost: a risk only for an update that runs longer
            # than the wait and is delivered again meanwhile, where running it twice is worse.
            log.warning(
                "update %s is still being handled elsewhere after %g s: left to it",
                event.update_id,
                self.wait_seconds,
            )
            note_outcome(data, "busy-elsewhere")
            return None
        if claim is Claim.NONE:
            # Better to risk a duplicate than to drop the learner's update.
            return await handler(event, data)
        renewing = asyncio.create_task(self._keep(key, token, event.update_id))
        try:
            result = await handler(event, data)
        except DomainError:
            # Stale or gone input: its answer says so, and a redelivery would get the same one.
            renewing.cancel()
            await self._call(self._finish, key, token, DONE, DONE_SECONDS, probe=False)
            raise
        except BaseException:
            # Failed, or cancelled at shutdown: the update was not handled, so its redelivery
            # must be. Awaited even while cancelled: one short call, bounded by Redis's timeout.
            renewing.cancel()
            await self._call(self._release, key, token, probe=False)
            raise
        renewing.cancel()
        await self._call(self._finish, key, token, DONE, DONE_SECONDS, probe=False)
        return result

    async def claim(self, key: str, token: str, update_id: int) -> Claim:
        """Take the update, or learn that it was handled. While another claim's lease runs,
        wait for it to end rather than handle the update twice at once: a redelivery after a
        crash meets the dead process's lease, and must be handled once it has run out."""
        deadline = self.clock() + self.wait_seconds
        waiting = False
        lease_ms = max(1, round(self.lease_seconds * 1000))
        while True:
            got = await self._call(self._claim, key, token, lease_ms, CLAIM_PREFIX)
            if got is None:
                return Claim.NONE
            if got == 1:
                if waiting:
                    log.info(
                        "update %s was given back or its lease ran out: handled here", update_id
                    )
                return Claim.OURS
            if got != 0:
                return Claim.HANDLED
            if self.clock() >= deadline:
                return Claim.BUSY
            if not waiting:
                waiting = True
                log.info("update %s is being handled elsewhere: waiting for it to end", update_id)
            await asyncio.sleep(RECHECK_SECONDS)

    async def _keep(self, key: str, token: str, update_id: int) -> None:
        """Renew the lease while the update runs."""
        lease_ms = max(1, round(self.lease_seconds * 1000))
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            renewed = await self._call(self._renew, key, token, lease_ms, probe=False)
            if renewed == 0:
                log.warning(
                    "update %s outran its claim: another instance may handle it as well",
                    update_id,
                )
                return

    async def _call(self, script: Any, key: str, *args: object, probe: bool = True) -> int | None:
        """The script's answer, or None when Redis is down (logged once per outage).

        `probe=False`: try even while Redis is thought down, for a claim already taken: one
        call per such update, and a claim left behind would hold its redelivery up."""
        if probe and self.health is not None and not self.health.should_try():
            return None
        try:
            answer = await script(keys=[key], args=list(args))
        except RedisError as exc:
            if self.health is not None:
                self.health.failed(exc)
            else:
                log.warning("Redis unavailable for update de-duplication: %s", exc)
            return None
        if self.health is not None:
            self.health.ok()
        return int(answer)
