"""The hot path's statements, compiled once per dialect and sent with the connection's
`exec_driver_sql`.

Executed the usual way, every statement pays on every execution for the ORM session's layer, a
compiled execution context and its parameters' and result's processing: about 0.1 ms a
statement, measured over an answer's five (docs/benchmarks.md, bench/driver_floor.py), a fifth
of the answer's CPU. `exec_driver_sql` keeps what matters here: the session's connection and
transaction, the engine's events that time each round trip (db.watchdog) and SQLAlchemy's
wrapping of the driver's errors, which the unit of work reads. The SQL is compiled here once,
and each parameter goes through its type's bind processor, as SQLAlchemy would send it.

Rows come back as the driver gives them, with no result processing: a read sent this way must
return values that need none (numbers, texts such as the lesson state's JSON array).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CursorResult
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ClauseElement

from db.engine import note_write

# A statement, or what builds it for a dialect (for the dialects' own INSERT variants).
Statement = ClauseElement | Callable[[Dialect], ClauseElement]
Processor = Callable[[Any], Any] | None
# In a compiled statement's order: a parameter the caller gives (not a constant of its own).
_GIVEN = object()


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    # The parameters in the driver's order: name, own value (_GIVEN: the caller's), processor.
    order: tuple[tuple[str, Any, Processor], ...]
    writes: bool

    def parameters(self, values: dict[str, Any]) -> tuple[Any, ...]:
        sent = []
        for name, own, process in self.order:
            value = values[name] if own is _GIVEN else own
            sent.append(value if process is None else process(value))
        return tuple(sent)


# By dialect, then by statement and the names of the values given: an INSERT or an UPDATE
# without values() of its own sets the columns it is given, as SQLAlchemy's own cache keys it.
_COMPILED: weakref.WeakKeyDictionary[
    Dialect, dict[tuple[Statement, tuple[str, ...]], _Compiled]
] = weakref.WeakKeyDictionary()


def _compile(dialect: Dialect, statement: Statement, names: tuple[str, ...]) -> _Compiled:
    clause = statement if isinstance(statement, ClauseElement) else statement(dialect)
    compiled: Any = clause.compile(dialect=dialect, column_keys=list(names))
    if not dialect.positional:
        raise ValueError(f"{dialect.name}'s driver takes named parameters")
    order = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        if bind.expanding:
            raise ValueError(f"{name}: an IN list's parameter is not compiled once")
        own = _GIVEN if bind.required else bind.value
        order.append((name, own, bind.type.dialect_impl(dialect).bind_processor(dialect)))
    return _Compiled(compiled.string, tuple(order), writes=bool(getattr(clause, "is_dml", False)))


async def execute(
    session: AsyncSession, statement: Statement, values: dict[str, Any]
) -> CursorResult[Any]:
    """Run `statement` (kept by identity: a module's constant, or a builder) with `values` in
    the session's transaction."""
    connection = await session.connection()
    dialect = connection.dialect
    known = _COMPILED.setdefault(dialect, {})
    key = (statement, tuple(values))
    compiled = known.get(key)
    if compiled is None:
        compiled = known[key] = _compile(dialect, statement, key[1])
    result = await connection.exec_driver_sql(compiled.sql, compiled.parameters(values))
    if compiled.writes:
        note_write(session)
    return result
