"""Importing parsed course files: modules and lessons matched by slug, exercises by position,
so importing the same file again changes nothing and learners' history stays attached."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.content.spec import LessonSpec, ModuleSpec
from bot.services.unit_of_work import unit_of_work
from db.models import Exercise, Lesson, Module
from db.repositories import content as repo


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class ImportReport:
    modules: Counts = field(default_factory=Counts)
    lessons: Counts = field(default_factory=Counts)
    exercises: Counts = field(default_factory=Counts)
    # Exercises whose learners' answers no longer fit them: rows deleted (their attempts go
    # with them) and rows rewritten in place as another question (type, prompt, options or
    # answer changed), so the admin can be warned before either happens.
    dropped_exercise_ids: list[int] = field(default_factory=list)
    rewritten_exercise_ids: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.modules.changed or self.lessons.changed or self.exercises.changed

    def summary(self) -> str:
        lines = []
        for name, counts in (
            ("modules", self.modules),
            ("lessons", self.lessons),
            ("exercises", self.exercises),
        ):
            line = f"{name}: {counts.created} created, {counts.updated} updated, "
            line += f"{counts.unchanged} unchanged"
            if name == "exercises":
                line += f", {counts.deleted} deleted"
            lines.append(line)
        if not self.changed:
            lines.append("nothing changed")
        return "\n".join(lines)


def _assign(row: object, values: Mapping[str, Any]) -> bool:
    """Set the attributes that differ (type included: True is not 1); True when any did."""
    changed = False
    for name, value in values.items():
        current = getattr(row, name)
        if current != value or type(current) is not type(value):
            setattr(row, name, value)
            changed = True
    return changed


# An exercise whose any of these change asks another question: earlier answers do not fit it.
_QUESTION_FIELDS = ("type", "prompt", "options", "answer")


def _differs(row: object, values: Mapping[str, Any]) -> bool:
    return any(
        getattr(row, name) != value or type(getattr(row, name)) is not type(value)
        for name, value in values.items()
    )


def _tally(counts: Counts, *, changed: bool) -> None:
    if changed:
        counts.updated += 1
    else:
        counts.unchanged += 1


@unit_of_work
async def import_course(
    session: AsyncSession, modules: list[ModuleSpec], *, publish: bool
) -> ImportReport:
    """Create or update the given modules by slug, all or nothing, as one unit of work.

    Lessons are matched by slug within their module; a lesson's exercises are matched by
    position, so the i-th exercise row is updated in place and learners' attempts stay attached
    to it. Modules and lessons the file does not mention are left alone; deleted ones it does
    mention are restored. With `publish` everything in the file is published; without it new
    rows stay unpublished and existing ones keep their state.
    """
    report = ImportReport()
    for spec in modules:
        await _import_module(session, spec, publish=publish, report=report)
    return report


async def _import_module(
    session: AsyncSession, spec: ModuleSpec, *, publish: bool, report: ImportReport
) -> None:
    values: dict[str, Any] = {
        "title": spec.title,
        "description": spec.description,
        "order": spec.order,
        "deleted_at": None,
    }
    if publish:
        values["is_published"] = True
    module = await repo.get_module_by_slug(session, spec.slug, include_deleted=True)
    if module is None:
        module = Module(slug=spec.slug, **{"is_published": publish, **values})
        session.add(module)
        await session.flush()
        report.modules.created += 1
    else:
        _tally(report.modules, changed=_assign(module, values))

    existing = {
        lesson.slug: lesson
        for lesson in await repo.lessons_of_module(session, module.id, include_deleted=True)
    }
    lessons: list[tuple[Lesson, LessonSpec]] = []
    for position, lesson_spec in enumerate(spec.lessons, start=1):
        values = {
            "title": lesson_spec.title,
            "content": lesson_spec.content,
            "order": position,
            "estimated_minutes": lesson_spec.estimated_minutes,
            "xp": lesson_spec.xp,
            "pass_score": lesson_spec.pass_score,
            "deleted_at": None,
        }
        if publish:
            values["is_published"] = True
        lesson = existing.get(lesson_spec.slug)
        if lesson is None:
            lesson = Lesson(
                module_id=module.id, slug=lesson_spec.slug, **{"is_published": publish, **values}
            )
            session.add(lesson)
            report.lessons.created += 1
        else:
            _tally(report.lessons, changed=_assign(lesson, values))
        lessons.append((lesson, lesson_spec))
    await session.flush()

    old_exercises = await repo.exercises_by_lesson(session, [lesson.id for lesson, _ in lessons])
    surplus: list[int] = []
    for lesson, lesson_spec in lessons:
        rows = old_exercises.get(lesson.id, [])
        for position, exercise_spec in enumerate(lesson_spec.exercises, start=1):
            values = {
                "order": position,
                "type": exercise_spec.type,
                "prompt": exercise_spec.prompt,
                "options": exercise_spec.options,
                "answer": exercise_spec.answer,
                "explanation": exercise_spec.explanation,
                "points": exercise_spec.points,
            }
            if position <= len(rows):
                row = rows[position - 1]
                if _differs(row, {name: values[name] for name in _QUESTION_FIELDS}):
                    report.rewritten_exercise_ids.append(row.id)
                _tally(report.exercises, changed=_assign(row, values))
            else:
                session.add(Exercise(lesson_id=lesson.id, **values))
                report.exercises.created += 1
        surplus.extend(row.id for row in rows[len(lesson_spec.exercises) :])
    report.exercises.deleted += len(surplus)
    report.dropped_exercise_ids.extend(surplus)
    await repo.delete_exercises(session, surplus)
    await session.flush()
