"""The modules list, one module's lessons, creating, editing, publishing and deleting a module."""

from __future__ import annotations

import logging
from dataclasses import dataclass

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
from bot.services.errors import AuthoredModuleGone
from bot.services.unit_of_work import read_only, unit_of_work
from db.models import Exercise, Lesson, Module
from db.repositories import authoring as repo
from db.repositories import review

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ModuleSummary:
    id: int
    slug: str
    title: str
    is_published: bool
    lessons: int
    published_lessons: int


@dataclass(frozen=True, slots=True)
class LessonLine:
    id: int
    slug: str
    title: str
    is_published: bool
    exercises: int


@dataclass(frozen=True, slots=True)
class ModuleDetail:
    id: int
    slug: str
    title: str
    description: str | None
    is_published: bool
    lessons: list[LessonLine]


@read_only
async def list_modules(session: AsyncSession) -> list[ModuleSummary]:
    return [
        ModuleSummary(r[0], r[1], r[2], bool(r[3]), int(r[4]), int(r[5]))
        for r in await repo.module_summaries(session)
    ]


@read_only
async def module_detail(session: AsyncSession, module_id: int) -> ModuleDetail:
    module = await repo.live_module(session, module_id)
    if module is None:
        raise AuthoredModuleGone
    rows = await repo.module_lessons(session, module_id)
    return ModuleDetail(
        id=module.id,
        slug=module.slug,
        title=module.title,
        description=module.description,
        is_published=module.is_published,
        lessons=[LessonLine(r[0], r[1], r[2], bool(r[3]), int(r[4])) for r in rows],
    )


@unit_of_work
async def create_module(
    session: AsyncSession, ctx: Context, *, title: str, description: str | None
) -> ModuleDetail:
    """A new unpublished module at the end of the course; its slug made from the title as a
    lesson's is, with a number added when a module (deleted ones too) already has it."""
    clean_title = values.title(title)
    module = Module(
        title=clean_title,
        description=values.description(description) if description else None,
        order=await repo.next_module_order(session),
        is_published=False,
    )
    base = values.slug_from_title(clean_title, fallback="module")
    await add_with_free_slug(session, module, base, await repo.module_slugs(session))
    content_changed(ctx)
    log.info("module %s (%s) created", module.id, module.slug)
    return await module_detail(session, module.id)


async def _live_module(session: AsyncSession, module_id: int) -> Module:
    module = await repo.live_module(session, module_id)
    if module is None:
        raise AuthoredModuleGone
    return module


@unit_of_work
async def edit_module_title(
    session: AsyncSession, ctx: Context, module_id: int, title: str
) -> ModuleDetail:
    module = await _live_module(session, module_id)
    module.title = checked_unless_kept(module.title, title, values.title)
    return await _saved(session, ctx, module, "title edited")


@unit_of_work
async def edit_module_description(
    session: AsyncSession, ctx: Context, module_id: int, description: str | None
) -> ModuleDetail:
    """None removes the description."""
    module = await _live_module(session, module_id)
    module.description = checked_unless_kept(module.description, description, _description)
    return await _saved(session, ctx, module, "description edited")


def _description(description: str | None) -> str | None:
    return values.description(description) if description else None


async def _saved(session: AsyncSession, ctx: Context, module: Module, what: str) -> ModuleDetail:
    if await saved_if_changed(session, ctx, module):
        log.info("module %s %s", module.id, what)
    return await module_detail(session, module.id)


@unit_of_work
async def delete_module(session: AsyncSession, ctx: Context, module_id: int) -> None:
    """Soft delete, as a lesson's: learners' progress rows stay, the module and its lessons
    disappear for learners, and its slug stays taken so a course file can bring it back."""
    now = ctx.clock.now()
    if not await repo.soft_delete_module(session, module_id, now):
        raise AuthoredModuleGone
    lessons = select(Lesson.id).where(Lesson.module_id == module_id)
    await review.retire(session, select(Exercise.id).where(Exercise.lesson_id.in_(lessons)), now)
    content_changed(ctx)
    log.info("module %s deleted", module_id)


@unit_of_work
async def set_module_published(
    session: AsyncSession, ctx: Context, module_id: int, published: bool
) -> ModuleDetail:
    module = await _live_module(session, module_id)
    if module.is_published != published:
        module.is_published = published
        await session.flush()
        content_changed(ctx)
        log.info("module %s %s", module_id, "published" if published else "unpublished")
    return await module_detail(session, module_id)
