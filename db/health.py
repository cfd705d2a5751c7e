"""Whether the database answers, as the units of work find out, and one log line per outage.

A database that refuses, drops or stops answering fails every update until it is back: logging
each failure with its traceback buries the log (thousands of lines for a short outage), while
one WARNING when it starts and one INFO when it ends tell an operator all there is.

Busy is not down. Waiting for a turn (a queue of updates, a pooled connection) or for the CPU
says nothing about the database: a burst of learners on a loaded machine is answered late, not
told of an outage. Only a failed connect, a statement the server cut off at its own time limit,
a connection that was lost or stopped answering (db.watchdog) is an outage.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator

from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

HEALTH_KEY = "database_health"

# MySQL/MariaDB client and server errors that mean "not reachable now", not "this statement is
# wrong": cannot connect (2002, 2003, 2005), gone or lost (2006, 2013, 2055), too many
# connections (1040), shutting down (1053), connection killed (1927), and the statement time
# limits of MariaDB (1969) and MySQL (3024).
UNAVAILABLE_CODES = frozenset({2002, 2003, 2005, 2006, 2013, 2055, 1040, 1053, 1927, 1969, 3024})


class NoAnswer(TimeoutError):
    """A round trip to the database outlived the client's limit (db.watchdog): the connection
    stopped answering. A TimeoutError of any other origin is not a database outage."""


class NoWriterTurn(TimeoutError):
    """On SQLite, a unit that may write waited for its turn among the process's writers as long
    as SQLite itself waits for its write lock (db.engine.SQLITE_BUSY_TIMEOUT_MS): what "database
    is locked" would have said, that the database takes no write now."""


class StillUnavailable(Exception):
    """The database is down, and another unit of work is finding out whether it is back."""


def is_unavailable(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached or did not answer in time.

    Not a wait for a pooled connection (sqlalchemy.exc.TimeoutError): that is a queue, and the
    database may be answering everyone else."""
    if isinstance(error, NoAnswer | NoWriterTurn | StillUnavailable | ConnectionError):
        return True
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        args = getattr(error.orig, "args", ())
        if args and isinstance(args[0], int) and args[0] in UNAVAILABLE_CODES:
            return True
        # SQLite's writer lock held beyond the busy timeout: the same "try again" for a learner.
        return "database is locked" in str(error.orig)
    return False


# MySQL/MariaDB: a deadlock (this transaction was chosen to be rolled back), a lock wait timeout.
LOCK_CONFLICT_CODES = frozenset({1213, 1205})


def is_lock_conflict(error: BaseException) -> bool:
    """Whether `error` says the transaction lost a lock conflict and may simply be run again."""
    if not isinstance(error, DBAPIError):
        return False
    args: tuple[object, ...] = getattr(error.orig, "args", ())
    return bool(args) and isinstance(args[0], int) and args[0] in LOCK_CONFLICT_CODES


def describe(error: BaseException) -> str:
    """One line about the failure, with no SQL and no parameters in it."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        text = str(error.orig).strip()
    else:
        text = str(error).strip()
    first = text.splitlines()[0] if text else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


class DatabaseHealth:
    """Outage bookkeeping shared by every unit of work of one application."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.down_since: float | None = None
        self.failures = 0
        self.probing = False

    @property
    def down(self) -> bool:
        return self.down_since is not None

    @contextlib.contextmanager
    def attempt(self) -> Iterator[None]:
        """Around a unit of work. While the database is down, one unit at a time tries it (and
        so finds out when it is back); the others raise StillUnavailable at once. Updates wait
        their turn for the database (bot.middlewares.concurrency): without this, a queue of
        them would meet a server that stopped answering a few at a time, each after the full
        wait for its answer, and the last learner would be told of the outage minutes late."""
        if self.down_since is None:
            yield
            return
        if self.probing:
            raise StillUnavailable("the database is down; another unit of work is trying it")
        self.probing = True
        try:
            yield
        finally:
            self.probing = False

    def failed(self, error: BaseException) -> None:
        if self.down_since is None:
            self.down_since = self.clock()
            self.failures = 1
            log.warning(
                "database unavailable (%s): learners are asked to try again until it is back",
                describe(error),
            )
            return
        self.failures += 1
        log.debug("database still unavailable: %s", describe(error))

    def ok(self) -> None:
        if self.down_since is None:
            return
        seconds = self.clock() - self.down_since
        log.info(
            "database reachable again after %.1f s; %d failed attempts meanwhile",
            seconds,
            self.failures,
            extra={"outage_seconds": round(seconds, 1), "failures": self.failures},
        )
        self.down_since, self.failures = None, 0
