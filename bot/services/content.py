"""Course files: parse and validate them, import them idempotently, export the database as one.

A course file is a YAML stream, one document per module (the format is in DESIGN.md, "Course
file"). A file is checked whole before anything is written: every problem is reported, each
prefixed by its path, and a file with any problem is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from bot.views.markdown import unclosed_fence_line
from db.enums import ExerciseType
from db.models import Exercise, Lesson, Module
from db.repositories import content as repo

SLUG_MAX_LEN = 100  # modules.slug and lessons.slug are VARCHAR(100)
TITLE_MAX_LEN = 200  # modules.title and lessons.title are VARCHAR(200)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

Answer = str | bool | list[str]


@dataclass(kw_only=True)
class ExerciseSpec:
    """One exercise as the file states it.

    `answer` is the right option's text (multiple_choice), a bool (true_false) or the accepted
    texts (short_answer, written `answers:` in the file); `options` is None except for
    multiple_choice.
    """

    type: ExerciseType
    prompt: str
    options: list[str] | None = None
    answer: Answer
    explanation: str | None = None
    points: int = 1


@dataclass(kw_only=True)
class LessonSpec:
    slug: str
    title: str
    estimated_minutes: int | None = None
    xp: int = 10
    pass_score: int = 70
    content: str
    exercises: list[ExerciseSpec] = field(default_factory=list)


@dataclass(kw_only=True)
class ModuleSpec:
    slug: str
    title: str
    description: str | None = None
    order: int
    lessons: list[LessonSpec] = field(default_factory=list)


class CourseFileError(Exception):
    """A course file that cannot be imported; `problems` lists every reason, path first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --- parsing and validation -------------------------------------------------------------------

_MODULE_KEYS = ("slug", "title", "description", "order")
_LESSON_KEYS = (
    "slug",
    "title",
    "estimated_minutes",
    "xp",
    "pass_score",
    "content",
    "exercises",
)
_EXERCISE_COMMON_KEYS = ("type", "prompt", "explanation", "points")
_EXERCISE_TYPE_KEYS: dict[ExerciseType, tuple[str, ...]] = {
    ExerciseType.MULTIPLE_CHOICE: ("options", "answer"),
    ExerciseType.TRUE_FALSE: ("answer",),
    ExerciseType.SHORT_ANSWER: ("answers",),
}
_EXERCISE_KEYS = (*_EXERCISE_COMMON_KEYS, "options", "answer", "answers")
_TYPE_NAMES = ", ".join(t.value for t in ExerciseType)
_MISSING = object()


