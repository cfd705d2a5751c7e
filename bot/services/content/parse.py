"""Reading a course file: strict YAML, then every module, lesson and exercise checked.

Nothing here touches the database, so a file can be validated before any session is opened.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from bot.services.content.checks import (
    Checker,
    exercise_answer,
    exercise_options,
    unclosed_fence_line,
)
from bot.services.content.spec import (
    DESCRIPTION_MAX_LEN,
    EXPLANATION_MAX_LEN,
    MINUTES_MAX,
    ORDER_MAX,
    PASS_SCORE_MAX,
    POINTS_MAX,
    PROMPT_MAX_LEN,
    TITLE_MAX_LEN,
    XP_MAX,
    CourseFileError,
    ExerciseSpec,
    LessonSpec,
    ModuleSpec,
)
from bot.services.content.yaml_reader import YamlRefused, read_documents
from db.enums import ExerciseType

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
    ExerciseType.SHORT_ANSWER: ("answers", "case_sensitive"),
}
_EXERCISE_KEYS = (*_EXERCISE_COMMON_KEYS, "options", "answer", "answers", "case_sensitive")
_TYPE_NAMES = ", ".join(t.value for t in ExerciseType)


def parse_course(text: str, on_document: Callable[[int], None] | None = None) -> list[ModuleSpec]:
    """The modules of a course file, or CourseFileError listing every problem found.

    Safe to call on anything an admin sends: the YAML is read within bounds (see
    yaml_reader), and every refusal is a problem in the list, never another exception.
    `on_document(n)` is told as each document (module) is read, for progress; it may be called
    from a worker thread.
    """
    try:
        read = read_documents(text, on_document)
    except YamlRefused as refused:
        raise CourseFileError([refused.problem]) from None
    documents = read.documents
    if not documents and not read.problems:
        raise CourseFileError(["the file holds no module (expected `module:` and `lessons:`)"])
    several = len(documents) > 1 or any(number > 1 for number, _ in documents)

    def prefix(number: int) -> str:
        return f"document {number}: " if several or number > 1 else ""

    checker = Checker()
    for problem in read.problems:
        checker.prefix = prefix(problem.document)
        checker.refused(problem.path, problem.message)
    modules: list[ModuleSpec] = []
    seen: set[str] = set()
    for number, document in documents:
        checker.prefix = prefix(number)
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


def _parse_module(
    checker: Checker, document: object, *, default_order: int, seen_slugs: set[str]
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
        description = checker.text(
            data, "description", "module", required=False, max_len=DESCRIPTION_MAX_LEN
        )
        order = checker.integer(
            data, "order", "module", default=default_order, minimum=0, maximum=ORDER_MAX
        )

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


def _parse_lesson(checker: Checker, raw: object, path: str) -> LessonSpec | None:
    data = checker.mapping(raw, path)
    if data is None:
        return None
    before = checker.count
    checker.known_keys(data, _LESSON_KEYS, path)
    slug = checker.slug(data, path)
    title = checker.text(data, "title", path, max_len=TITLE_MAX_LEN)
    content = checker.text(data, "content", path)
    if content is not None and (line := unclosed_fence_line(content)) is not None:
        checker.report(f"{path}.content", f"``` code block opened on line {line} is never closed")
    minutes = checker.integer(
        data, "estimated_minutes", path, default=None, minimum=0, maximum=MINUTES_MAX
    )
    xp = checker.integer(data, "xp", path, default=10, minimum=0, maximum=XP_MAX)
    pass_score = checker.integer(
        data, "pass_score", path, default=70, minimum=0, maximum=PASS_SCORE_MAX
    )

    exercises: list[ExerciseSpec] = []
    raw_exercises = data.get("exercises")
    if raw_exercises is not None and not isinstance(raw_exercises, list):
        checker.report(f"{path}.exercises", "must be a list")
    for index, raw_exercise in enumerate(raw_exercises if isinstance(raw_exercises, list) else []):
        exercise = _parse_exercise(checker, raw_exercise, f"{path}.exercises[{index}]")
        if exercise is not None:
            exercises.append(exercise)

    if checker.count > before:
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


def _parse_exercise(checker: Checker, raw: object, path: str) -> ExerciseSpec | None:
    data = checker.mapping(raw, path)
    if data is None:
        return None
    before = checker.count
    checker.known_keys(data, _EXERCISE_KEYS, path)
    kind: ExerciseType | None = None
    raw_type = data.get("type")
    if raw_type is None:
        checker.report(f"{path}.type", f"required (one of {_TYPE_NAMES})")
    elif not isinstance(raw_type, str) or raw_type not in {t.value for t in ExerciseType}:
        checker.report(f"{path}.type", f"must be one of {_TYPE_NAMES}")
    else:
        kind = ExerciseType(raw_type)
    prompt = checker.text(data, "prompt", path, max_len=PROMPT_MAX_LEN)
    explanation = checker.text(
        data, "explanation", path, required=False, max_len=EXPLANATION_MAX_LEN
    )
    points = checker.integer(data, "points", path, default=1, minimum=1, maximum=POINTS_MAX)
    if kind is None:
        return None

    for key in ("options", "answer", "answers", "case_sensitive"):
        if key in data and key not in _EXERCISE_TYPE_KEYS[kind]:
            hint = " (use answers: [...])" if key == "answer" else ""
            checker.report(f"{path}.{key}", f"not used by {kind.value} exercises{hint}")

    options: list[str] | None = None
    answer = exercise_answer(checker, kind, data, path)
    case_sensitive = checker.flag(data, "case_sensitive", path)
    if kind is ExerciseType.MULTIPLE_CHOICE:
        options = exercise_options(checker, data, path)
        if options is not None and answer is not None and answer not in options:
            checker.report(f"{path}.answer", "not one of options")

    if checker.count > before:
        return None
    assert prompt is not None and points is not None and answer is not None
    return ExerciseSpec(
        type=kind,
        prompt=prompt,
        options=options,
        answer=answer,
        explanation=explanation,
        points=points,
        case_sensitive=bool(case_sensitive) and kind is ExerciseType.SHORT_ANSWER,
    )
