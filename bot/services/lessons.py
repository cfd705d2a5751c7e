"""Browsing and reading lessons, marking reading-only lessons done, resetting a lesson."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.completion import Effects, complete_lesson, touch_lesson, track_time
from bot.services.errors import AlreadyDone, LessonGone, ModuleGone, NotUnderstood, UnknownLesson
from bot.services.unit_of_work import unit_of_work
from db import clock
from db.enums import ProgressStatus
from db.models import Lesson
from db.repositories import course, progress
from db.repositories.course import LessonRow, ModuleRow


@dataclass(frozen=True, slots=True)
class ModuleView:
    id: int
    title: str
    description: str | None
    lessons: list[LessonRow]

    @property
    def lessons_completed(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.status is ProgressStatus.COMPLETED)


@dataclass(frozen=True, slots=True)
class LessonView:
    id: int
    module_id: int
    slug: str
    title: str
    # Markdown as the author wrote it; `version` changes whenever the lesson does.
    content: str
    version: datetime
    estimated_minutes: int | None
    xp: int
    pass_score: int
    exercise_count: int
    status: ProgressStatus
    score: int | None
    attempts: int
    run_open: bool


@dataclass(frozen=True, slots=True)
class LessonBrief:
    id: int
    module_id: int
    title: str


@dataclass(frozen=True, slots=True)
class LessonDone:
    lesson_id: int
    module_id: int
    next_lesson_id: int | None
    effects: Effects


class NothingLeft(enum.Enum):
    """Why Continue has no lesson to open."""

    ALL_DONE = "all_done"
    NO_COURSES = "no_courses"


@unit_of_work
async def list_modules(session: AsyncSession, user_id: int) -> list[ModuleRow]:
    return await course.modules_with_progress(session, user_id)


@unit_of_work
async def module_view(session: AsyncSession, user_id: int, module_id: int) -> ModuleView:
    module = await course.get_visible_module(session, module_id)
    if module is None:
        raise ModuleGone
    lessons = await course.lessons_with_progress(session, user_id, module_id)
    return ModuleView(module.id, module.title, module.description, lessons)


async def _visible_lesson(session: AsyncSession, lesson_id: int) -> Lesson:
    lesson = await course.get_visible_lesson(session, lesson_id)
    if lesson is None:
        raise LessonGone
    return lesson


@unit_of_work
async def open_lesson(session: AsyncSession, user_id: int, lesson_id: int) -> LessonView:
    """Record that the learner is reading the lesson and return what to show."""
    lesson = await _visible_lesson(session, lesson_id)
    await progress.lock_learner(session, user_id)
    row = await progress.get_or_create(session, user_id, lesson_id)
    await touch_lesson(session, row, lesson)
    exercise_count = len(await course.exercises_of(session, lesson_id))
    return LessonView(
        id=lesson.id,
        module_id=lesson.module_id,
        slug=lesson.slug,
        title=lesson.title,
        content=lesson.content,
        version=lesson.updated_at,
        estimated_minutes=lesson.estimated_minutes,
        xp=lesson.xp,
        pass_score=lesson.pass_score,
        exercise_count=exercise_count,
        status=row.status,
        score=row.score,
        attempts=row.attempts,
        run_open=row.active_run is not None,
    )


@unit_of_work
async def open_lesson_by_slug(session: AsyncSession, user_id: int, slug: str) -> LessonView:
    """A deep link's lesson; slugs are unique within a module, and across modules the first in
    course order wins."""
    lesson = await course.find_visible_lesson_by_slug(session, slug)
    if lesson is None:
        raise UnknownLesson
    return await open_lesson(session, user_id, lesson.id)


@unit_of_work
async def continue_lesson(session: AsyncSession, user_id: int) -> LessonView | NothingLeft:
    """The first lesson in course order the learner has not completed, opened."""
    lesson_id = await course.first_unfinished_lesson(session, user_id)
    if lesson_id is not None:
        return await open_lesson(session, user_id, lesson_id)
    if await course.modules_with_progress(session, user_id):
        return NothingLeft.ALL_DONE
    return NothingLeft.NO_COURSES


@unit_of_work
async def mark_done(session: AsyncSession, user_id: int, lesson_id: int) -> LessonDone:
    """Complete a reading-only lesson; only the first call counts."""
    lesson = await _visible_lesson(session, lesson_id)
    if await course.exercises_of(session, lesson_id):
        raise NotUnderstood  # lessons with exercises are completed by passing them
    await progress.lock_learner(session, user_id)
    row = await progress.get_or_create(session, user_id, lesson_id)
    if row.status is ProgressStatus.COMPLETED:
        raise AlreadyDone
    track_time(row, clock.now(session))
    effects = await complete_lesson(session, row, lesson, score=None, passed=True)
    next_id = await course.next_lesson_after(session, lesson)
    return LessonDone(lesson.id, lesson.module_id, next_id, effects)


@unit_of_work
async def lesson_brief(session: AsyncSession, lesson_id: int) -> LessonBrief:
    lesson = await _visible_lesson(session, lesson_id)
    return LessonBrief(lesson.id, lesson.module_id, lesson.title)


@unit_of_work
async def reset_lesson(session: AsyncSession, user_id: int, lesson_id: int) -> LessonBrief:
    """Return the learner's lesson to NOT_STARTED. XP already granted stays in the ledger."""
    lesson = await _visible_lesson(session, lesson_id)
    await progress.lock_learner(session, user_id)
    row = await progress.get(session, user_id, lesson_id)
    if row is not None:
        row.status = ProgressStatus.NOT_STARTED
        row.score = None
        row.attempts = 0
        row.active_run = None
        row.time_spent_seconds = 0
        row.started_at = None
        row.last_accessed_at = None
        row.completed_at = None
        await session.flush()
        await progress.refresh_module_progress(session, user_id, lesson.module_id)
    return LessonBrief(lesson.id, lesson.module_id, lesson.title)
