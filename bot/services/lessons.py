"""Browsing and reading lessons, marking reading-only lessons done, resetting a lesson."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.catalog import catalog
from bot.services.completion import (
    Effects,
    complete_lesson,
    learner_on_lesson,
    reward,
    touch_lesson,
    track_time,
)
from bot.services.context import Context
from bot.services.errors import AlreadyDone, ModuleGone, NotUnderstood, UnknownLesson
from bot.services.unit_of_work import read_only, unit_of_work
from db.enums import ProgressStatus
from db.repositories import course, modules, progress
from db.repositories.course import LessonRow, ModuleRow
from db.repositories.progress import Progress


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
    # Markdown as the author wrote it.
    content: str
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


@read_only
async def list_modules(session: AsyncSession, user_id: int) -> list[ModuleRow]:
    return await course.modules_with_progress(session, user_id)


@read_only
async def module_view(session: AsyncSession, user_id: int, module_id: int) -> ModuleView:
    module = await course.get_visible_module(session, module_id)
    if module is None:
        raise ModuleGone
    lessons = await course.lessons_with_progress(session, user_id, module_id)
    return ModuleView(module.id, module.title, module.description, lessons)


@unit_of_work
async def open_lesson(
    session: AsyncSession, ctx: Context, user_id: int, lesson_id: int
) -> LessonView:
    """Record that the learner is reading the lesson and return what to show."""
    found, lesson, state = await learner_on_lesson(session, ctx, user_id, lesson_id)
    await touch_lesson(session, ctx, state, lesson, found)
    await progress.save_progress(session, state.progress, now=ctx.clock.now())
    row = state.progress
    return LessonView(
        id=lesson.id,
        module_id=lesson.module_id,
        slug=lesson.slug,
        title=lesson.title,
        content=lesson.content,
        estimated_minutes=lesson.estimated_minutes,
        xp=lesson.xp,
        pass_score=lesson.pass_score,
        exercise_count=len(lesson.exercises),
        status=row.status,
        score=row.score,
        attempts=row.attempts,
        run_open=row.active_run is not None,
    )


@unit_of_work
async def open_lesson_by_slug(
    session: AsyncSession, ctx: Context, user_id: int, slug: str
) -> LessonView:
    """A deep link's lesson: the first in course order with that slug."""
    lesson = (await catalog(session, ctx)).by_slug(slug)
    if lesson is None:
        raise UnknownLesson
    return await open_lesson(session, ctx, user_id, lesson.id)


@unit_of_work
async def continue_lesson(
    session: AsyncSession, ctx: Context, user_id: int
) -> LessonView | NothingLeft:
    """The first lesson in course order the learner has not completed, opened."""
    lesson_id = await course.first_unfinished_lesson(session, user_id)
    if lesson_id is not None:
        return await open_lesson(session, ctx, user_id, lesson_id)
    if await course.modules_with_progress(session, user_id):
        return NothingLeft.ALL_DONE
    return NothingLeft.NO_COURSES


@unit_of_work
async def mark_done(
    session: AsyncSession, ctx: Context, user_id: int, lesson_id: int, *, zone: tzinfo
) -> LessonDone:
    """Complete a reading-only lesson; only the first call counts. `zone` is the learner's:
    their streak counts their local days."""
    found, lesson, state = await learner_on_lesson(
        session, ctx, user_id, lesson_id, with_standing=True
    )
    if lesson.exercises:
        raise NotUnderstood  # lessons with exercises are completed by passing them
    if state.progress.status is ProgressStatus.COMPLETED:
        raise AlreadyDone
    track_time(state.progress, ctx.clock.now())
    effects = await complete_lesson(session, ctx, state, lesson, found, score=None, passed=True)
    effects = await reward(session, ctx, state, lesson, found, effects, zone=zone)
    await progress.save_progress(session, state.progress, now=ctx.clock.now())
    return LessonDone(lesson.id, lesson.module_id, found.next_after(lesson.id), effects)


@read_only
async def lesson_brief(session: AsyncSession, ctx: Context, lesson_id: int) -> LessonBrief:
    lesson = (await catalog(session, ctx)).lesson(lesson_id)
    return LessonBrief(lesson.id, lesson.module_id, lesson.title)


@unit_of_work
async def reset_lesson(
    session: AsyncSession, ctx: Context, user_id: int, lesson_id: int
) -> LessonBrief:
    """Return the learner's lesson to NOT_STARTED. XP already granted stays in the ledger, and
    so does the number of the last run, so later runs' answers never mix with earlier ones."""
    found, lesson, state = await learner_on_lesson(session, ctx, user_id, lesson_id)
    row = state.progress
    if row.id is not None:
        state.progress = Progress(user_id, lesson_id, id=row.id, last_run=row.last_run)
        await progress.save_progress(session, state.progress, now=ctx.clock.now())
        await modules.save_module_progress(
            session,
            user_id,
            lesson.module_id,
            done=state.module_done,
            total=found.visible_in_module(lesson.module_id),
            started=state.module_started > 0,
            now=ctx.clock.now(),
        )
    return LessonBrief(lesson.id, lesson.module_id, lesson.title)
