"""Counts what an engine asks of its database, at the driver: a measuring instrument.

Nothing in the application uses it; the benchmark and the tests that hold an update to a budget
of round trips do. It depends on SQLAlchemy alone, so both may import it.

SQLAlchemy's statement events miss the calls that cost as much as a statement: the pool's
pre-ping on checkout, the pool's rollback when a connection is returned, COMMIT and ROLLBACK.
So the instrument sits below them, on the DBAPI connection objects the pool hands out (for the
async drivers, SQLAlchemy's adapters around aiomysql and aiosqlite), and counts every call of
theirs that reaches the driver:

- statement: a cursor's `execute` or `executemany` (one each: aiomysql sends an INSERT's rows in
  one statement, other executemany calls row by row)
- ping: the pool's pre-ping (MySQL's COM_PING)
- commit, rollback: the connection's, including the pool's rollback-on-return
- connect: a new connection (its handshake and session set-up count as one)

On MySQL each of those is a network round trip to the server; on SQLite each is a call into
aiosqlite's worker thread, the embedded database's equivalent (SQLAlchemy's adapter hops to that
thread three or four times per statement: cursor, execute, fetch, close; one is counted).

Calls are attributed to the label in effect (`counting_as`), a context variable, so concurrent
updates can each be counted as their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

STATEMENT = "statement"
PING = "ping"
COMMIT = "commit"
ROLLBACK = "rollback"
CONNECT = "connect"
KINDS = (STATEMENT, PING, COMMIT, ROLLBACK, CONNECT)

_label: ContextVar[str | None] = ContextVar("roundtrips_label", default=None)


@contextmanager
def counting_as(label: str) -> Iterator[None]:
    """Attribute the calls made inside the block (in this task and what it awaits) to `label`."""
    token = _label.set(label)
    try:
        yield
    finally:
        _label.reset(token)


@dataclass(frozen=True, slots=True)
class RoundTrip:
    label: str | None
    kind: str
    # The statement's beginning, for telling where the round trips go; None for the others.
    sql: str | None


class RoundTrips:
    """Counts of the calls that reach the driver, by label and kind.

    `attach` it to an engine before the engine opens its first connection: a connection opened
    earlier is counted only from its next checkout on, and that checkout's pre-ping is missed.
    With `record=True` every call is also kept, in order, in `log`.
    """

    def __init__(self, *, record: bool = False) -> None:
        self.counts: Counter[tuple[str | None, str]] = Counter()
        self.log: list[RoundTrip] | None = [] if record else None
        # One counting subclass per driver class: the adapters declare __slots__, so their
        # methods cannot be replaced on an instance, but an instance can take on a subclass
        # that adds no slots.
        self._subclasses: dict[type, type] = {}

    def attach(self, engine: AsyncEngine | Engine) -> None:
        sync_engine = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
        event.listen(sync_engine, "connect", self._on_connect)
        event.listen(sync_engine, "checkout", self._on_checkout)

    def of(self, label: str | None) -> dict[str, int]:
        """The calls attributed to `label`, by kind (every kind present, zeros included)."""
        return {kind: self.counts[label, kind] for kind in KINDS}

    def total(self, label: str | None) -> int:
        return sum(self.of(label).values())

    def clear(self) -> None:
        self.counts.clear()
        if self.log is not None:
            self.log.clear()

    def _count(self, kind: str, sql: str | None = None) -> None:
        label = _label.get()
        self.counts[label, kind] += 1
        if self.log is not None:
            self.log.append(RoundTrip(label, kind, _head(sql)))

    def _on_connect(self, dbapi_connection: Any, _record: Any) -> None:
        self._count(CONNECT)
        self._instrument(dbapi_connection)

    def _on_checkout(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        self._instrument(dbapi_connection)

    def _instrument(self, obj: Any) -> None:
        cls = type(obj)
        if cls in self._subclasses.values():
            return
        subclass = self._subclasses.get(cls)
        if subclass is None:
            subclass = self._subclasses[cls] = self._counting_subclass(cls)
        obj.__class__ = subclass

    def _counting_subclass(self, cls: type) -> type:
        counter = self
        overrides: dict[str, Any] = {"__slots__": ()}

        def counted(name: str, kind: str, *, is_sql: bool = False) -> None:
            base: Callable[..., Any] | None = getattr(cls, name, None)
            if base is None:
                return
            original: Callable[..., Any] = base

            def method(obj: Any, *args: Any, **kwargs: Any) -> Any:
                # Counted before the call: a call that fails has still been to the server.
                counter._count(kind, args[0] if is_sql and args else None)
                return original(obj, *args, **kwargs)

            overrides[name] = method

        make_cursor: Callable[..., Any] | None = getattr(cls, "cursor", None)
        if make_cursor is None:
            counted("execute", STATEMENT, is_sql=True)
            counted("executemany", STATEMENT, is_sql=True)
        else:
            # A connection: its own `execute`, where an adapter has one, goes through a cursor
            # (or is not used by SQLAlchemy), so only the cursors' statements are counted.
            counted("ping", PING)
            counted("commit", COMMIT)
            counted("rollback", ROLLBACK)
            original_cursor: Callable[..., Any] = make_cursor

            def cursor(obj: Any, *args: Any, **kwargs: Any) -> Any:
                made = original_cursor(obj, *args, **kwargs)
                counter._instrument(made)
                return made

            overrides["cursor"] = cursor
        return type(f"Counted{cls.__name__}", (cls,), overrides)


def _head(sql: object, width: int = 72) -> str | None:
    if not isinstance(sql, str):
        return None
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
