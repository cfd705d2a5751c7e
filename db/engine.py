"""Engine and session factory for both supported databases."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from db import watchdog
from db.health import HEALTH_KEY, DatabaseHealth

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Without this a server that accepts a connection and never answers (a network black hole, a
# paused VM) holds a connection attempt for ever.
CONNECT_TIMEOUT_SECONDS = 5
# A wait for a pooled connection is a queue, not an outage (db.health): this only bounds it. A
# serving process never makes its updates wait here (see ServingLimits).
POOL_TIMEOUT_SECONDS = 30.0
# Connections beyond a serving process's pool_size, for what uses the database beside its
# updates: the broadcast sender and the health checks.
POOL_OVERFLOW = 5
# The key of a unit of work's time limit in a session's info (see bot.services.unit_of_work).
UNIT_TIMEOUT_KEY = "unit_timeout"
# The key of the writers' turn on SQLite, an asyncio.Lock shared by a sessionmaker's sessions.
WRITER_LOCK_KEY = "sqlite_writer_turn"


@dataclass(frozen=True, slots=True)
class ServingLimits:
    """Limits for a process that answers people: everything it does is a few small
    statements, and a learner told "try again in a minute" within seconds is better served
    than one left waiting. Migrations, imports and other commands run without them.

    `statement_seconds`: the server aborts a longer statement (MariaDB's max_statement_time,
    MySQL's max_execution_time for reads), so a slow query frees its connection. The client's
    own limit, `unit_seconds`, is a little longer: it covers what the server cannot see, a
    connection that stopped answering. It times each round trip of a unit of work, not the
    whole unit: a wait for the CPU or for a turn is not the database failing (db.watchdog).

    The pool's size is the operator's (DATABASE_POOL_SIZE): a serving process handles at most
    that many updates at once (bot.middlewares.concurrency), so none waits for a connection.
    """

    statement_seconds: float = 2.5
    unit_seconds: float = 3.0


SERVING_LIMITS = ServingLimits()
# An execution option a unit of work sets on its connection when it will write: SQLite then
# takes the write lock when the transaction begins, and reads alone never take it.
WRITES = "learnbot_writes"


def create_engine(
    url: str | URL,
    *,
    echo: bool = False,
    statement_seconds: float | None = None,
    pool_size: int | None = None,
) -> AsyncEngine:
    """`statement_seconds`: the server's limit on each statement (MySQL/MariaDB only).
    `pool_size`: the connections kept open (and POOL_OVERFLOW more at most); SQLAlchemy's
    default when None."""
    url = make_url(url)
    sizes = {} if pool_size is None else {"pool_size": pool_size, "max_overflow": POOL_OVERFLOW}
    if url.get_backend_name() == "sqlite":
        engine = _create_sqlite_engine(url, echo=echo, sizes=sizes)
        _watch_answers(engine)
        return engine
    engine = _create_async_engine(
        url,
        echo=echo,
        **sizes,
        # Only the TCP connection: aiomysql has no read or write timeouts, hence the units of
        # work's own limit (ServingLimits.unit_seconds).
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        pool_timeout=POOL_TIMEOUT_SECONDS,
        # No ping per checkout (a round trip per unit of work): a connection the server dropped
        # anyway fails its first statement, and the unit of work runs once more on a fresh one.
        pool_pre_ping=False,
        # Below MySQL's default wait_timeout, so the server never drops a pooled connection first.
        pool_recycle=1800,
        # Every unit of work ends its transaction before the connection goes back, so the pool's
        # ROLLBACK on return would be one more round trip that does nothing.
        pool_reset_on_return=None,
        # Get-or-create and similar writes re-read rows other transactions just committed.
        isolation_level="READ COMMITTED",
    )
    if statement_seconds is not None:
        _limit_statements(engine, statement_seconds)
    _watch_answers(engine)
    return engine


def _watch_answers(engine: AsyncEngine) -> None:
    """Time each round trip of a unit of work that has a client-side limit (db.watchdog)."""
    sync = engine.sync_engine
    # A new connection's handshake is a round trip too: aiomysql's connect_timeout covers the
    # TCP connection only, and a black-holed server accepts that and then never greets. A wait
    # for a pooled connection comes before this and is not timed.
    event.listen(sync, "do_connect", lambda *_: watchdog.sent())
    event.listen(sync, "connect", lambda *_: watchdog.answered())
    event.listen(sync, "before_cursor_execute", lambda *_: watchdog.sent())
    event.listen(sync, "after_cursor_execute", lambda *_: watchdog.answered())
    event.listen(sync, "handle_error", lambda _context: watchdog.answered())
    # Fired before the driver's COMMIT or ROLLBACK; the session's events below say it ended.
    event.listen(sync, "commit", lambda _conn: watchdog.sent())
    event.listen(sync, "rollback", lambda _conn: watchdog.sent())


def _limit_statements(engine: AsyncEngine, seconds: float) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # Sent on the driver's own connection, which the engine's events do not see.
        watchdog.sent()
        try:
            try:
                cursor.execute(f"SET SESSION max_statement_time = {float(seconds)}")
            except Exception:
                # MySQL has no max_statement_time; its max_execution_time limits reads only.
                cursor.execute(f"SET SESSION max_execution_time = {int(seconds * 1000)}")
        finally:
            watchdog.answered()
            cursor.close()


def _create_sqlite_engine(url: URL, *, echo: bool, sizes: dict[str, int]) -> AsyncEngine:
    in_memory = not url.database or url.database == ":memory:"
    engine = _create_async_engine(
        url,
        echo=echo,
        # An in-memory database is one connection (a StaticPool), which has no sizes.
        **({} if in_memory else sizes),
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        # As for MySQL: units of work end their transactions, so the pool's ROLLBACK on return
        # would be one more hop to the driver's thread for nothing.
        pool_reset_on_return=None,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so BEGIN IMMEDIATE can be issued below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A transaction that will write takes the write lock up front: a deferred one that reads
        # and then writes fails with "database is locked" under concurrency instead of waiting
        # its turn. One that only reads stays deferred, so readers never queue behind writers.
        writes = connection.get_execution_options().get(WRITES, True)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


WROTE_KEY = "wrote"


class TrackedSession(Session):
    """A Session that remembers whether its transaction wrote anything, so a unit of work that
    only read can end with a rollback (see bot.services.unit_of_work)."""


@event.listens_for(TrackedSession, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if state.statement.is_dml:
        state.session.info[WROTE_KEY] = True


@event.listens_for(TrackedSession, "after_flush")
def _note_flush(session: Session, _flush: UOWTransaction) -> None:
    session.info[WROTE_KEY] = True


@event.listens_for(TrackedSession, "after_commit")
@event.listens_for(TrackedSession, "after_rollback")
def _answered(_session: Session) -> None:
    watchdog.answered()


@event.listens_for(TrackedSession, "after_transaction_end")
def _forget_writes(session: Session, transaction: object) -> None:
    if getattr(transaction, "parent", None) is None:
        session.info.pop(WROTE_KEY, None)


def note_write(session: AsyncSession) -> None:
    """For a write sent below the ORM (a connection's exec_driver_sql), which the events above
    do not see: the unit of work must commit it."""
    session.sync_session.info[WROTE_KEY] = True


def wrote(session: AsyncSession) -> bool:
    """Whether the session's open transaction wrote (or holds unflushed changes)."""
    sync = session.sync_session
    return bool(sync.info.get(WROTE_KEY) or sync.new or sync.dirty or sync.deleted)


def create_sessionmaker(
    engine: AsyncEngine,
    *,
    unit_seconds: float | None = None,
) -> async_sessionmaker[AsyncSession]:
    """Sessions that carry their database's health and the time limit of each unit of work
    (none by default).

    The session's info holds only this bookkeeping of the session itself (with the unit of
    work's depth and whether it wrote); a service's collaborators (clock, catalog, caches)
    are never looked up here: the application passes them to its services explicitly."""
    shared: dict[str, Any] = {HEALTH_KEY: DatabaseHealth()}
    if unit_seconds is not None:
        shared[UNIT_TIMEOUT_KEY] = unit_seconds
    if engine.dialect.name == "sqlite":
        # SQLite lets one transaction write at a time, and one that waits for it sleeps and
        # polls in SQLite's busy handler (up to 100 ms a sleep), inside a round trip the unit's
        # time limit counts. Writers of this process queue here first, in order, each woken
        # when the one before ends its transaction (bot.services.unit_of_work).
        shared[WRITER_LOCK_KEY] = asyncio.Lock()
    return async_sessionmaker(
        engine, expire_on_commit=False, sync_session_class=TrackedSession, info=shared
    )


def database_health(sessionmaker: async_sessionmaker[AsyncSession]) -> DatabaseHealth | None:
    """The sessionmaker's health, or None for one not made by create_sessionmaker."""
    health: DatabaseHealth | None = (sessionmaker.kw.get("info") or {}).get(HEALTH_KEY)
    return health
