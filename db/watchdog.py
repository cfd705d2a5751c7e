"""The client's limit on how long the database may take to answer, for a unit of work.

aiomysql has no read timeout: a server that stopped answering (a network black hole, a paused
VM) would hold a statement for ever. The server limits each statement itself (ServingLimits),
so a round trip that outlives a few seconds means the connection stopped answering: an outage.

Only the round trips are timed, from the moment a statement (or a commit, a rollback) leaves
until its answer is read. Waiting for a turn to use the database (a queue of updates, a pooled
connection) or for the CPU between statements is not the database failing to answer, and a
burst of learners on a busy machine must not be reported as an outage: such waits are bounded
where they happen (the queue before the unit of work, the pool's timeout, the TCP connect
timeout), not here.

The engine's events (db.engine) call `sent` and `answered` from inside SQLAlchemy; they find
the unit's watch through a context variable, which SQLAlchemy's greenlets carry along.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass

from db.health import NoAnswer


@dataclass(frozen=True, slots=True)
class _Watch:
    seconds: float
    timeout: asyncio.Timeout
    loop: asyncio.AbstractEventLoop


_current: ContextVar[_Watch | None] = ContextVar("learnbot_database_watch", default=None)


@contextlib.asynccontextmanager
async def answers_within(seconds: float | None) -> AsyncIterator[None]:
    """Each round trip to the database inside the block must be answered within `seconds`
    (no limit when None); one that is not is cancelled and raises NoAnswer."""
    if seconds is None:
        yield
        return
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(None) as timeout:
            token = _current.set(_Watch(seconds, timeout, loop))
            try:
                yield
            finally:
                _current.reset(token)
    except TimeoutError as exc:
        if timeout.expired():
            raise NoAnswer(f"no answer from the database within {seconds:g} s") from exc
        raise


def sent() -> None:
    """A statement, a commit or a rollback is on its way: its answer is due within the limit."""
    watch = _current.get()
    if watch is not None and not watch.timeout.expired():
        watch.timeout.reschedule(watch.loop.time() + watch.seconds)


def answered() -> None:
    """The database answered (or the statement failed): nothing is due from it now."""
    watch = _current.get()
    if watch is not None and not watch.timeout.expired():
        watch.timeout.reschedule(None)
