from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.middlewares.update_log import note_outcome

log = logging.getLogger(__name__)


class RecentUpdatesMiddleware(BaseMiddleware):
    """Handles each update once within this process, for a webhook served without Redis.

    Telegram posts an update again when our answer came late or not at all; without this the
    retry would be handled a second time. Ids are kept for `ttl` seconds, and at most
    `max_size` of them (the oldest go first), so memory stays bounded under any traffic.
    Across several instances only Redis can do this (UpdateDeduplicationMiddleware).
    """

    def __init__(
        self,
        *,
        ttl: float = 3600.0,
        max_size: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_size = max_size
        self.clock = clock
        self.seen: OrderedDict[int, float] = OrderedDict()

    def claim(self, update_id: int) -> bool:
        """True the first time `update_id` is seen within the ttl."""
        now = self.clock()
        while self.seen:
            oldest, at = next(iter(self.seen.items()))
            if now - at < self.ttl and len(self.seen) < self.max_size:
                break
            del self.seen[oldest]
        if update_id in self.seen:
            return False
        self.seen[update_id] = now
        return True

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update) and not self.claim(event.update_id):
            log.info("update %s was already handled: skipped", event.update_id)
            note_outcome(data, "duplicate")
            return None
        return await handler(event, data)
