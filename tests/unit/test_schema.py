"""The live, migrated database has the tables, keys and indexes DESIGN.md's data rules rely on.

Everything here is read back through SQLAlchemy's inspector from the database itself (not from
the models), so a migration that forgot a key fails here even when the models have it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from sqlalchemy import Connection, inspect
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")

DESIGN_TABLES = {
    "users",
    "modules",
    "lessons",
    "exercises",
    "exercise_attempts",
    "user_progress",
    "module_progress",
    "achievements",
    "user_achievements",
    "leaderboard_cache",
    "activity_log",
    "broadcasts",
    "broadcast_deliveries",
    "job_runs",
}

UNIQUE_KEYS = [
    ("users", ("telegram_id",)),
    ("modules", ("slug",)),
    ("lessons", ("module_id", "slug")),
    ("user_progress", ("user_id", "lesson_id")),
    ("module_progress", ("user_id", "module_id")),
    ("achievements", ("code",)),
    ("user_achievements", ("user_id", "achievement_id")),
    # One row per learner per board, in each generation of the board (see db.models.leaderboard).
    ("leaderboard_cache", ("user_id", "period", "generation")),
]

INDEXES = [
    ("user_progress", ("user_id", "status")),
    ("user_progress", ("lesson_id", "status")),
    ("lessons", ("module_id", "order")),
    ("user_achievements", ("user_id", "earned_at")),
    ("leaderboard_cache", ("generation", "period", "position")),
    ("activity_log", ("user_id", "activity_type", "created_at")),
    ("activity_log", ("created_at",)),
]

# Tables holding rows about one learner: "delete my data" relies on their cascade.
ROWS_ABOUT_A_LEARNER = {
    "user_progress",
    "module_progress",
    "exercise_attempts",
    "user_achievements",
    "leaderboard_cache",
    "activity_log",
    "broadcast_deliveries",
}


async def _inspect(engine: AsyncEngine, fn: Callable[[Inspector], T]) -> T:
    async with engine.connect() as conn:

        def run(sync_conn: Connection) -> T:
            return fn(inspect(sync_conn))

        return await conn.run_sync(run)


def _unique_keys(inspector: Inspector, table: str) -> set[tuple[str, ...]]:
    """Unique column sets, however the dialect reports them (MariaDB lists a UNIQUE KEY both as
    a constraint and as a unique index; SQLite only as a constraint)."""
    keys = {tuple(c["column_names"]) for c in inspector.get_unique_constraints(table)}
    keys |= {
        tuple(str(name) for name in i["column_names"])
        for i in inspector.get_indexes(table)
        if i["unique"]
    }
    return keys


def _indexes(inspector: Inspector, table: str) -> set[tuple[str, ...]]:
    return {tuple(str(name) for name in i["column_names"]) for i in inspector.get_indexes(table)}


def _checks(inspector: Inspector, table: str) -> list[dict[str, Any]]:
    return [dict(c) for c in inspector.get_check_constraints(table)]


async def test_every_design_table_exists(engine: AsyncEngine) -> None:
    tables = await _inspect(engine, lambda i: set(i.get_table_names()))
    assert tables >= DESIGN_TABLES, f"missing: {sorted(DESIGN_TABLES - tables)}"


@pytest.mark.parametrize(("table", "columns"), UNIQUE_KEYS, ids=lambda v: str(v))
async def test_unique_key(engine: AsyncEngine, table: str, columns: tuple[str, ...]) -> None:
    keys = await _inspect(engine, lambda i: _unique_keys(i, table))
    assert columns in keys, f"{table} unique keys: {sorted(keys)}"


async def test_broadcast_deliveries_primary_key(engine: AsyncEngine) -> None:
    pk = await _inspect(engine, lambda i: i.get_pk_constraint("broadcast_deliveries"))
    assert pk["constrained_columns"] == ["broadcast_id", "user_id"]


@pytest.mark.parametrize(("table", "columns"), INDEXES, ids=lambda v: str(v))
async def test_index(engine: AsyncEngine, table: str, columns: tuple[str, ...]) -> None:
    indexes = await _inspect(engine, lambda i: _indexes(i, table))
    assert columns in indexes, f"{table} indexes: {sorted(indexes)}"


@pytest.mark.parametrize(
    "expression",
    [
        "score is null or score between 0 and 100",
        "attempts >= 0",
        "time_spent_seconds >= 0",
    ],
)
async def test_user_progress_check_constraint(engine: AsyncEngine, expression: str) -> None:
    checks = await _inspect(engine, lambda i: _checks(i, "user_progress"))
    # MariaDB hands the expression back backquoted and lower-cased; SQLite as it was written.
    texts = [" ".join(str(c["sqltext"]).replace("`", "").lower().split()) for c in checks]
    assert expression in texts, f"user_progress checks: {texts}"


async def test_rows_about_a_learner_cascade_when_the_learner_goes(engine: AsyncEngine) -> None:
    def foreign_keys_to_users(inspector: Inspector) -> dict[str, list[dict[str, Any]]]:
        return {
            table: [dict(fk) for fk in inspector.get_foreign_keys(table)]
            for table in inspector.get_table_names()
        }

    all_fks = await _inspect(engine, foreign_keys_to_users)
    referencing = {
        table for table, fks in all_fks.items() for fk in fks if fk["referred_table"] == "users"
    }
    assert referencing >= ROWS_ABOUT_A_LEARNER
    for table in referencing:
        for fk in all_fks[table]:
            if fk["referred_table"] == "users":
                ondelete = (fk.get("options") or {}).get("ondelete")
                assert str(ondelete).upper() == "CASCADE", f"{table}.{fk['constrained_columns']}"
