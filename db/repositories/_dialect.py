"""Dialect-aware INSERT variants for the writes that may race."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import mysql, sqlite
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
