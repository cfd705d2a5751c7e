"""At most so many updates handled at once; the rest wait their turn, in order.

A burst (an announcement to a big course makes hundreds of learners press at once) would
otherwise start every update together: they would queue for the database's few connections
inside their units of work, and for the CPU, all at the same time. Here they queue before any
of that starts, and an update that gets its turn finds a connection free: the bound is the
database pool's size.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject


class ConcurrencyLimit(BaseMiddleware):
    """An outer update middleware after the throttle (a flooder's excess never takes a turn)
    and before the database session (a turn is had before any database work)."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"at least one update at a time, not {limit}")
        self.limit = limit
        # asyncio's semaphore wakes its waiters in the order they came.
        self._turns = asyncio.Semaphore(limit)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self._turns:
            return await handler(event, data)
