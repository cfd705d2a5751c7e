"""Long-lived tasks a process runs beside (or instead of) serving updates: the broadcast sender
and the scheduler. The app builder makes them (`bot.app.build_workers`); whoever serves runs
them with `running`, which stops them cleanly, last started first, however serving ended."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

log = logging.getLogger(__name__)


class Worker(Protocol):
    name: str

    async def start(self) -> None:
        """Begin working in the background and return."""

    async def stop(self) -> None:
        """Finish or abandon what is in hand, so nothing is left half done, and return."""


@asynccontextmanager
async def running(workers: Sequence[Worker]) -> AsyncIterator[None]:
    started: list[Worker] = []
    try:
        for worker in workers:
            await worker.start()
            started.append(worker)
            log.info("%s started", worker.name)
        yield
    finally:
        for worker in reversed(started):
            try:
                await worker.stop()
            except Exception:
                # One worker failing to stop must not keep the others running.
                log.exception("%s did not stop cleanly", worker.name)
            else:
                log.info("%s stopped", worker.name)
