"""A lesson as the admin sees it: adding one, editing, publishing, moving, deleting."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.authoring import (
    add_with_free_slug,
    checked_unless_kept,
    content_changed,
    saved_if_changed,
)
from bot.services.content import fields as values
from bot.services.context import Context
from bot.services.errors import AuthoredLessonGone, AuthoredModuleGone
from bot.services.unit_of_work import read_only, unit_of_work
from db.enums import ExerciseType
from db.models import Exercise, Lesson
from db.repositories import authoring as repo
from db.repositories import review

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExerciseLine:
    id: int
    type: ExerciseType
    prompt: str
    options: list[str] | None
    answer: Any
    explanation: str | None


@dataclass(frozen=True, slots=True)
class LessonDetail:
    id: int
    module_id: int
    module_title: str
    module_published: bool
    slug: str
    title: str
    content: str
    estimated_minutes: int | None
    xp: int
    pass_score: int
    is_published: bool
    exercises: list[ExerciseLine]
    # 1-based place among the module's live lessons, and how many there are.
    position: int
    siblings: int


@dataclass(frozen=True, slots=True)
class NewLesson:
    lesson: LessonDetail
    # The slug made from the title before a suffix made it unique.
    slug_base: str


@dataclass(frozen=True, slots=True)
class Moved:
    lesson: LessonDetail
    # False at either end of the module, where nothing moves.
    moved: bool


class Direction(enum.StrEnum):
    UP = "up"
    DOWN = "down"


@read_only
async def lesson_detail(session: AsyncSession, lesson_id: int) -> LessonDetail:
    lesson = await _live_lesson(session, lesson_id)
    module = await repo.live_module(session, lesson.module_id)
    if module is None:
        raise AuthoredLessonGone
    siblings = await repo.live_lesson_ids(session, lesson.module_id)
    exercises = await repo.lesson_exercises(session, lesson_id)
    return LessonDetail(
        id=lesson.id,
        module_id=lesson.module_id,
        module_title=module.title,
        module_published=module.is_published,
        slug=lesson.slug,
        title=lesson.title,
        content=lesson.content,
        estimated_minutes=lesson.estimated_minutes,
        xp=lesson.xp,
        pass_score=lesson.pass_score,
        is_published=lesson.is_published,
        exercises=[
            ExerciseLine(e.id, e.type, e.prompt, e.options, e.answer, e.explanation)
            for e in exercises
        ],
        position=siblings.index(lesson_id) + 1,
        siblings=len(siblings),
    )


async def _live_lesson(session: AsyncSession, lesson_id: int) -> Lesson:
    lesson = await repo.live_lesson(session, lesson_id)
    if lesson is None:
        raise AuthoredLessonGone
    return lesson


@unit_of_work
async def add_lesson(
    session: AsyncSession,
    ctx: Context,
    module_id: int,
    *,
    title: str,
    content: str,
    estimated_minutes: int | None,
    xp: int,
    pass_score: int,
) -> NewLesson:
    """An unpublished lesson at the end of the module; its slug made from the title, with a
    number added when the module already has that slug (deleted lessons' too)."""
    if await repo.live_module(session, module_id) is None:
        raise AuthoredModuleGone
    clean_title = values.title(title)
    base = values.slug_from_title(clean_title, fallback="lesson")
    lesson = Lesson(
        module_id=module_id,
        title=clean_title,
        content=values.content(content),
        estimated_minutes=estimated_minutes,
        xp=xp,
        pass_score=pass_score,
        order=await repo.next_lesson_order(session, module_id),
        is_published=False,
    )
    await add_with_free_slug(session, lesson, base, await repo.lesson_slugs(session, module_id))
    content_changed(ctx)
    log.info("lesson %s (%s) added to module %s", lesson.id, lesson.slug, module_id)
    return NewLesson(await lesson_detail(session, lesson.id), base)


@unit_of_work
async def edit_title(
    session: AsyncSession, ctx: Context, lesson_id: int, title: str
) -> LessonDetail:
    lesson = await _live_lesson(session, lesson_id)
    lesson.title = checked_unless_kept(lesson.title, title, values.title)
    return await _saved(session, ctx, lesson, "title edited")


@unit_of_work
async def edit_content(
    session: AsyncSession, ctx: Context, lesson_id: int, content: str
) -> LessonDetail:
    lesson = await _live_lesson(session, lesson_id)
    lesson.content = checked_unless_kept(lesson.content, content, values.content)
    return await _saved(session, ctx, lesson, "content edited")


@unit_of_work
async def edit_numbers(
    session: AsyncSession,
    ctx: Context,
    lesson_id: int,
    *,
    estimated_minutes: int | None,
    xp: int,
    pass_score: int,
) -> LessonDetail:
    """Reading minutes (None: no estimate), XP and pass mark, checked as a course file's."""
    lesson = await _live_lesson(session, lesson_id)
    lesson.estimated_minutes = (
        None
        if estimated_minutes is None
        else values.number(str(estimated_minutes), values.NumberField.MINUTES)
    )
    lesson.xp = values.number(str(xp), values.NumberField.XP)
    lesson.pass_score = values.number(str(pass_score), values.NumberField.PASS_SCORE)
    return await _saved(session, ctx, lesson, "numbers edited")


@unit_of_work
async def set_lesson_published(
    session: AsyncSession, ctx: Context, lesson_id: int, published: bool
) -> LessonDetail:
    lesson = await _live_lesson(session, lesson_id)
    if lesson.is_published == published:
        return await lesson_detail(session, lesson_id)  # a double press changes nothing twice
    lesson.is_published = published
    return await _saved(session, ctx, lesson, "published" if published else "unpublished")


async def _saved(session: AsyncSession, ctx: Context, lesson: Lesson, what: str) -> LessonDetail:
    if await saved_if_changed(session, ctx, lesson):
        log.info("lesson %s %s", lesson.id, what)
    return await lesson_detail(session, lesson.id)


@unit_of_work
async def move_lesson(
    session: AsyncSession, ctx: Context, lesson_id: int, direction: Direction
) -> Moved:
    """Swap the lesson with its neighbour; the module's lessons are renumbered 1..n in one
    statement. At either end nothing moves."""
    lesson = await _live_lesson(session, lesson_id)
    ids = await repo.live_lesson_ids(session, lesson.module_id)
    here = ids.index(lesson_id)
    there = here - 1 if direction is Direction.UP else here + 1
    moved = 0 <= there < len(ids)
    if moved:
        ids[here], ids[there] = ids[there], ids[here]
        await repo.renumber_lessons(session, ids)
        content_changed(ctx)
        log.info("lesson %s moved %s", lesson_id, direction.value)
    session.expire(lesson)
    return Moved(await lesson_detail(session, lesson_id), moved)


@unit_of_work
async def delete_lesson(session: AsyncSession, ctx: Context, lesson_id: int) -> int:
    """Soft delete: learners' progress rows stay. Returns the lesson's module id."""
    lesson = await _live_lesson(session, lesson_id)
    now = ctx.clock.now()
    if not await repo.soft_delete_lesson(session, lesson_id, now):
        raise AuthoredLessonGone
    # Its exercises are gone for learners: their review cards are no longer asked.
    await review.retire(session, select(Exercise.id).where(Exercise.lesson_id == lesson_id), now)
    content_changed(ctx)
    log.info("lesson %s deleted", lesson_id)
    return lesson.module_id