class _Checker:
    """Collects problems; each check returns the clean value, or None after reporting."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.prefix = ""

    def report(self, path: str, message: str) -> None:
        self.problems.append(f"{self.prefix}{path}: {message}")

    def mapping(self, value: object, path: str) -> Mapping[Any, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.report(path, "must be a mapping (key: value lines)")
        return None

    def known_keys(self, data: Mapping[Any, Any], allowed: tuple[str, ...], path: str) -> None:
        for key in data:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.report(where, "unknown key (expected one of " + ", ".join(allowed) + ")")

    def text(
        self,
        data: Mapping[Any, Any],
        key: str,
        path: str,
        *,
        required: bool = True,
        max_len: int | None = None,
    ) -> str | None:
        value = data.get(key)
        where = f"{path}.{key}"
        if value is None:
            if required:
                self.report(where, "required")
            return None
        if not isinstance(value, str):
            self.report(where, "must be text")
            return None
        if required and not value.strip():
            self.report(where, "must not be empty")
            return None
        if max_len is not None and len(value) > max_len:
            self.report(where, f"must be at most {max_len} characters")
            return None
        return value

    def slug(self, data: Mapping[Any, Any], path: str) -> str | None:
        value = self.text(data, "slug", path, max_len=SLUG_MAX_LEN)
        if value is not None and not _SLUG.match(value):
            self.report(
                f"{path}.slug",
                f"{value!r} must be lowercase letters, digits and hyphens (like python-basics)",
            )
            return None
        return value

    def integer(
        self,
        data: Mapping[Any, Any],
        key: str,
        path: str,
        *,
        default: int | None,
        minimum: int,
        maximum: int | None = None,
    ) -> int | None:
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            return default
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if is_int and value >= minimum and (maximum is None or value <= maximum):
            return int(value)
        if maximum is not None:
            message = f"must be an integer from {minimum} to {maximum}"
        elif minimum == 0:
            message = "must be a whole number, 0 or more"
        else:
            message = f"must be a whole number, {minimum} or more"
        self.report(f"{path}.{key}", message)
        return None

    def scalar_text(self, value: object, path: str) -> str | None:
        """An option or accepted answer: text, or a number taken as its text."""
        if isinstance(value, bool):
            self.report(path, "must be text (quote it: YAML reads yes/no/true/false as booleans)")
            return None
        if isinstance(value, int | float):
            return str(value)
        if not isinstance(value, str):
            self.report(path, "must be text")
            return None
        if not value.strip():
            self.report(path, "must not be empty")
            return None
        return value


class _StrictLoader(yaml.SafeLoader):
    """Refuses a key repeated in one mapping: plain YAML would keep only its last value."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
            except TypeError:
                continue  # an unhashable key: SafeLoader reports that itself below
            if repeated:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def parse_course(text: str) -> list[ModuleSpec]:
    """The modules of a course file, or CourseFileError listing every problem found."""
    checker = _Checker()
    try:
        loaded = yaml.load_all(text, Loader=_StrictLoader)
        documents = [(n, d) for n, d in enumerate(loaded, 1) if d is not None]
    except yaml.YAMLError as exc:
        raise CourseFileError([_yaml_problem(exc)]) from None
    if not documents:
        raise CourseFileError(["the file holds no module (expected `module:` and `lessons:`)"])
    modules: list[ModuleSpec] = []
    seen: set[str] = set()
    for number, document in documents:
        if len(documents) > 1 or number > 1:
            checker.prefix = f"document {number}: "
        module = _parse_module(checker, document, default_order=number, seen_slugs=seen)
        if module is not None:
            modules.append(module)
    if checker.problems:
        raise CourseFileError(checker.problems)
    return modules


def load_course_file(path: Path) -> list[ModuleSpec]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CourseFileError([f"{path}: not UTF-8 text"]) from None
    except OSError as exc:
        raise CourseFileError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    return parse_course(text)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        return f"line {mark.line + 1}, column {mark.column + 1}: YAML syntax error: {what}"
    return f"YAML syntax error: {exc}"


def _parse_module(
    checker: _Checker, document: object, *, default_order: int, seen_slugs: set[str]
) -> ModuleSpec | None:
    if not isinstance(document, Mapping):
        checker.report("document", "must be a mapping with `module:` and `lessons:`")
        return None
    checker.known_keys(document, ("module", "lessons"), "")

    slug = title = None
    description: str | None = None
    order: int | None = default_order
    module = document.get("module")
    if module is None:
        checker.report("module", "required")
    elif (data := checker.mapping(module, "module")) is not None:
        checker.known_keys(data, _MODULE_KEYS, "module")
        slug = checker.slug(data, "module")
        if slug is not None and slug in seen_slugs:
            checker.report("module.slug", f"duplicate slug {slug!r}")
        elif slug is not None:
            seen_slugs.add(slug)
        title = checker.text(data, "title", "module", max_len=TITLE_MAX_LEN)
        description = checker.text(data, "description", "module", required=False)
        order = checker.integer(data, "order", "module", default=default_order, minimum=0)

    lessons: list[LessonSpec] = []
    raw_lessons = document.get("lessons")
    if not isinstance(raw_lessons, list) or not raw_lessons:
        checker.report("lessons", "required: a list with at least one lesson")
    else:
        slugs: set[str] = set()
        for index, raw in enumerate(raw_lessons):
            path = f"lessons[{index}]"
            lesson = _parse_lesson(checker, raw, path)
            slug_value = raw.get("slug") if isinstance(raw, Mapping) else None
            if isinstance(slug_value, str) and slug_value in slugs:
                checker.report(f"{path}.slug", f"duplicate slug {slug_value!r}")
            elif isinstance(slug_value, str):
                slugs.add(slug_value)
            if lesson is not None:
                lessons.append(lesson)

    if slug is None or title is None or order is None or len(lessons) != len(raw_lessons or []):
        return None
    return ModuleSpec(slug=slug, title=title, description=description, order=order, lessons=lessons)


