"""Work an update starts and does not wait for: checking or applying an admin's course file
takes seconds, longer than an update may hold the admin's event-isolation lock, and must not
make the admin's next updates wait for it.

Each task is tracked under a key: a newer task under the same key replaces the older one
(cancelled with REPLACED), and closing (the dispatcher's shutdown) waits for the tasks a grace,
then cancels what is left (with SHUTDOWN), so none is left running when the process stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Hashable
from typing import Any

log = logging.getLogger(__name__)

# Why a task was cancelled: the argument of its CancelledError.
REPLACED = "replaced"
SHUTDOWN = "shutdown"
# What a cancelled task may take to say so (tell the admin, put their file back): bounded,
# since Telegram or Redis may be what is failing.
LAST_WORDS_SECONDS = 5.0


class BackgroundTasks:
    def __init__(self, grace: float) -> None:
        self.grace = grace
        self._tasks: dict[Hashable, asyncio.Task[None]] = {}
        self._closed = False

    def start(self, key: Hashable, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` beside the updates, replacing the task under `key` if one is running.
        The task runs in the caller's context (the admin's language stays set)."""
        if self._closed:
            work.close()
            raise RuntimeError("the process is stopping")
        older = self._tasks.get(key)
        if older is not None and not older.done():
            older.cancel(REPLACED)
        task = asyncio.create_task(work, name=f"background {key}")
        self._tasks[key] = task
        task.add_done_callback(lambda done: self._finished(key, done))

    def _finished(self, key: Hashable, task: asyncio.Task[None]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        if not task.cancelled() and task.exception() is not None:
            # The work says what went wrong itself; this is for what slipped past it.
            log.error("background task %s failed", key, exc_info=task.exception())

    def running(self, key: Hashable) -> bool:
        task = self._tasks.get(key)
        return task is not None and not task.done()

    async def idle(self) -> None:
        """Return once no task is running (tasks started meanwhile included)."""
        while self._tasks:
            await asyncio.wait(list(self._tasks.values()))

    async def close(self) -> None:
        self._closed = True
        tasks = list(self._tasks.values())
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=self.grace)
        for task in pending:
            task.cancel(SHUTDOWN)
        if pending:
            log.info("stopping %d background task(s) cut off by the shutdown", len(pending))
            await asyncio.wait(pending, timeout=LAST_WORDS_SECONDS)
