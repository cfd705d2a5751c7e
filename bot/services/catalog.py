"""The published course, held in memory: lessons, their text and exercises are read from the
database once, not on every press.

The catalog reads the database's content version (one row the database's own triggers move on
every change to modules, lessons and exercises) at most every `refresh_seconds` and reloads when
it moved, whoever made the change: another process, the CLI or an operator's plain SQL. A learner
sees it within that bound. The app builder makes one catalog per process and hands it to every
session.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import LessonGone
from db.enums import ExerciseType
from db.repositories import catalog as repo

if TYPE_CHECKING:
    from bot.services.context import Context

DEFAULT_REFRESH_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class CatalogExercise:
    id: int
    type: ExerciseType
    prompt: str
    # multiple_choice: the option texts; other types: None.
    options: list[str] | None
    # multiple_choice: the right option's text; true_false: a bool; short_answer: as stored (the
    # accepted texts, or those with `case_sensitive`: read it through grading, never by hand).
    answer: Any
    explanation: str | None
    points: int


@dataclass(frozen=True, slots=True)
class CatalogLesson:
    id: int
    module_id: int
    slug: str
    title: str
    content: str
    estimated_minutes: int | None
    xp: int
    pass_score: int
    exercises: tuple[CatalogExercise, ...]


@dataclass(frozen=True, slots=True)
class CatalogModule:
    id: int
    slug: str
    title: str
    description: str | None
    lesson_ids: tuple[int, ...]


class Catalog:
    """One consistent snapshot of what learners can see."""

    def __init__(self, modules: list[CatalogModule], lessons: list[CatalogLesson]) -> None:
        self.modules = {m.id: m for m in modules}
        self.lessons = {lesson.id: lesson for lesson in lessons}
        # Course order: modules in order, each module's lessons in order.
        self.order = tuple(lesson.id for lesson in lessons)
        self._position = {lesson_id: i for i, lesson_id in enumerate(self.order)}
        # Every visible exercise by id, with its lesson: what a review card asks.
        self.exercises = {e.id: (lesson, e) for lesson in lessons for e in lesson.exercises}

    def lesson(self, lesson_id: int) -> CatalogLesson:
        """The lesson if learners may see it; LessonGone otherwise."""
        found = self.lessons.get(lesson_id)
        if found is None:
            raise LessonGone
        return found

    def next_after(self, lesson_id: int) -> int | None:
        """The lesson that follows in course order (crossing into the next module), or None."""
        position = self._position.get(lesson_id)
        if position is None or position + 1 >= len(self.order):
            return None
        return self.order[position + 1]

    def by_slug(self, slug: str) -> CatalogLesson | None:
        """Slugs are unique within a module; across modules the first in course order wins."""
        return next((self.lessons[i] for i in self.order if self.lessons[i].slug == slug), None)

    def visible_in_module(self, module_id: int) -> int:
        module = self.modules.get(module_id)
        return len(module.lesson_ids) if module else 0


class CatalogCache:
    def __init__(
        self,
        refresh_seconds: float = DEFAULT_REFRESH_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.refresh_seconds = refresh_seconds
        self.monotonic = monotonic
        self._catalog: Catalog | None = None
        self._version: int | None = None
        self._checked_at = float("-inf")

    async def get(self, session: AsyncSession) -> Catalog:
        now = self.monotonic()
        if self._catalog is not None and now - self._checked_at < self.refresh_seconds:
            return self._catalog
        # Read before the content, never after: each statement sees what is committed (READ
        # COMMITTED), so a change committed in between is loaded now and seen again at the next
        # check, never paired with the newer version and missed.
        version = await repo.content_version(session)
        if self._catalog is None or version != self._version:
            self._catalog = await _load(session)
            self._version = version
        self._checked_at = now
        return self._catalog

    def forget(self) -> None:
        """Reload at the next use (this process just changed the content)."""
        self._catalog = None


async def _load(session: AsyncSession) -> Catalog:
    module_rows, lesson_rows, exercise_rows = await repo.visible_content(session)
    exercises: dict[int, list[CatalogExercise]] = {}
    for e in exercise_rows:
        exercises.setdefault(e.lesson_id, []).append(
            CatalogExercise(e.id, e.type, e.prompt, e.options, e.answer, e.explanation, e.points)
        )
    lessons = [
        CatalogLesson(
            id=row.id,
            module_id=row.module_id,
            slug=row.slug,
            title=row.title,
            content=row.content,
            estimated_minutes=row.estimated_minutes,
            xp=row.xp,
            pass_score=row.pass_score,
            exercises=tuple(exercises.get(row.id, ())),
        )
        for row in lesson_rows
    ]
    by_module: dict[int, list[int]] = {}
    for lesson in lessons:
        by_module.setdefault(lesson.module_id, []).append(lesson.id)
    modules = [
        CatalogModule(m.id, m.slug, m.title, m.description, tuple(by_module.get(m.id, ())))
        for m in module_rows
    ]
    return Catalog(modules, lessons)


async def catalog(session: AsyncSession, ctx: Context) -> Catalog:
    """The application's catalog, as fresh as its refresh bound promises."""
    return await ctx.catalog.get(session)
