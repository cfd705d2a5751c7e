"""The sample course shipped with the bot, loaded by `learnbot seed` and into an empty chat."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.content.importer import import_course
from bot.services.content.parse import load_course_file
from bot.services.content.spec import ImportReport
from bot.services.context import Context
from bot.services.unit_of_work import read_only, unit_of_work
from db.repositories import content as repo


def sample_course_path() -> Path:
    return Path(__file__).resolve().parents[2] / "content" / "sample_course.yaml"


@unit_of_work
async def seed_sample_course(session: AsyncSession, ctx: Context) -> ImportReport:
    """Import and publish the sample course; running it again changes nothing."""
    return await import_course(session, ctx, load_course_file(sample_course_path()), publish=True)


@read_only
async def has_published_content(session: AsyncSession) -> bool:
    """Whether learners have anything to open: a published lesson in a published module."""
    return await repo.has_published_lesson(session)
