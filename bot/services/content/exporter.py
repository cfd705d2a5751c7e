"""Exporting modules as a course file, in the layout authors write by hand."""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.content.spec import ExerciseSpec, LessonSpec, ModuleSpec, short_answer_parts
from bot.services.unit_of_work import read_only
from db.enums import ExerciseType
from db.models import Exercise
from db.repositories import content as repo


class _Dumper(yaml.SafeDumper):
    """The layout of DESIGN.md's example: nested lists indented, lists of texts inline
    (`options: [a, b]`), multi-line text as a literal block (`|`), no anchors."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.SequenceNode:
    inline = all(isinstance(item, str) and "\n" not in item for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=inline)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def _exercise_document(exercise: ExerciseSpec) -> dict[str, Any]:
    document: dict[str, Any] = {"type": exercise.type.value, "prompt": exercise.prompt}
    if exercise.type is ExerciseType.MULTIPLE_CHOICE:
        document["options"] = exercise.options
    if exercise.type is ExerciseType.SHORT_ANSWER:
        document["answers"] = exercise.answer
        if exercise.case_sensitive:  # absent means false: files without it stay as they were
            document["case_sensitive"] = True
    else:
        document["answer"] = exercise.answer
    if exercise.explanation is not None:
        document["explanation"] = exercise.explanation
    document["points"] = exercise.points
    return document


def _lesson_document(lesson: LessonSpec) -> dict[str, Any]:
    document: dict[str, Any] = {"slug": lesson.slug, "title": lesson.title}
    if lesson.estimated_minutes is not None:
        document["estimated_minutes"] = lesson.estimated_minutes
    document["xp"] = lesson.xp
    document["pass_score"] = lesson.pass_score
    document["content"] = lesson.content
    if lesson.exercises:
        document["exercises"] = [_exercise_document(e) for e in lesson.exercises]
    return document


def dump_course(modules: list[ModuleSpec]) -> str:
    """Modules as a course file: what `parse_course` reads back to equal specs."""
    documents = []
    for module in modules:
        head: dict[str, Any] = {"slug": module.slug, "title": module.title}
        if module.description is not None:
            head["description"] = module.description
        head["order"] = module.order
        documents.append(
            {"module": head, "lessons": [_lesson_document(lesson) for lesson in module.lessons]}
        )
    return yaml.dump_all(
        documents,
        Dumper=_Dumper,
        explicit_start=True,
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,  # never fold a long line: authors edit these files
    )


def _exercise_spec(exercise: Exercise) -> ExerciseSpec:
    answer, case_sensitive = exercise.answer, False
    if exercise.type is ExerciseType.SHORT_ANSWER:
        answer, case_sensitive = short_answer_parts(exercise.answer)
    return ExerciseSpec(
        type=exercise.type,
        prompt=exercise.prompt,
        options=exercise.options,
        answer=answer,
        explanation=exercise.explanation,
        points=exercise.points,
        case_sensitive=case_sensitive,
    )


@read_only
async def export_course(session: AsyncSession, module_slug: str | None = None) -> str:
    """Non-deleted modules (all, or the one with `module_slug`) and their non-deleted lessons as
    a course file. An unknown slug raises LookupError."""
    if module_slug is None:
        modules = await repo.list_modules(session)
    else:
        module = await repo.get_module_by_slug(session, module_slug)
        if module is None:
            raise LookupError(f"no module with slug {module_slug!r}")
        modules = [module]
    specs = []
    for module in modules:
        lessons = await repo.lessons_of_module(session, module.id)
        exercises = await repo.exercises_by_lesson(session, [lesson.id for lesson in lessons])
        specs.append(
            ModuleSpec(
                slug=module.slug,
                title=module.title,
                description=module.description,
                order=module.order,
                lessons=[
                    LessonSpec(
                        slug=lesson.slug,
                        title=lesson.title,
                        estimated_minutes=lesson.estimated_minutes,
                        xp=lesson.xp,
                        pass_score=lesson.pass_score,
                        content=lesson.content,
                        exercises=[
                            _exercise_spec(exercise) for exercise in exercises.get(lesson.id, [])
                        ],
                    )
                    for lesson in lessons
                ],
            )
        )
    return dump_course(specs)
