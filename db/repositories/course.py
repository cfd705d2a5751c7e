"""Read queries over the published course, joined with one learner's progress."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import ProgressStatus
from db.models import Exercise, Lesson, Module, UserProgress


@dataclass(frozen=True, slots=True)
class ModuleRow:
    id: int
    slug: str
    title: str
    description: str | None
    lessons_total: int
    lessons_completed: int


@dataclass(frozen=True, slots=True)
class LessonRow:
    id: int
    module_id: int
    slug: str
    title: str
    order: int
    estimated_minutes: int | None
    exercise_count: int
    status: ProgressStatus
    score: int | None


def _visible_modules() -> tuple[ColumnElement[bool], ...]:
    return (Module.is_published.is_(True), Module.deleted_at.is_(None))


def _visible_lessons() -> tuple[ColumnElement[bool], ...]:
    return (Lesson.is_published.is_(True), Lesson.deleted_at.is_(None))


def _course_order() -> Select[tuple[int]]:
    """Published lessons of published modules, in the order a learner takes them."""
    return (
        select(Lesson.id)
        .join(Module, Module.id == Lesson.module_id)
        .where(*_visible_modules(), *_visible_lessons())
        .order_by(Module.order, Module.id, Lesson.order, Lesson.id)
    )


async def modules_with_progress(session: AsyncSession, user_id: int) -> list[ModuleRow]:
    """Published modules in order, each with its published lesson count and the learner's
    completed count: one query."""
    completed = case((UserProgress.status == ProgressStatus.COMPLETED, 1), else_=0)
    stmt = (
        select(
            Module.id,
            Module.slug,
            Module.title,
            Module.description,
            func.count(Lesson.id),
            func.coalesce(func.sum(completed), 0),
        )
        .outerjoin(Lesson, and_(Lesson.module_id == Module.id, *_visible_lessons()))
        .outerjoin(
            UserProgress,
            and_(UserProgress.lesson_id == Lesson.id, UserProgress.user_id == user_id),
        )
        .where(*_visible_modules())
        .group_by(Module.id, Module.slug, Module.title, Module.description, Module.order)
        .order_by(Module.order, Module.id)
    )
    rows = await session.execute(stmt)
    return [ModuleRow(r[0], r[1], r[2], r[3], int(r[4]), int(r[5])) for r in rows]


async def get_visible_module(session: AsyncSession, module_id: int) -> Module | None:
    result: Module | None = await session.scalar(
        select(Module).where(Module.id == module_id, *_visible_modules())
    )
    return result


async def lessons_with_progress(
    session: AsyncSession, user_id: int, module_id: int
) -> list[LessonRow]:
    """A module's published lessons in order, with exercise counts and the learner's status."""
    exercise_count = (
        select(func.count(Exercise.id)).where(Exercise.lesson_id == Lesson.id).scalar_subquery()
    )
    stmt = (
        select(
            Lesson.id,
            Lesson.module_id,
            Lesson.slug,
            Lesson.title,
            Lesson.order,
            Lesson.estimated_minutes,
            exercise_count,
            UserProgress.status,
            UserProgress.score,
        )
        .outerjoin(
            UserProgress,
            and_(UserProgress.lesson_id == Lesson.id, UserProgress.user_id == user_id),
        )
        .where(Lesson.module_id == module_id, *_visible_lessons())
        .order_by(Lesson.order, Lesson.id)
    )
    rows = await session.execute(stmt)
    return [
        LessonRow(
            id=r[0],
            module_id=r[1],
            slug=r[2],
            title=r[3],
            order=r[4],
            estimated_minutes=r[5],
            exercise_count=int(r[6]),
            status=r[7] or ProgressStatus.NOT_STARTED,
            score=r[8],
        )
        for r in rows
    ]


async def first_unfinished_lesson(session: AsyncSession, user_id: int) -> int | None:
    """The first published lesson, in course order, the learner has not completed."""
    done = (
        select(UserProgress.lesson_id)
        .where(
            UserProgress.user_id == user_id,
            UserProgress.status == ProgressStatus.COMPLETED,
        )
        .scalar_subquery()
    )
    result: int | None = await session.scalar(
        _course_order().where(Lesson.id.not_in(done)).limit(1)
    )
    return result


@dataclass(frozen=True, slots=True)
class ProgressTotals:
    average_score: float | None
    time_spent_seconds: int


async def progress_totals(session: AsyncSession, user_id: int) -> ProgressTotals:
    """Over the learner's visible lessons: AVG skips NULL scores, so unscored lessons never
    count as 0."""
    row = (
        await session.execute(
            select(
                func.avg(UserProgress.score),
                func.coalesce(func.sum(UserProgress.time_spent_seconds), 0),
            )
            .join(Lesson, Lesson.id == UserProgress.lesson_id)
            .join(Module, Module.id == Lesson.module_id)
            .where(UserProgress.user_id == user_id, *_visible_lessons(), *_visible_modules())
        )
    ).one()
    average = None if row[0] is None else float(row[0])
    return ProgressTotals(average, int(row[1]))
