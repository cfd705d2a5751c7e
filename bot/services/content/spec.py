"""A course file's content as plain values: what parsing produces, importing consumes and
exporting writes back (the rules these values passed are the content model's, model.py); and
what an import changed, counted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from db.enums import ExerciseType

Answer = str | bool | list[str]


def stored_short_answer(answers: list[str], *, case_sensitive: bool) -> list[str] | dict[str, Any]:
    """A short answer as `exercises.answer` keeps it: the accepted texts as a plain list, as
    ever, or with `case_sensitive` only when it is set, so every existing row and file stays as
    it was."""
    if not case_sensitive:
        return list(answers)
    return {"answers": list(answers), "case_sensitive": True}


def short_answer_parts(stored: Any) -> tuple[list[str], bool]:
    """(accepted texts, case-sensitive?) of a short answer in either stored shape."""
    if isinstance(stored, dict):
        return [str(a) for a in stored.get("answers") or []], bool(stored.get("case_sensitive"))
    return [str(a) for a in stored or []], False


@dataclass(kw_only=True)
class ExerciseSpec:
    """One exercise as the file states it.

    `answer` is the right option's text (multiple_choice), a bool (true_false) or the accepted
    texts (short_answer, written `answers:` in the file); `options` is None except for
    multiple_choice. `case_sensitive` (short_answer only): `p` is then not accepted for `P`.
    """

    type: ExerciseType
    prompt: str
    options: list[str] | None = None
    answer: Answer
    explanation: str | None = None
    points: int = 1
    case_sensitive: bool = False

    def stored_answer(self) -> Any:
        """The value of `exercises.answer` for this exercise."""
        if self.type is ExerciseType.SHORT_ANSWER:
            assert isinstance(self.answer, list)
            return stored_short_answer(self.answer, case_sensitive=self.case_sensitive)
        return self.answer


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


# What an exercise asks: a change to any of these makes it another question, and learners'
# review cards of the old one retire (a new explanation or points keep them).
QUESTION_FIELDS = ("type", "prompt", "options", "answer")


def differs(row: object, values: Mapping[str, Any]) -> bool:
    """Whether a stored row's attributes differ from `values` (in value or in type: a
    true/false answer stored as the string "true" is not the bool True)."""
    return any(
        getattr(row, name) != value or type(getattr(row, name)) is not type(value)
        for name, value in values.items()
    )
