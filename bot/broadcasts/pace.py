"""The send pace: BROADCAST_RATE messages a second for all sending processes together, at most
about one a second to the same chat, and everybody still while Telegram asks for a pause.

Slots come from one shared row (db.repositories.broadcasts.pace.reserve_slots, a GCRA
without burst): one UPDATE reserves a short run of evenly spaced slots, and the sender sleeps
until each. Time
here is seconds since the epoch from `timer` (the wall clock, which processes share), and
waiting is `sleep`: both are injected so tests need not wait.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.broadcasts import deliveries

Timer = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# Telegram: "avoid sending more than one message per second" to a chat.
PER_CHAT_SECONDS = 1.0
# Slots reserved per round trip to the database: a quarter of a second's worth.
RESERVE_SECONDS = 0.25
_CHAT_MEMORY = 10_000


class SharedPace:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        rate: float,
        *,
        timer: Timer,
        sleep: Sleep,
    ) -> None:
        self._sessionmaker = sessionmaker
        self.interval = 1.0 / rate
        self._chunk = max(1, min(50, math.floor(rate * RESERVE_SECONDS)))
        self._timer = timer
        self._sleep = sleep
        self._slots: deque[float] = deque()
        self._paused_until = 0.0
        # How many pauses Telegram asked for so far: a batch that sees it change lets go of
        # what it has not sent yet, instead of sitting on its claims through the pause.
        self.pauses = 0
        self._chat_ready: dict[int, float] = {}
        self._turns = asyncio.Lock()

    async def turn(self, chat_id: int) -> None:
        """Wait until a message to `chat_id` may go."""
        async with self._turns:
            slot = await self._next_slot()
            at = max(slot, self._paused_until, self._chat_ready.get(chat_id, 0.0))
            delay = at - self._timer()
            if delay > 0:
                await self._sleep(delay)
            self._remember_chat(chat_id, max(at, self._timer()) + PER_CHAT_SECONDS)

    async def until_unpaused(self) -> None:
        """Wait out a pause this process was told of, before claiming anything more: claims
        held through a long pause could outlive their lease."""
        delay = self._paused_until - self._timer()
        if delay > 0:
            await self._sleep(delay)

    async def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends for `seconds`, here or in any other process."""
        until = self._timer() + seconds
        self._paused_until = max(self._paused_until, until)
        self.pauses += 1
        self._slots.clear()
        async with self._sessionmaker() as session:
            await deliveries.hold_pace(session, until)

    async def _next_slot(self) -> float:
        # A slot whose time went by unused (the sender was busy elsewhere) is dropped: using it
        # late would send faster than the rate for a moment.
        stale_before = self._timer() - self.interval
        while self._slots and self._slots[0] < stale_before:
            self._slots.popleft()
        if not self._slots:
            span = self._chunk * self.interval
            async with self._sessionmaker() as session:
                start = await deliveries.reserve_pace(session, self._timer(), span)
            self._slots.extend(start + i * self.interval for i in range(self._chunk))
        return self._slots.popleft()

    def _remember_chat(self, chat_id: int, ready_at: float) -> None:
        if len(self._chat_ready) >= _CHAT_MEMORY:
            now = self._timer()
            self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}
        self._chat_ready[chat_id] = ready_at
