"""The guard that lets one process at a time run a job, whatever runs a scheduler.

MySQL/MariaDB: a named server lock (GET_LOCK with no wait) taken on a connection of its own,
held for the whole run and released in `finally`. It is not the run's session connection: a
session's connection goes back to the pool (and is reset) at each commit, and the lock must
outlive those. If the release itself fails the connection is thrown away, which frees the lock
on the server, rather than going back to the pool still holding it.

The lock's name carries the database's name: GET_LOCK names are server-wide, and two
deployments (or test databases) on one server must not skip each other's jobs.

SQLite has no server: a database file is served by one process here, so a process-local lock
per (database, job) does the same.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.health import is_unavailable

log = logging.getLogger(__name__)

# MySQL and MariaDB refuse longer lock names.
NAME_LIMIT = 64

_GET = text("SELECT GET_LOCK(:name, 0)")
_RELEASE = text("SELECT RELEASE_LOCK(:name)")

_local_locks: dict[tuple[str, str], asyncio.Lock] = {}


def lock_name(job: str, database: str | None) -> str:
    name = f"learnbot.job.{job}.{database or ''}"
    if len(name) <= NAME_LIMIT:
        return name
    digest = hashlib.sha1((database or "").encode()).hexdigest()[:16]
    return f"learnbot.job.{job}.{digest}"[:NAME_LIMIT]


@asynccontextmanager
async def job_lock(engine: AsyncEngine, job: str) -> AsyncIterator[bool]:
    """Yields True while this process holds the job's lock, False when another holds it."""
    if engine.dialect.name == "mysql":
        async with _server_lock(engine, lock_name(job, engine.url.database)) as held:
            yield held
    else:
        async with _local_lock((str(engine.url), job)) as held:
            yield held


@asynccontextmanager
async def _server_lock(engine: AsyncEngine, name: str) -> AsyncIterator[bool]:
    conn = await engine.connect()
    try:
        # Autocommit: the lock needs no transaction, and an open one would pin a snapshot.
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        held = (await conn.execute(_GET, {"name": name})).scalar() == 1
        try:
            yield held
        finally:
            if held:
                await _release(conn, name)
    finally:
        await conn.close()


async def _release(conn: AsyncConnection, name: str) -> None:
    try:
        await conn.execute(_RELEASE, {"name": name})
    except Exception as exc:
        # Closing the connection is what frees the lock now. The database being away is
        # logged once by its health (the run's own failure reports it), not with a traceback.
        if is_unavailable(exc):
            log.debug("could not release lock %s (%s); dropping its connection", name, exc)
        else:
            log.warning("could not release lock %s; dropping its connection", name, exc_info=True)
        await conn.invalidate()


@asynccontextmanager
async def _local_lock(key: tuple[str, str]) -> AsyncIterator[bool]:
    lock = _local_locks.setdefault(key, asyncio.Lock())
    if lock.locked():
        yield False
        return
    # Never waits (it is free), so the lock is never bound to one event loop.
    await lock.acquire()
    try:
        yield True
    finally:
        lock.release()
