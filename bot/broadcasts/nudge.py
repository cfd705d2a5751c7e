"""A wake-up call for the sender: whoever enqueues a broadcast in this process sets it, so the
sender starts at once instead of at its next idle poll (other processes poll)."""

from __future__ import annotations

import asyncio
import contextlib

# Where the dispatcher keeps it, so a handler can take it as an argument.
NUDGE_KEY = "outbox_nudge"


class OutboxNudge:
    def __init__(self) -> None:
        self._event = asyncio.Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    async def wait(self, seconds: float) -> None:
        """Until nudged or `seconds` passed; a nudge is used up by the wait it ends."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._event.wait()
        self._event.clear()

    def clear(self) -> None:
        self._event.clear()
