from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.middlewares.update_log import note_outcome
from bot.services.errors import DomainError

log = logging.getLogger(__name__)

# How long a retry waits for the copy running now: as long as with Redis.
WAIT_SECONDS = 20.0


class RecentUpdatesMiddleware(BaseMiddleware):
    """Handles each update once within this process, for a webhook served without Redis; the
    same rules as UpdateDeduplicationMiddleware's, which does this across instances.

    Telegram posts an update again when our answer came late or not at all; without this the
    retry would be handled a second time. An id counts as handled only once its handler
    finished (or answered a domain error): one that failed or was cancelled (the grace period
    at shutdown ran out) is forgotten, so the retry is handled. A retry that arrives while the
    first copy is still running waits for it to end instead of running beside it. Handled ids
    are kept for `ttl` seconds, and at most `max_size` of them (the oldest go first), so memory
    stays bounded under any traffic.
    """

    def __init__(
        self,
        *,
        ttl: float = 3600.0,
        max_size: int = 100_000,
        wait_seconds: float = WAIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_size = max_size
        self.wait_seconds = wait_seconds
        self.clock = clock
        self.handled: OrderedDict[int, float] = OrderedDict()
        # Set when the update's handler ends, however it ends.
        self.in_flight: dict[int, asyncio.Event] = {}

    def was_handled(self, update_id: int) -> bool:
        now = self.clock()
        while self.handled:
            oldest, at = next(iter(self.handled.items()))
            if now - at < self.ttl and len(self.handled) <= self.max_size:
                break
            del self.handled[oldest]
        return update_id in self.handled

    def begin(self, update_id: int) -> asyncio.Event | None:
        """Claim `update_id` (None), or the event that ends the copy running now."""
        running = self.in_flight.get(update_id)
        if running is None:
            self.in_flight[update_id] = asyncio.Event()
        return running

    def end(self, update_id: int, *, handled: bool) -> None:
        self.in_flight.pop(update_id).set()
        if handled:
            self.handled[update_id] = self.clock()
            self.handled.move_to_end(update_id)
            self.was_handled(update_id)  # drops what is too old or too many

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        update_id = event.update_id
        deadline = self.clock() + self.wait_seconds
        while True:
            if self.was_handled(update_id):
                log.info("update %s was already handled: skipped", update_id)
                note_outcome(data, "duplicate")
                return None
            running = self.begin(update_id)
            if running is None:
                break
            remaining = deadline - self.clock()
            try:
                async with asyncio.timeout(max(remaining, 0)):
                    await running.wait()
            except TimeoutError:
                # The first copy is still at work and ends within its own limits; running the
                # update beside it would handle it twice.
                log.warning(
                    "update %s is still being handled after %g s: left to it",
                    update_id,
                    self.wait_seconds,
                )
                note_outcome(data, "busy-elsewhere")
                return None
        try:
            result = await handler(event, data)
        except DomainError:
            self.end(update_id, handled=True)  # answered with what was stale or gone
            raise
        except BaseException:
            self.end(update_id, handled=False)
            raise
        self.end(update_id, handled=True)
        return result
