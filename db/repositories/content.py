"""Modules, lessons and exercises: the reads and writes the course import/export needs.

Reads refresh rows already in the session (populate_existing): an import compares what is
stored with the file, so it must see the database, not a stale copy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select
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


async def exercises_by_lesson(
    session: AsyncSession, lesson_ids: Sequence[int]
) -> dict[int, list[Exercise]]:
    """The exercises of the given lessons, each lesson's in order (lessons without any absent)."""
    grouped: dict[int, list[Exercise]] = defaultdict(list)
    if not lesson_ids:
        return grouped
    stmt = (
        select(Exercise)
        .where(Exercise.lesson_id.in_(lesson_ids))
        .order_by(Exercise.lesson_id, Exercise.order, Exercise.id)
        .execution_options(populate_existing=True)
    )
    for exercise in await session.scalars(stmt):
        grouped[exercise.lesson_id].append(exercise)
    return grouped


async def delete_exercises(session: AsyncSession, exercise_ids: Sequence[int]) -> None:
    if exercise_ids:
        await session.execute(delete(Exercise).where(Exercise.id.in_(exercise_ids)))


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
