"""One unit of work per service call: the only place in the services that commits or rolls back.

A public service function decorated with `@unit_of_work` commits when it returns and anything was
written, rolls back when it raises or only read, and so always ends its transaction before the
handler talks to Telegram: a transaction left open across that call would hold SQLite's write
lock and MySQL row locks and snapshots for as long as Telegram takes to answer. A unit of work
called inside another joins it.

`@read_only` marks a unit that never writes: on SQLite its transaction does not take the write
lock, so readers never queue behind writers. On SQLite a unit that may write first waits for
its turn among the process's writers (db.engine.WRITER_LOCK_KEY), first come first served, and
holds it until its transaction ends: SQLite's own wait for the write lock sleeps and polls, and
would be timed as a round trip. The turn is waited for at most as long as SQLite would wait for
its lock (NoWriterTurn). Nothing may await another unit that writes while holding the turn:
that unit would wait for the turn held by its caller until NoWriterTurn ended the wait.

Connections are not pinged before use; a unit whose connection turns out to have been dropped
by the server (a restart, a network cut) fails before it commits, so it is run once more on a
fresh connection. A unit that lost a lock conflict on MySQL (a deadlock, a lock wait timeout) was
rolled back whole and is run again too, up to LOCK_CONFLICT_RUNS times in all. A failure during
the commit itself is not retried: whether it was committed cannot be known, and running it again
could apply it twice.

A serving process gives each unit's round trips to the database a time limit
(db.engine.ServingLimits, db.watchdog): aiomysql has no read timeout, so without one a server
that stopped answering would hold the unit for ever. The limit times the database's answers
only, never a wait for a connection or for the CPU: a busy process answers late, it does not
report an outage. Whether the database answered is reported to the application's
DatabaseHealth, which logs an outage once instead of once per unit; while it is down, one unit
at a time tries the database and the others fail at once (DatabaseHealth.attempt).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import SQLITE_BUSY_TIMEOUT_MS, UNIT_TIMEOUT_KEY, WRITER_LOCK_KEY, WRITES, wrote
from db.health import (
    HEALTH_KEY,
    DatabaseHealth,
    NoWriterTurn,
    is_lock_conflict,
    is_unavailable,
)
from db.watchdog import answers_within

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

# The session's info holds only the unit of work's own bookkeeping (its depth, its time limit,
# the database's health): state of the session, not a collaborator of the service it runs. A
# service's clock and catalogs reach it explicitly, in bot.services.context.Context.
_DEPTH = "unit_of_work_depth"
# Runs of a unit that keeps losing lock conflicts before its error reaches the caller.
LOCK_CONFLICT_RUNS = 3
# The longest a unit that may write waits for its turn on SQLite: as long as SQLite's own wait.
WRITER_TURN_SECONDS = SQLITE_BUSY_TIMEOUT_MS / 1000

Service = Callable[Concatenate[AsyncSession, P], Awaitable[R]]


@contextlib.contextmanager
def at_least(session: AsyncSession, seconds: float) -> Iterator[None]:
    """The units of work begun inside wait at least `seconds` for each answer of the database,
    where the process limits them less (a serving process gives each a few seconds): for an
    admin's bulk work, such as importing a course file, whose large statements an admin waits
    for and a learner never does."""
    limit = session.info.get(UNIT_TIMEOUT_KEY)
    if limit is None or limit >= seconds:
        yield
        return
    session.info[UNIT_TIMEOUT_KEY] = seconds
    try:
        yield
    finally:
        session.info[UNIT_TIMEOUT_KEY] = limit


def _unit(writes: bool) -> Callable[[Service[P, R]], Service[P, R]]:
    def decorate(fn: Service[P, R]) -> Service[P, R]:
        @functools.wraps(fn)
        async def wrapper(session: AsyncSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if session.info.get(_DEPTH, 0):
                session.info[_DEPTH] += 1
                try:
                    return await fn(session, *args, **kwargs)
                finally:
                    session.info[_DEPTH] -= 1
            health: DatabaseHealth | None = session.info.get(HEALTH_KEY)
            trying = health.attempt() if health is not None else contextlib.nullcontext()
            try:
                with trying:
                    # The turn is waited for before the watch begins: a queue, not a round trip.
                    async with (
                        _writers_turn(session, writes),
                        answers_within(session.info.get(UNIT_TIMEOUT_KEY)),
                    ):
                        result = await _run_once_more_if_dropped(
                            fn, writes, health, session, *args, **kwargs
                        )
                        answered = session.in_transaction()
                        # A failed commit is not run again: whether it went through cannot be known.
                        await _end(session)
            except Exception as exc:
                if health is not None and is_unavailable(exc):
                    health.failed(exc)
                raise
            if health is not None and answered:
                health.ok()
            return result

        return wrapper

    return decorate


@contextlib.asynccontextmanager
async def _writers_turn(session: AsyncSession, writes: bool) -> AsyncIterator[None]:
    """On SQLite, for a unit that may write: its turn among the process's writers, held across
    its runs (a second run would otherwise queue behind itself) until its transaction ends."""
    turn: asyncio.Lock | None = session.info.get(WRITER_LOCK_KEY) if writes else None
    if turn is None:
        yield
        return
    try:
        async with asyncio.timeout(WRITER_TURN_SECONDS):
            await turn.acquire()
    except TimeoutError as exc:
        raise NoWriterTurn(f"no turn to write within {WRITER_TURN_SECONDS:g} s") from exc
    try:
        yield
    finally:
        try:
            if session.in_transaction():
                # A failed commit leaves its transaction open: it ends before the next writer
                # begins, or that one would wait for SQLite's lock after all.
                with contextlib.suppress(Exception):
                    await session.rollback()
        finally:
            turn.release()


async def _run_once_more_if_dropped(
    fn: Service[P, R],
    writes: bool,
    health: DatabaseHealth | None,
    session: AsyncSession,
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    reconnected = False
    conflicts = 0
    while True:
        try:
            return await _run(fn, writes, session, *args, **kwargs)
        except DBAPIError as exc:
            if exc.connection_invalidated and not reconnected:
                reconnected = True
                # Routine after a server restart, and the run below usually succeeds; when it
                # does not, the outage is logged once, by DatabaseHealth.
                level = logging.DEBUG if health is not None and health.down else logging.INFO
                log.log(
                    level, "database connection lost (%s); running %s again", exc.orig, fn.__name__
                )
            elif is_lock_conflict(exc) and conflicts < LOCK_CONFLICT_RUNS - 1:
                # MySQL chose this transaction to lose a deadlock (or a lock wait ran out): the
                # whole transaction is rolled back, so running the unit again is safe, and two
                # writers on the same rows (two senders, two answers) usually pass the second time.
                conflicts += 1
                log.info("%s lost a lock conflict (%s); running it again", fn.__name__, exc.orig)
            else:
                raise


async def _run(
    fn: Service[P, R], writes: bool, session: AsyncSession, *args: P.args, **kwargs: P.kwargs
) -> R:
    """The function inside a transaction of its own; rolled back if it raises."""
    if not session.in_transaction() and session.get_bind().dialect.name == "sqlite":
        # Only SQLite needs to know up front (see db.engine.WRITES); elsewhere procuring the
        # connection early would cost a ROLLBACK round trip for a unit that never queries.
        await session.connection(execution_options={WRITES: writes})
    session.info[_DEPTH] = 1
    try:
        return await fn(session, *args, **kwargs)
    except BaseException:
        await session.rollback()
        raise
    finally:
        session.info[_DEPTH] = 0


async def _end(session: AsyncSession) -> None:
    if not session.in_transaction():
        return
    if wrote(session):
        await session.commit()
    else:
        await session.rollback()


unit_of_work = _unit(writes=True)
read_only = _unit(writes=False)
