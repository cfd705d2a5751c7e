"""Dialect-aware INSERT variants for the writes that may race."""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Insert, Table, TextClause, bindparam, text
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def _table(model: type[DeclarativeBase] | Table) -> Table:
    return model if isinstance(model, Table) else model.__table__  # type: ignore[return-value]


def insert_ignore(
    session: AsyncSession,
    model: type[DeclarativeBase] | Table,
    values: dict[str, Any] | list[dict[str, Any]],
) -> Insert:
    """INSERT that silently does nothing when a unique key already holds the row (a list of
    rows: one multi-row statement)."""
    table = _table(model)
    if session.get_bind().dialect.name == "mysql":
        return mysql.insert(table).values(values).prefix_with("IGNORE")
    return sqlite.insert(table).values(values).on_conflict_do_nothing()


def upsert(
    session: AsyncSession,
    model: type[DeclarativeBase] | Table,
    values: dict[str, Any],
    *,
    conflict_columns: list[str],
    update_columns: list[str],
) -> Insert:
    """INSERT .. ON DUPLICATE KEY UPDATE / ON CONFLICT DO UPDATE on the given columns."""
    table = _table(model)
    if session.get_bind().dialect.name == "mysql":
        stmt = mysql.insert(table).values(values)
        return stmt.on_duplicate_key_update({c: stmt.inserted[c] for c in update_columns})
    lite = sqlite.insert(table).values(values)
    return lite.on_conflict_do_update(
        index_elements=conflict_columns, set_={c: lite.excluded[c] for c in update_columns}
    )


_COMPILED: weakref.WeakKeyDictionary[Dialect, dict[Callable[[Dialect], Any], TextClause]] = (
    weakref.WeakKeyDictionary()
)


def compiled_once(dialect: Dialect, build: Callable[[Dialect], Any]) -> TextClause:
    """The statement `build` makes for `dialect` (its parameters as bindparams), compiled once
    per dialect into a plain text statement, which SQLAlchemy's statement cache keeps.

    SQLAlchemy cannot cache the dialects' own INSERT variants (ON DUPLICATE KEY UPDATE, ON
    CONFLICT), so one built per call is compiled per call: for a large upsert on an answer's
    path that was a tenth of the answer's CPU. Compiled by the live dialect (MariaDB and MySQL
    8 spell the upsert differently), with named parameters so the text keeps their types."""
    known = _COMPILED.setdefault(dialect, {})
    clause = known.get(build)
    if clause is None:
        named = copy.copy(dialect)
        named.paramstyle, named.positional = "named", False
        compiled = build(dialect).compile(dialect=named)
        clause = text(compiled.string).bindparams(
            *(
                bindparam(name, b.value, type_=b.type, required=b.required)
                for b, name in compiled.bind_names.items()
            )
        )
        known[build] = clause
    return clause
