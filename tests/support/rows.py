"""Reading and changing rows behind the bot's back, each with a fresh session."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import (
    ActivityLog,
    Base,
    Exercise,
    ExerciseAttempt,
    Lesson,
    Module,
    ModuleProgress,
    ReviewCard,
    ReviewLog,
    UserProgress,
)

M = TypeVar("M", bound=Base)

# What a learner's actions write; a stale or forged button must leave all of it alone.
LEARNING_TABLES: tuple[type[Base], ...] = (
    UserProgress,
    ModuleProgress,
    ExerciseAttempt,
    ActivityLog,
    ReviewCard,
    ReviewLog,
)
# The course itself: what importing a course file writes.
CONTENT_TABLES: tuple[type[Base], ...] = (Module, Lesson, Exercise)


async def rows(
    sessionmaker: async_sessionmaker[AsyncSession], model: type[M], *where: ColumnElement[bool]
) -> list[M]:
    """The table's rows (filtered), by id, read back with a fresh session."""
    async with sessionmaker() as s:
        return list(await s.scalars(select(model).where(*where).order_by(model.id)))  # type: ignore[attr-defined]


async def one(
    sessionmaker: async_sessionmaker[AsyncSession], model: type[M], *where: ColumnElement[bool]
) -> M:
    found = await rows(sessionmaker, model, *where)
    assert len(found) == 1, f"expected one {model.__name__}, found {len(found)}"
    return found[0]


async def set_values(
    sessionmaker: async_sessionmaker[AsyncSession],
    model: type[Base],
    row_id: int,
    **values: Any,
) -> None:
    """Change a row behind the bot's back (an admin unpublishing, time passing...)."""
    async with sessionmaker() as s:
        await s.execute(update(model).where(model.id == row_id).values(**values))  # type: ignore[attr-defined]
        await s.commit()


async def snapshot(
    sessionmaker: async_sessionmaker[AsyncSession],
    tables: tuple[type[Base], ...] = LEARNING_TABLES,
) -> dict[str, list[dict[str, Any]]]:
    """Every column of every row of the learning tables (or of `tables`)."""
    result = {}
    for model in tables:
        columns = model.__table__.columns
        result[model.__tablename__] = [
            {c.name: getattr(row, c.key) for c in columns}
            for row in await rows(sessionmaker, model)
        ]
    return result
