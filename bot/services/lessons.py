"""Browsing and reading lessons, marking reading-only lessons done, resetting a lesson."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.markdown import render_pages
from bot.services.transactions import read_only
from bot.services.xp import grant_lesson_xp
from db.base import utcnow
from db.enums import ActivityType, ProgressStatus
from db.models import Lesson, UserProgress
from db.repositories import activity, course, progress
from db.repositories.course import LessonRow, ModuleRow

# Time between two actions beyond this counts as a break, not as study time.
IDLE_CAP_SECONDS = 300


@dataclass(frozen=True, slots=True)
class ModuleView:
    id: int
    title: str
    description: str | None
    lessons: list[LessonRow]


@dataclass(frozen=True, slots=True)
class LessonView:
    id: int
    module_id: int
    slug: str
    title: str
    pages: list[str]
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


class MarkDone(enum.Enum):
    DONE = "done"
    ALREADY_DONE = "already_done"
    HAS_EXERCISES = "has_exercises"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class MarkDoneResult:
    outcome: MarkDone
    xp_gained: int = 0
    module_id: int | None = None
    next_lesson_id: int | None = None


def track_time(row: UserProgress, now: datetime) -> None:
    """Add the time since the learner's last action on this lesson, breaks capped."""
    if row.last_accessed_at is not None:
        gap = int((now - row.last_accessed_at).total_seconds())
        row.time_spent_seconds += min(max(gap, 0), IDLE_CAP_SECONDS)
    row.last_accessed_at = now


def start_if_new(row: UserProgress, now: datetime) -> bool:
    """NOT_STARTED -> IN_PROGRESS; True when this call started the lesson."""
    if row.status is not ProgressStatus.NOT_STARTED:
        return False
    row.status = ProgressStatus.IN_PROGRESS
    row.started_at = now
    return True


@read_only
async def list_modules(session: AsyncSession, user_id: int) -> list[ModuleRow]:
    return await course.modules_with_progress(session, user_id)


@read_only
async def module_view(session: AsyncSession, user_id: int, module_id: int) -> ModuleView | None:
    module = await course.get_visible_module(session, module_id)
    if module is None:
        return None
    lessons = await course.lessons_with_progress(session, user_id, module_id)
    return ModuleView(module.id, module.title, module.description, lessons)


@read_only
async def lesson_id_for_slug(session: AsyncSession, slug: str) -> int | None:
    lesson = await course.find_visible_lesson_by_slug(session, slug)
    return lesson.id if lesson else None


@read_only
async def continue_lesson_id(session: AsyncSession, user_id: int) -> int | None:
    """The first lesson in course order the learner has not completed, None when all are."""
    return await course.first_unfinished_lesson(session, user_id)


async def open_lesson(session: AsyncSession, user_id: int, lesson_id: int) -> LessonView | None:
    """Record that the learner is reading the lesson and return what to show; None when the
    lesson is not (or no longer) available."""
    lesson = await course.get_visible_lesson(session, lesson_id)
    if lesson is None:
        await session.rollback()
        return None
    await progress.lock_learner(session, user_id)
    row = await progress.get_or_create(session, user_id, lesson_id)
    now = utcnow()
    track_time(row, now)
    if start_if_new(row, now):
        await activity.add(
            session, user_id, ActivityType.LESSON_STARTED, entity_type="lesson", entity_id=lesson_id
        )
        await progress.refresh_module_progress(session, user_id, lesson.module_id)
    exercises = await course.exercises_of(session, lesson_id)
    view = _view(lesson, row, len(exercises))
    await session.commit()
    return view


def _view(lesson: Lesson, row: UserProgress, exercise_count: int) -> LessonView:
    return LessonView(
        id=lesson.id,
        module_id=lesson.module_id,
        slug=lesson.slug,
        title=lesson.title,
        pages=render_pages(lesson.content) or [""],
        estimated_minutes=lesson.estimated_minutes,
        xp=lesson.xp,
        pass_score=lesson.pass_score,
        exercise_count=exercise_count,
        status=row.status,
        score=row.score,
        attempts=row.attempts,
        run_open=row.active_run is not None,
    )


async def mark_done(session: AsyncSession, user_id: int, lesson_id: int) -> MarkDoneResult:
    """Complete a reading-only lesson; only the first call counts."""
    lesson = await course.get_visible_lesson(session, lesson_id)
    if lesson is None:
        await session.rollback()
        return MarkDoneResult(MarkDone.UNAVAILABLE)
    if await course.exercises_of(session, lesson_id):
        module_id = lesson.module_id
        await session.rollback()
        return MarkDoneResult(MarkDone.HAS_EXERCISES, module_id=module_id)
    await progress.lock_learner(session, user_id)
    row = await progress.get_or_create(session, user_id, lesson_id)
    next_id = await course.next_lesson_after(session, lesson)
    if row.status is ProgressStatus.COMPLETED:
        # Read before the rollback: it expires `lesson`, and reloading it would need IO.
        module_id = lesson.module_id
        await session.rollback()
        return MarkDoneResult(MarkDone.ALREADY_DONE, module_id=module_id, next_lesson_id=next_id)
    now = utcnow()
    track_time(row, now)
    start_if_new(row, now)
    row.status = ProgressStatus.COMPLETED
    row.completed_at = now
    row.score = None
    gained = await grant_lesson_xp(
        session,
        user_id=user_id,
        lesson_id=lesson_id,
        lesson_xp=lesson.xp,
        best_score=None,
        activity_type=ActivityType.LESSON_COMPLETED,
    )
    await session.flush()
    await progress.refresh_module_progress(session, user_id, lesson.module_id)
    await session.commit()
    return MarkDoneResult(MarkDone.DONE, gained, lesson.module_id, next_id)


@read_only
async def lesson_brief(session: AsyncSession, lesson_id: int) -> LessonBrief | None:
    lesson = await course.get_visible_lesson(session, lesson_id)
    return LessonBrief(lesson.id, lesson.module_id, lesson.title) if lesson else None


async def reset_lesson(session: AsyncSession, user_id: int, lesson_id: int) -> LessonBrief | None:
    """Return the learner's lesson to NOT_STARTED. XP already granted stays in the ledger.
    None when the lesson is not available."""
    lesson = await course.get_visible_lesson(session, lesson_id)
    if lesson is None:
        await session.rollback()
        return None
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
    await session.commit()
    return LessonBrief(lesson.id, lesson.module_id, lesson.title)
