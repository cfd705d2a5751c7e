"""Importing parsed course files: modules and lessons matched by slug, exercises by position,
so importing the same file again changes nothing and learners' history stays attached."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.content.spec import (
    QUESTION_FIELDS,
    Counts,
    ImportReport,
    LessonSpec,
    ModuleSpec,
    differs,
)
from bot.services.context import Context
from bot.services.unit_of_work import read_only, unit_of_work
from db.models import Exercise, Lesson, Module
from db.repositories import content as repo
from db.repositories import review


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
def _tally(counts: Counts, *, changed: bool) -> None:
    if changed:
        counts.updated += 1
    else:
        counts.unchanged += 1


# Modules planned and written per round of statements: a few statements a round whatever the
# size of the file (a 1 MB file of 5,000 modules takes about 25 rounds, not 25,000 statements),
# and short enough stretches of work that the learners' updates interleave with them.
CHUNK = 200

Progress = Callable[[int], None]


@dataclass(slots=True)
class _LessonPlan:
    row: Lesson | None
    spec: LessonSpec
    values: dict[str, Any]
    # Each exercise's stored row (None for a new one) and its values, by position.
    exercises: list[tuple[Exercise | None, dict[str, Any]]]


@dataclass(slots=True)
class _ModulePlan:
    row: Module | None
    spec: ModuleSpec
    values: dict[str, Any]
    lessons: list[_LessonPlan]
    surplus: list[int]


@read_only
async def plan_course(
    session: AsyncSession,
    modules: list[ModuleSpec],
    *,
    publish: bool,
    progress: Progress | None = None,
) -> ImportReport:
    """What `import_course` would do with `modules`, counted by the same rules, without
    writing: a read-only unit, so it takes no write lock (SQLite) and no row locks."""
    report = ImportReport()
    for start in range(0, len(modules), CHUNK):
        await _plan(session, modules[start : start + CHUNK], publish=publish, report=report)
        if progress is not None:
            progress(min(start + CHUNK, len(modules)))
    return report


@unit_of_work
async def import_course(
    session: AsyncSession,
    ctx: Context,
    modules: list[ModuleSpec],
    *,
    publish: bool,
    progress: Progress | None = None,
) -> ImportReport:
    """Create or update the given modules by slug, all or nothing, as one unit of work.

    Lessons are matched by slug within their module; a lesson's exercises are matched by
    position, so the i-th exercise row is updated in place and learners' attempts stay attached
    to it. Modules and lessons the file does not mention are left alone; deleted ones it does
    mention are restored. With `publish` everything in the file is published; without it new
    rows stay unpublished and existing ones keep their state. `progress(n)` is told after each
    round, with the number of modules done.
    """
    report = ImportReport()
    for start in range(0, len(modules), CHUNK):
        plans = await _plan(session, modules[start : start + CHUNK], publish=publish, report=report)
        await _write(session, plans, publish=publish)
        if progress is not None:
            progress(min(start + CHUNK, len(modules)))
    # A rewritten exercise asks another question: learners' review cards of the old one retire
    # (a dropped exercise's cards went with its row).
    if report.rewritten_exercise_ids:
        await review.retire(session, report.rewritten_exercise_ids, ctx.clock.now())
    return report


async def _plan(
    session: AsyncSession, specs: list[ModuleSpec], *, publish: bool, report: ImportReport
) -> list[_ModulePlan]:
    """Compare one round of modules with what is stored (three reads), counting into `report`;
    the rows read are left unchanged."""
    stored = await repo.modules_by_slugs(session, [spec.slug for spec in specs])
    lessons_by_module = await repo.lessons_of_modules(session, [m.id for m in stored.values()])
    old_exercises = await repo.exercises_by_lesson(
        session, [lesson.id for rows in lessons_by_module.values() for lesson in rows]
    )
    plans: list[_ModulePlan] = []
    for spec in specs:
        values: dict[str, Any] = {
            "title": spec.title,
            "description": spec.description,
            "order": spec.order,
            "deleted_at": None,
        }
        if publish:
            values["is_published"] = True
        module = stored.get(spec.slug)
        if module is None:
            report.modules.created += 1
        else:
            _tally(report.modules, changed=differs(module, values))
        existing = {
            lesson.slug: lesson
            for lesson in (lessons_by_module.get(module.id, []) if module is not None else [])
        }
        plan = _ModulePlan(module, spec, values, [], [])
        for position, lesson_spec in enumerate(spec.lessons, start=1):
            plan.lessons.append(
                _plan_lesson(
                    existing.get(lesson_spec.slug),
                    lesson_spec,
                    position,
                    old_exercises,
                    publish=publish,
                )
            )
        for lesson_plan in plan.lessons:
            _count_lesson(lesson_plan, report)
            if lesson_plan.row is not None:
                rows = old_exercises.get(lesson_plan.row.id, [])
                plan.surplus.extend(row.id for row in rows[len(lesson_plan.spec.exercises) :])
        report.exercises.deleted += len(plan.surplus)
        report.dropped_exercise_ids.extend(plan.surplus)
        plans.append(plan)
    return plans


def _plan_lesson(
    lesson: Lesson | None,
    spec: LessonSpec,
    position: int,
    old_exercises: Mapping[int, list[Exercise]],
    *,
    publish: bool,
) -> _LessonPlan:
    values: dict[str, Any] = {
        "title": spec.title,
        "content": spec.content,
        "order": position,
        "estimated_minutes": spec.estimated_minutes,
        "xp": spec.xp,
        "pass_score": spec.pass_score,
        "deleted_at": None,
    }
    if publish:
        values["is_published"] = True
    rows = old_exercises.get(lesson.id, []) if lesson is not None else []
    exercises: list[tuple[Exercise | None, dict[str, Any]]] = []
    for index, exercise in enumerate(spec.exercises):
        exercise_values = {
            "order": index + 1,
            "type": exercise.type,
            "prompt": exercise.prompt,
            "options": exercise.options,
            "answer": exercise.stored_answer(),
            "explanation": exercise.explanation,
            "points": exercise.points,
        }
        exercises.append((rows[index] if index < len(rows) else None, exercise_values))
    return _LessonPlan(lesson, spec, values, exercises)


def _count_lesson(plan: _LessonPlan, report: ImportReport) -> None:
    if plan.row is None:
        report.lessons.created += 1
    else:
        _tally(report.lessons, changed=differs(plan.row, plan.values))
    for row, values in plan.exercises:
        if row is None:
            report.exercises.created += 1
            continue
        if differs(row, {name: values[name] for name in QUESTION_FIELDS}):
            report.rewritten_exercise_ids.append(row.id)
        _tally(report.exercises, changed=differs(row, values))


async def _write(session: AsyncSession, plans: list[_ModulePlan], *, publish: bool) -> None:
    """One round's plans into the database: new rows inserted in a batch per table, changed
    ones updated through the ORM (which batches them too), surplus exercises deleted."""
    for plan in plans:
        if plan.row is not None:
            _assign(plan.row, plan.values)
    new_modules = await repo.insert_modules(
        session,
        [
            {"slug": plan.spec.slug, "is_published": publish, **plan.values}
            for plan in plans
            if plan.row is None
        ],
    )
    module_ids = [
        plan.row.id if plan.row is not None else new_modules[plan.spec.slug] for plan in plans
    ]

    new_lessons: list[dict[str, Any]] = []
    for plan, module_id in zip(plans, module_ids, strict=True):
        for lesson in plan.lessons:
            if lesson.row is None:
                new_lessons.append(
                    {
                        "module_id": module_id,
                        "slug": lesson.spec.slug,
                        "is_published": publish,
                        **lesson.values,
                    }
                )
            else:
                _assign(lesson.row, lesson.values)
    lesson_ids = await repo.insert_lessons(session, new_lessons)

    new_exercises: list[dict[str, Any]] = []
    for plan, module_id in zip(plans, module_ids, strict=True):
        for lesson in plan.lessons:
            if lesson.row is not None:
                lesson_id = lesson.row.id
            else:
                lesson_id = lesson_ids[(module_id, lesson.spec.slug)]
            for row, values in lesson.exercises:
                if row is None:
                    new_exercises.append({"lesson_id": lesson_id, **values})
                else:
                    _assign(row, values)
    await repo.insert_exercises(session, new_exercises)
    await repo.delete_exercises(session, [i for plan in plans for i in plan.surplus])
    await session.flush()