def _parse_lesson(checker: _Checker, raw: object, path: str) -> LessonSpec | None:
    data = checker.mapping(raw, path)
    if data is None:
        return None
    before = len(checker.problems)
    checker.known_keys(data, _LESSON_KEYS, path)
    slug = checker.slug(data, path)
    title = checker.text(data, "title", path, max_len=TITLE_MAX_LEN)
    content = checker.text(data, "content", path)
    if content is not None and (line := unclosed_fence_line(content)) is not None:
        checker.report(f"{path}.content", f"``` code block opened on line {line} is never closed")
    minutes = checker.integer(data, "estimated_minutes", path, default=None, minimum=0)
    xp = checker.integer(data, "xp", path, default=10, minimum=0)
    pass_score = checker.integer(data, "pass_score", path, default=70, minimum=0, maximum=100)

    exercises: list[ExerciseSpec] = []
    raw_exercises = data.get("exercises")
    if raw_exercises is not None and not isinstance(raw_exercises, list):
        checker.report(f"{path}.exercises", "must be a list")
    for index, raw_exercise in enumerate(raw_exercises if isinstance(raw_exercises, list) else []):
        exercise = _parse_exercise(checker, raw_exercise, f"{path}.exercises[{index}]")
        if exercise is not None:
            exercises.append(exercise)

    if len(checker.problems) > before:
        return None
    assert slug is not None and title is not None and content is not None
    assert xp is not None and pass_score is not None
    return LessonSpec(
        slug=slug,
        title=title,
        estimated_minutes=minutes,
        xp=xp,
        pass_score=pass_score,
        content=content,
        exercises=exercises,
    )


def _parse_exercise(checker: _Checker, raw: object, path: str) -> ExerciseSpec | None:
    data = checker.mapping(raw, path)
    if data is None:
        return None
    before = len(checker.problems)
    checker.known_keys(data, _EXERCISE_KEYS, path)
    kind: ExerciseType | None = None
    raw_type = data.get("type")
    if raw_type is None:
        checker.report(f"{path}.type", f"required (one of {_TYPE_NAMES})")
    elif not isinstance(raw_type, str) or raw_type not in {t.value for t in ExerciseType}:
        checker.report(f"{path}.type", f"must be one of {_TYPE_NAMES}")
    else:
        kind = ExerciseType(raw_type)
    prompt = checker.text(data, "prompt", path)
    explanation = checker.text(data, "explanation", path, required=False)
    points = checker.integer(data, "points", path, default=1, minimum=1)
    if kind is None:
        return None

    for key in ("options", "answer", "answers"):
        if key in data and key not in _EXERCISE_TYPE_KEYS[kind]:
            hint = " (use answers: [...])" if key == "answer" else ""
            checker.report(f"{path}.{key}", f"not used by {kind.value} exercises{hint}")

    options: list[str] | None = None
    answer = _ANSWER_PARSERS[kind](checker, data, path)
    if kind is ExerciseType.MULTIPLE_CHOICE:
        options = _options(checker, data, path)
        if options is not None and answer is not None and answer not in options:
            checker.report(f"{path}.answer", "not one of options")

    if len(checker.problems) > before:
        return None
    assert prompt is not None and points is not None and answer is not None
    return ExerciseSpec(
        type=kind,
        prompt=prompt,
        options=options,
        answer=answer,
        explanation=explanation,
        points=points,
    )


