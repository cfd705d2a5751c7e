"""The modules list, one module's lessons, creating a module, publishing one."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.authoring import content_changed
from bot.services.content import fields as values
from bot.services.content.fields import BadValue, Problem
from bot.services.errors import AuthoredModuleGone
from bot.services.unit_of_work import read_only, unit_of_work
from db.models import Module
from db.repositories import authoring as repo

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


@read_only
async def check_module_slug(session: AsyncSession, slug: str | None) -> str:
    """The slug if it has the right shape and no module (deleted ones included) has it."""
    clean = values.slug(slug)
    if await repo.module_slug_exists(session, clean):
        raise BadValue(Problem.SLUG_TAKEN, slug=clean)
    return clean


@unit_of_work
async def create_module(
    session: AsyncSession, *, slug: str, title: str, description: str | None
) -> ModuleDetail:
    """A new unpublished module at the end of the course."""
    clean_slug = await check_module_slug(session, slug)
    module = Module(
        slug=clean_slug,
        title=values.title(title),
        description=values.description(description) if description else None,
        order=await repo.next_module_order(session),
        is_published=False,
    )
    session.add(module)
    try:
        await session.flush()
    except IntegrityError:
        # Another admin took the slug between the check and the insert.
        raise BadValue(Problem.SLUG_TAKEN, slug=clean_slug) from None
    content_changed(session)
    log.info("module %s (%s) created", module.id, module.slug)
    return await module_detail(session, module.id)


@unit_of_work
async def set_module_published(
    session: AsyncSession, module_id: int, published: bool
) -> ModuleDetail:
    module = await repo.live_module(session, module_id)
    if module is None:
        raise AuthoredModuleGone
    if module.is_published != published:
        module.is_published = published
        await session.flush()
        content_changed(session)
        log.info("module %s %s", module_id, "published" if published else "unpublished")
    return await module_detail(session, module_id)
