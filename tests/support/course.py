"""The course the handler and end-to-end tests run on, and its answers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.content.importer import import_course
from bot.services.content.parse import parse_course
from bot.services.content.sample import seed_sample_course
from bot.services.context import Context
from db.models import Exercise, Lesson, Module

COURSE_FILE = Path(__file__).with_name("test_course.yaml")
TEST_COURSE = COURSE_FILE.read_text(encoding="utf-8")

# The test course's answers, question by question: right, and all wrong.
RIGHT = {"basics": ["b", "True"], "typing": ["42", "c"], "reading": [], "deep": ["False"]}
WRONG = {"basics": ["a", "False"], "typing": ["41", "a"], "reading": [], "deep": ["True"]}


@dataclass
class Course:
    modules: dict[str, int]
    lessons: dict[str, int]
    exercises: dict[str, list[int]]


async def import_test_course(
    sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> Course:
    """Import and publish the test course; its ids by slug (exercises in order)."""
    async with sessionmaker() as session:
        await import_course(session, context, parse_course(TEST_COURSE), publish=True)
        modules = {m.slug: m.id for m in await session.scalars(select(Module))}
        lessons = {les.slug: les.id for les in await session.scalars(select(Lesson))}
        by_lesson = {lid: slug for slug, lid in lessons.items()}
        exercises: dict[str, list[int]] = {slug: [] for slug in lessons}
        for ex in await session.scalars(select(Exercise).order_by(Exercise.order)):
            exercises[by_lesson[ex.lesson_id]].append(ex.id)
    return Course(modules, lessons, exercises)


async def seed_first_module(
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
) -> tuple[Module, list[Lesson], dict[int, list[Exercise]]]:
    """Seed the sample course: its first module, the module's lessons in order, and their
    exercises."""
    async with sessionmaker() as s:
        await seed_sample_course(s, context)
        module = (await s.scalars(select(Module).order_by(Module.order))).first()
        assert module is not None
        lessons = list(
            await s.scalars(
                select(Lesson).where(Lesson.module_id == module.id).order_by(Lesson.order)
            )
        )
        exercises = {
            lesson.id: list(
                await s.scalars(
                    select(Exercise).where(Exercise.lesson_id == lesson.id).order_by(Exercise.order)
                )
            )
            for lesson in lessons
        }
    return module, lessons, exercises