def _options(checker: _Checker, data: Mapping[Any, Any], path: str) -> list[str] | None:
    raw = data.get("options")
    if raw is None:
        checker.report(f"{path}.options", "required: a list of at least 2 options")
        return None
    if not isinstance(raw, list):
        checker.report(f"{path}.options", "must be a list of at least 2 options")
        return None
    options: list[str] = []
    for index, item in enumerate(raw):
        option = checker.scalar_text(item, f"{path}.options[{index}]")
        if option is None:
            continue
        if option in options:
            checker.report(f"{path}.options[{index}]", f"duplicate option {option!r}")
            continue
        options.append(option)
    if len(options) < 2:
        checker.report(f"{path}.options", "needs at least 2 distinct options")
        return None
    return options


def _choice_answer(checker: _Checker, data: Mapping[Any, Any], path: str) -> Answer | None:
    if data.get("answer") is None:
        checker.report(f"{path}.answer", "required: the text of the right option")
        return None
    return checker.scalar_text(data["answer"], f"{path}.answer")


def _true_false_answer(checker: _Checker, data: Mapping[Any, Any], path: str) -> Answer | None:
    value = data.get("answer")
    if value is None:
        checker.report(f"{path}.answer", "required: true or false")
        return None
    if not isinstance(value, bool):
        checker.report(f"{path}.answer", "must be true or false")
        return None
    return value


def _short_answers(checker: _Checker, data: Mapping[Any, Any], path: str) -> Answer | None:
    raw = data.get("answers")
    if not isinstance(raw, list) or not raw:
        checker.report(f"{path}.answers", "required: a non-empty list of accepted answers")
        return None
    answers = [checker.scalar_text(item, f"{path}.answers[{i}]") for i, item in enumerate(raw)]
    clean = [answer for answer in answers if answer is not None]
    return clean if len(clean) == len(answers) else None


_ANSWER_PARSERS: dict[ExerciseType, Callable[[_Checker, Mapping[Any, Any], str], Answer | None]] = {
    ExerciseType.MULTIPLE_CHOICE: _choice_answer,
    ExerciseType.TRUE_FALSE: _true_false_answer,
    ExerciseType.SHORT_ANSWER: _short_answers,
}


# --- import -----------------------------------------------------------------------------------


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


def _tally(counts: Counts, *, changed: bool) -> None:
    if changed:
        counts.updated += 1
    else:
        counts.unchanged += 1


async def import_course(
    session: AsyncSession, modules: list[ModuleSpec], *, publish: bool
) -> ImportReport:
    """Create or update the given modules by slug, in one transaction (committed at the end).

    Lessons are matched by slug within their module; a lesson's exercises are matched by
    position, so the i-th exercise row is updated in place and learners' attempts stay attached
    to it. Modules and lessons the file does not mention are left alone; deleted ones it does
    mention are restored. With `publish` everything in the file is published; without it new
    rows stay unpublished and existing ones keep their state.
    """
    report = ImportReport()
    try:
        for spec in modules:
            await _import_module(session, spec, publish=publish, report=report)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
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
                _tally(report.exercises, changed=_assign(rows[position - 1], values))
            else:
                session.add(Exercise(lesson_id=lesson.id, **values))
                report.exercises.created += 1
        surplus.extend(row.id for row in rows[len(lesson_spec.exercises) :])
    report.exercises.deleted += len(surplus)
    await repo.delete_exercises(session, surplus)
    await session.flush()


# --- export -----------------------------------------------------------------------------------


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
                            ExerciseSpec(
                                type=exercise.type,
                                prompt=exercise.prompt,
                                options=exercise.options,
                                answer=exercise.answer,
                                explanation=exercise.explanation,
                                points=exercise.points,
                            )
                            for exercise in exercises.get(lesson.id, [])
                        ],
                    )
                    for lesson in lessons
                ],
            )
        )
    return dump_course(specs)


# --- the sample course ------------------------------------------------------------------------


def sample_course_path() -> Path:
    return Path(__file__).resolve().parent.parent / "content" / "sample_course.yaml"


async def seed_sample_course(session: AsyncSession) -> ImportReport:
    """Import and publish the sample course; running it again changes nothing."""
    return await import_course(session, load_course_file(sample_course_path()), publish=True)


async def has_published_content(session: AsyncSession) -> bool:
    """Whether learners have anything to open: a published lesson in a published module."""
    return await repo.has_published_lesson(session)
