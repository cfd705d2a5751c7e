"""Modules, lessons and exercises as the admin's authoring screens read and write them: drafts
included, deleted ones left out (a deleted lesson is only ever found to say it is gone)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Exercise, Lesson, Module

_LIVE_LESSON = Lesson.deleted_at.is_(None)

MODULE_SUMMARIES = (
    select(
        Module.id,
        Module.slug,
        Module.title,
        Module.is_published,
        func.count(Lesson.id),
        func.coalesce(func.sum(case((Lesson.is_published.is_(True), 1), else_=0)), 0),
    )
    .outerjoin(Lesson, and_(Lesson.module_id == Module.id, _LIVE_LESSON))
    .where(Module.deleted_at.is_(None))
    .group_by(Module.id, Module.slug, Module.title, Module.is_published, Module.order)
    .order_by(Module.order, Module.id)
)

_EXERCISE_COUNT = (
    select(func.count(Exercise.id)).where(Exercise.lesson_id == Lesson.id).scalar_subquery()
)

MODULE_LESSONS = (
    select(Lesson.id, Lesson.slug, Lesson.title, Lesson.is_published, _EXERCISE_COUNT)
    .where(_LIVE_LESSON)
    .order_by(Lesson.order, Lesson.id)
)


async def module_summaries(session: AsyncSession) -> Sequence[Row[Any]]:
    """(id, slug, title, is_published, lessons, published lessons) of every live module."""
    return (await session.execute(MODULE_SUMMARIES)).all()


async def live_module(session: AsyncSession, module_id: int) -> Module | None:
    found: Module | None = await session.scalar(
        select(Module).where(Module.id == module_id, Module.deleted_at.is_(None))
    )
    return found


async def module_lessons(session: AsyncSession, module_id: int) -> Sequence[Row[Any]]:
    """(id, slug, title, is_published, exercise count) of the module's live lessons, in order."""
    return (await session.execute(MODULE_LESSONS.where(Lesson.module_id == module_id))).all()


async def module_slugs(session: AsyncSession) -> set[str]:
    """Every module's slug, deleted modules' included: theirs stay theirs."""
    return set(await session.scalars(select(Module.slug)))


async def soft_delete_module(session: AsyncSession, module_id: int, now: datetime) -> bool:
    """Marks the module deleted; False when it already was (or never existed)."""
    result = await session.execute(
        update(Module)
        .where(Module.id == module_id, Module.deleted_at.is_(None))
        .values(deleted_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def next_module_order(session: AsyncSession) -> int:
    highest = await session.scalar(select(func.max(Module.order)))
    return int(highest or 0) + 1


async def lesson_slugs(session: AsyncSession, module_id: int) -> set[str]:
    """Every slug used in the module, deleted lessons' included (the unique key covers them)."""
    return set(await session.scalars(select(Lesson.slug).where(Lesson.module_id == module_id)))


async def next_lesson_order(session: AsyncSession, module_id: int) -> int:
    highest = await session.scalar(
        select(func.max(Lesson.order)).where(Lesson.module_id == module_id)
    )
    return int(highest or 0) + 1


async def live_lesson(session: AsyncSession, lesson_id: int) -> Lesson | None:
    """The lesson unless it or its module is deleted."""
    found: Lesson | None = await session.scalar(
        select(Lesson)
        .join(Module, Module.id == Lesson.module_id)
        .where(Lesson.id == lesson_id, _LIVE_LESSON, Module.deleted_at.is_(None))
    )
    return found


async def lesson_exercises(session: AsyncSession, lesson_id: int) -> list[Exercise]:
    stmt = select(Exercise).where(Exercise.lesson_id == lesson_id)
    return list(await session.scalars(stmt.order_by(Exercise.order, Exercise.id)))


async def live_exercise(session: AsyncSession, exercise_id: int) -> Exercise | None:
    """The exercise unless its lesson or module is deleted."""
    found: Exercise | None = await session.scalar(
        select(Exercise)
        .join(Lesson, Lesson.id == Exercise.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(Exercise.id == exercise_id, _LIVE_LESSON, Module.deleted_at.is_(None))
    )
    return found


async def delete_exercise(session: AsyncSession, exercise_id: int) -> None:
    """The row goes, its learners' answers and review cards with it, as a course file that
    drops an exercise does."""
    await session.execute(delete(Exercise).where(Exercise.id == exercise_id))


async def next_exercise_order(session: AsyncSession, lesson_id: int) -> int:
    highest = await session.scalar(
        select(func.max(Exercise.order)).where(Exercise.lesson_id == lesson_id)
    )
    return int(highest or 0) + 1


async def live_lesson_ids(session: AsyncSession, module_id: int) -> list[int]:
    stmt = select(Lesson.id).where(Lesson.module_id == module_id, _LIVE_LESSON)
    return list(await session.scalars(stmt.order_by(Lesson.order, Lesson.id)))


async def renumber_lessons(session: AsyncSession, ordered_ids: Sequence[int]) -> None:
    """Orders 1..n in the given order, in one statement."""
    if not ordered_ids:
        return
    positions = {lesson_id: position for position, lesson_id in enumerate(ordered_ids, 1)}
    await session.execute(
        update(Lesson)
        .where(Lesson.id.in_(ordered_ids))
        .values(order=case(positions, value=Lesson.id))
        .execution_options(synchronize_session=False)
    )


async def soft_delete_lesson(session: AsyncSession, lesson_id: int, now: datetime) -> bool:
    """Marks the lesson deleted; False when it already was (or never existed)."""
    result = await session.execute(
        update(Lesson)
        .where(Lesson.id == lesson_id, _LIVE_LESSON)
        .values(deleted_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
