"""The published course as learners see it, read whole for the in-process catalog, and a cheap
fingerprint that changes whenever any module, lesson or exercise does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Exercise, Lesson, Module

_modules, _lessons, _exercises = Module.__table__, Lesson.__table__, Exercise.__table__

_VISIBLE_MODULE = (_modules.c.is_published.is_(True), _modules.c.deleted_at.is_(None))
_VISIBLE_LESSON = (_lessons.c.is_published.is_(True), _lessons.c.deleted_at.is_(None))

# Every write to content moves one of these: an update stamps updated_at (soft deletes and
# publishing included), an insert or delete changes a count.
FINGERPRINT = select(
    select(func.max(_modules.c.updated_at)).scalar_subquery(),
    select(func.max(_lessons.c.updated_at)).scalar_subquery(),
    select(func.max(_exercises.c.updated_at)).scalar_subquery(),
    select(func.count()).select_from(_modules).scalar_subquery(),
    select(func.count()).select_from(_lessons).scalar_subquery(),
    select(func.count()).select_from(_exercises).scalar_subquery(),
)

VISIBLE_MODULES = (
    select(
        _modules.c.id,
        _modules.c.slug,
        _modules.c.title,
        _modules.c.description,
        _modules.c.order,
    )
    .where(*_VISIBLE_MODULE)
    .order_by(_modules.c.order, _modules.c.id)
)

VISIBLE_LESSONS = (
    select(
        _lessons.c.id,
        _lessons.c.module_id,
        _lessons.c.slug,
        _lessons.c.title,
        _lessons.c.content,
        _lessons.c.order,
        _lessons.c.estimated_minutes,
        _lessons.c.xp,
        _lessons.c.pass_score,
        _lessons.c.updated_at,
    )
    .join(_modules, _modules.c.id == _lessons.c.module_id)
    .where(*_VISIBLE_MODULE, *_VISIBLE_LESSON)
    .order_by(_modules.c.order, _modules.c.id, _lessons.c.order, _lessons.c.id)
)

VISIBLE_EXERCISES = (
    select(
        _exercises.c.id,
        _exercises.c.lesson_id,
        _exercises.c.type,
        _exercises.c.prompt,
        _exercises.c.options,
        _exercises.c.answer,
        _exercises.c.explanation,
        _exercises.c.points,
    )
    .join(_lessons, _lessons.c.id == _exercises.c.lesson_id)
    .join(_modules, _modules.c.id == _lessons.c.module_id)
    .where(*_VISIBLE_MODULE, *_VISIBLE_LESSON)
    .order_by(_exercises.c.lesson_id, _exercises.c.order, _exercises.c.id)
)


async def fingerprint(session: AsyncSession) -> tuple[Any, ...]:
    return tuple((await session.execute(FINGERPRINT)).one())


async def visible_content(
    session: AsyncSession,
) -> tuple[Sequence[Row[Any]], Sequence[Row[Any]], Sequence[Row[Any]]]:
    """Published modules, their published lessons and those lessons' exercises, in order."""
    modules = (await session.execute(VISIBLE_MODULES)).all()
    lessons = (await session.execute(VISIBLE_LESSONS)).all()
    exercises = (await session.execute(VISIBLE_EXERCISES)).all()
    return modules, lessons, exercises
