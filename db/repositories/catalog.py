"""The published course as learners see it, read whole for the in-process catalog, and the
content version that changes whenever any module, lesson or exercise does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ContentVersion, Exercise, Lesson, Module

_modules, _lessons, _exercises = Module.__table__, Lesson.__table__, Exercise.__table__
_version = ContentVersion.__table__

_VISIBLE_MODULE = (_modules.c.is_published.is_(True), _modules.c.deleted_at.is_(None))
_VISIBLE_LESSON = (_lessons.c.is_published.is_(True), _lessons.c.deleted_at.is_(None))

# The database's triggers move it on every write to the three tables, plain SQL included: one
# primary-key read, whatever the size of the course.
CONTENT_VERSION = select(_version.c.version).where(_version.c.id == 1)

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


def visible_exercise(exercise_id: Any) -> Any:
    """A condition on another table's exercise column (a review card's, say): learners see the
    exercise, by the catalog's own rule."""
    return exercise_id.in_(
        select(_exercises.c.id)
        .join(_lessons, _lessons.c.id == _exercises.c.lesson_id)
        .join(_modules, _modules.c.id == _lessons.c.module_id)
        .where(*_VISIBLE_MODULE, *_VISIBLE_LESSON)
    )


async def content_version(session: AsyncSession) -> int | None:
    """None only when an operator deleted the row; the next change to content brings it back."""
    return (await session.execute(CONTENT_VERSION)).scalar_one_or_none()


async def visible_content(
    session: AsyncSession,
) -> tuple[Sequence[Row[Any]], Sequence[Row[Any]], Sequence[Row[Any]]]:
    """Published modules, their published lessons and those lessons' exercises, in order."""
    modules = (await session.execute(VISIBLE_MODULES)).all()
    lessons = (await session.execute(VISIBLE_LESSONS)).all()
    exercises = (await session.execute(VISIBLE_EXERCISES)).all()
    return modules, lessons, exercises
