"""Modules, lessons and exercises: the reads and writes the course import/export needs.

Reads refresh rows already in the session (populate_existing): an import compares what is
stored with the file, so it must see the database, not a stale copy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Exercise, ExerciseAttempt, Lesson, Module


async def get_module_by_slug(
    session: AsyncSession, slug: str, *, include_deleted: bool = False
) -> Module | None:
    stmt = select(Module).where(Module.slug == slug).execution_options(populate_existing=True)
    if not include_deleted:
        stmt = stmt.where(Module.deleted_at.is_(None))
    result: Module | None = await session.scalar(stmt)
    return result


async def list_modules(session: AsyncSession) -> list[Module]:
    """Every module that is not deleted, published or not, in course order."""
    stmt = (
        select(Module)
        .where(Module.deleted_at.is_(None))
        .order_by(Module.order, Module.id)
        .execution_options(populate_existing=True)
    )
    return list(await session.scalars(stmt))


async def lessons_of_module(
    session: AsyncSession, module_id: int, *, include_deleted: bool = False
) -> list[Lesson]:
    stmt = (
        select(Lesson)
        .where(Lesson.module_id == module_id)
        .execution_options(populate_existing=True)
    )
    if not include_deleted:
        stmt = stmt.where(Lesson.deleted_at.is_(None))
    return list(await session.scalars(stmt.order_by(Lesson.order, Lesson.id)))


async def modules_by_slugs(session: AsyncSession, slugs: Sequence[str]) -> dict[str, Module]:
    """The modules with these slugs, deleted ones included, by slug."""
    if not slugs:
        return {}
    stmt = select(Module).where(Module.slug.in_(slugs)).execution_options(populate_existing=True)
    return {module.slug: module for module in await session.scalars(stmt)}


async def lessons_of_modules(
    session: AsyncSession, module_ids: Sequence[int]
) -> dict[int, list[Lesson]]:
    """The lessons of these modules, deleted ones included, each module's in order."""
    grouped: dict[int, list[Lesson]] = defaultdict(list)
    if not module_ids:
        return grouped
    stmt = (
        select(Lesson)
        .where(Lesson.module_id.in_(module_ids))
        .order_by(Lesson.module_id, Lesson.order, Lesson.id)
        .execution_options(populate_existing=True)
    )
    for lesson in await session.scalars(stmt):
        grouped[lesson.module_id].append(lesson)
    return grouped


async def insert_modules(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert new modules in one batch; their ids by slug. Without RETURNING: SQLite's driver
    would then insert row by row, a round trip each."""
    if not rows:
        return {}
    await session.execute(insert(Module), list(rows))
    slugs = [row["slug"] for row in rows]
    result = await session.execute(select(Module.slug, Module.id).where(Module.slug.in_(slugs)))
    return {slug: module_id for slug, module_id in result.tuples()}


async def insert_lessons(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> dict[tuple[int, str], int]:
    """Insert new lessons in one batch; their ids by (module id, slug)."""
    if not rows:
        return {}
    await session.execute(insert(Lesson), list(rows))
    module_ids = {row["module_id"] for row in rows}
    result = await session.execute(
        select(Lesson.module_id, Lesson.slug, Lesson.id).where(Lesson.module_id.in_(module_ids))
    )
    return {(module_id, slug): lesson_id for module_id, slug, lesson_id in result.tuples()}


async def insert_exercises(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(Exercise), list(rows))


async def exercises_by_lesson(
    session: AsyncSession, lesson_ids: Sequence[int]
) -> dict[int, list[Exercise]]:
    """The exercises of the given lessons, each lesson's in order (lessons without any absent)."""
    grouped: dict[int, list[Exercise]] = defaultdict(list)
    for ids in _slices(lesson_ids):
        stmt = (
            select(Exercise)
            .where(Exercise.lesson_id.in_(ids))
            .order_by(Exercise.lesson_id, Exercise.order, Exercise.id)
            .execution_options(populate_existing=True)
        )
        for exercise in await session.scalars(stmt):
            grouped[exercise.lesson_id].append(exercise)
    return grouped


# Ids per IN list: a course file may name tens of thousands of lessons, more than SQLite takes
# as parameters of one statement.
_IN_LIMIT = 1000


def _slices(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[start : start + _IN_LIMIT] for start in range(0, len(ids), _IN_LIMIT)]


async def delete_exercises(session: AsyncSession, exercise_ids: Sequence[int]) -> None:
    for ids in _slices(exercise_ids):
        await session.execute(delete(Exercise).where(Exercise.id.in_(ids)))


async def has_published_lesson(session: AsyncSession) -> bool:
    """Whether a learner would find anything: a published lesson in a published module."""
    stmt = select(
        exists().where(
            Lesson.module_id == Module.id,
            Module.is_published.is_(True),
            Module.deleted_at.is_(None),
            Lesson.is_published.is_(True),
            Lesson.deleted_at.is_(None),
        )
    )
    return bool(await session.scalar(stmt))


_ANSWERED = (
    select(
        ExerciseAttempt.exercise_id,
        Lesson.id,
        Module.slug,
        Lesson.slug,
        Lesson.title,
        func.count(),
    )
    .join(Exercise, Exercise.id == ExerciseAttempt.exercise_id)
    .join(Lesson, Lesson.id == Exercise.lesson_id)
    .join(Module, Module.id == Lesson.module_id)
    .group_by(ExerciseAttempt.exercise_id, Lesson.id, Module.slug, Lesson.slug, Lesson.title)
)


@dataclass(frozen=True, slots=True)
class AnsweredExercise:
    exercise_id: int
    lesson_id: int
    module_slug: str
    lesson_slug: str
    lesson_title: str
    answers: int


async def answered_exercises(
    session: AsyncSession, module_slugs: Sequence[str]
) -> list[AnsweredExercise]:
    """The exercises of the named modules that learners have answered, with how many answers
    (exercise_attempts rows) each has: one grouped statement, whatever the number of learners."""
    if not module_slugs:
        return []
    result = await session.execute(_ANSWERED.where(Module.slug.in_(module_slugs)))
    return [AnsweredExercise(*row) for row in result]
