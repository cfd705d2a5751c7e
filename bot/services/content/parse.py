"""Reading a course file: strict YAML (yaml_reader), then every document validated whole
through the content model (model.py), every problem listed by path.

Nothing here touches the database, so a file can be validated before any session is opened.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from bot.services.content.model import CourseDocument, repeated
from bot.services.content.problems import problem
from bot.services.content.spec import CourseFileError, ModuleSpec
from bot.services.content.yaml_reader import YamlRefused, read_documents

_DOCUMENT: TypeAdapter[CourseDocument] = TypeAdapter(CourseDocument)


class _Problems:
    """Every problem of a file, each under its document and a sort key that keeps a document's
    problems in the order of its lessons (the duplicate slug of lesson 2 after the problems
    inside lesson 1), and without repeating a value the reader already refused."""

    def __init__(self, several: bool) -> None:
        self.several = several
        self.found: list[tuple[tuple[int, int], str]] = []
        self.settled: set[tuple[int, str]] = set()

    def add(self, document: int, path: str, message: str, lesson: int = -1) -> None:
        if (document, path) in self.settled:
            return
        prefix = f"document {document}: " if self.several or document > 1 else ""
        self.found.append(((document, lesson), f"{prefix}{path}: {message}"))

    def refused(self, document: int, path: str, message: str) -> None:
        """A value the reader refused: it reads as missing, and "required" for it would only
        repeat the reason given here."""
        self.add(document, path, message, _lesson_of(path))
        self.settled.add((document, path))

    def listed(self) -> list[str]:
        return [text for _, text in sorted(self.found, key=lambda item: item[0])]


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
    problems = _Problems(len(documents) > 1 or any(number > 1 for number, _ in documents))
    for value in read.problems:
        problems.refused(value.document, value.path, value.message)
    modules: list[ModuleSpec] = []
    for number, document in documents:
        module = _module(problems, number, _plain(document))
        if module is not None:
            modules.append(module)
    module_slugs = [_slug(_field(document, "module")) for _, document in documents]
    for index, slug in repeated(module_slugs):
        problems.add(documents[index][0], "module.slug", f"duplicate slug {slug!r}")
    if problems.found:
        raise CourseFileError(problems.listed())
    return modules


def load_course_file(path: Path) -> list[ModuleSpec]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CourseFileError([f"{path}: not UTF-8 text"]) from None
    except OSError as exc:
        raise CourseFileError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    return parse_course(text)


def _module(problems: _Problems, number: int, document: object) -> ModuleSpec | None:
    before = len(problems.found)
    try:
        parsed = _DOCUMENT.validate_python(document)
    except ValidationError as invalid:
        for error in invalid.errors(include_url=False):
            path, message = problem(error)
            problems.add(number, path, message, _lesson_of(path))
        parsed = None
    lessons = _field(document, "lessons")
    raw_slugs = [_slug(lesson) for lesson in lessons] if isinstance(lessons, list) else []
    for index, slug in repeated(raw_slugs):
        problems.add(number, f"lessons[{index}].slug", f"duplicate slug {slug!r}", index)
    if parsed is None or len(problems.found) > before:
        return None
    return parsed.spec(default_order=number)


def _plain(value: object) -> object:
    """The tree as the model reads it: a key given no value (`xp:`) is a key not given, as it
    always was in a course file, and every key is text (a key `1:` is an unknown key `1`)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _field(document: object, key: str) -> object:
    return document.get(key) if isinstance(document, Mapping) else None


def _slug(data: object) -> object:
    return _field(data, "slug")


def _lesson_of(path: str) -> int:
    """The lesson a problem's path is in (its index), or -1 for the module's own problems."""
    if path.startswith("lessons["):
        number = path[len("lessons[") :].split("]", 1)[0]
        if number.isdigit():
            return int(number)
    return -1
