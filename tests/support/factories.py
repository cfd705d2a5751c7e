"""Rows the persistence tests start from, written with plain core inserts (no business logic)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.models import Base, Lesson, Module, User


@dataclass(frozen=True, slots=True)
class Course:
    module_id: int
    lesson_ids: tuple[int, ...]

    @property
    def lesson_id(self) -> int:
        return self.lesson_ids[0]


def table_of(model: type[Base] | Table) -> Table:
    return model if isinstance(model, Table) else cast(Table, model.__table__)


async def insert_row(conn: AsyncConnection, model: type[Base] | Table, **values: Any) -> int:
    """Insert one row with a core INSERT and return its first primary-key column."""
    result = await conn.execute(insert(table_of(model)).values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


async def create_user(engine: AsyncEngine, telegram_id: int) -> int:
    async with engine.begin() as conn:
        return await insert_row(conn, User, telegram_id=telegram_id)


async def create_course(engine: AsyncEngine, slug: str = "basics", lessons: int = 1) -> Course:
    """A module with `lessons` lessons, in order."""
    async with engine.begin() as conn:
        module_id = await insert_row(conn, Module, slug=slug, title=slug.title())
        lesson_ids = [
            await insert_row(
                conn, Lesson, module_id=module_id, slug=f"lesson-{n}", title=f"Lesson {n}", order=n
            )
            for n in range(1, lessons + 1)
        ]
    return Course(module_id, tuple(lesson_ids))


async def count(engine: AsyncEngine, model: type[Base] | Table, **where: Any) -> int:
    """Rows of the table, optionally only those whose columns equal the given values."""
    table = table_of(model)
    stmt = select(func.count()).select_from(table)
    for column, value in where.items():
        stmt = stmt.where(table.c[column] == value)
    async with engine.connect() as conn:
        return int((await conn.execute(stmt)).scalar_one())
