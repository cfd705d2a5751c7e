"""The course's content model: every rule and limit of a module, a lesson and an exercise.

A course file is validated document by document through `CourseDocument` (parse.py), and each
step of the chat's authoring through the same field types (fields.py), so the two accept the
same values. A problem is raised as pydantic's own error for a standard constraint, or as a
PydanticCustomError whose type names the rule; `problems.py` and `fields.py` word them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from bot.services.content.spec import ExerciseSpec, LessonSpec, ModuleSpec
from db.enums import ExerciseType

SLUG_MAX_LEN = 100  # modules.slug and lessons.slug are VARCHAR(100)
TITLE_MAX_LEN = 200  # modules.title and lessons.title are VARCHAR(200)
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
# The caps keep values inside a 32-bit INT and a multiple-choice question inside one readable
# keyboard; beyond any real course, so a larger number is a mistake.
MINUTES_MAX = 999
XP_MAX = 10_000
PASS_SCORE_MAX = 100
POINTS_MAX = 1000
ORDER_MAX = 1_000_000_000
# A question, its explanation and the learner's answer share one message (4096 characters);
# a module's description heads the list of its lessons.
PROMPT_MAX_LEN = 1000
EXPLANATION_MAX_LEN = 1000
DESCRIPTION_MAX_LEN = 1000
OPTIONS_MIN = 2
OPTIONS_MAX = 10
# An option or an accepted answer is a button's label, or read beside one.
CHOICE_MAX_LEN = TITLE_MAX_LEN

# A code fence line of the course format: the renderer (bot/views/markdown.py) uses this same
# rule, so content that passes validation never renders with a runaway code block.
FENCE = re.compile(r"^\s*```\s*(?P<lang>[^`\s]*)\s*$")


def unclosed_fence_line(text: str) -> int | None:
    """The 1-based line of a ``` fence that is never closed, or None when all are closed."""
    open_line: int | None = None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if FENCE.match(line):
            open_line = number if open_line is None else None
    return open_line


def _not_blank(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        raise PydanticCustomError("blank", "must not be empty")
    return value


def _fences_closed(value: str) -> str:
    if (line := unclosed_fence_line(value)) is not None:
        raise PydanticCustomError(
            "unclosed_fence", "``` code block opened on line {line} is never closed", {"line": line}
        )
    return value


def _as_text(value: object) -> object:
    """An option or accepted answer is text; a number is taken as its text, a YAML boolean
    (an unquoted yes/no) is refused rather than turned into "True"."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "boolean_text", "must be text (quote it: YAML reads yes/no/true/false as booleans)"
        )
    if isinstance(value, int | float):
        return str(value)
    return value


def _distinct(options: list[str]) -> list[str]:
    """Each option once; fewer than OPTIONS_MIN distinct ones is a problem of the list too."""
    errors = [
        InitErrorDetails(
            type=PydanticCustomError(
                "duplicate_option", "duplicate option {shown}", {"option": o, "shown": repr(o)}
            ),
            loc=(index,),
            input=o,
        )
        for index, o in enumerate(options)
        if o in options[:index]
    ]
    if errors and len(set(options)) < OPTIONS_MIN:
        errors.append(
            InitErrorDetails(
                type=PydanticCustomError(
                    "too_few_distinct",
                    "needs at least {minimum} distinct options",
                    {"minimum": OPTIONS_MIN},
                ),
                loc=(),
                input=options,
            )
        )
    if errors:
        raise ValidationError.from_exception_data("options", errors)
    return options


def _rules(*rules: str) -> dict[str, list[str]]:
    """Rules a validator keeps, named in the JSON schema beside the constraints, for the
    README's limits table (limits.py)."""
    return {"x-rules": list(rules)}


NOT_BLANK = "not blank"
# The field types: a model's field and the chat's step for it validate through the same one.
Slug = Annotated[
    str,
    Field(max_length=SLUG_MAX_LEN, pattern=SLUG_PATTERN, json_schema_extra=_rules(NOT_BLANK)),
    BeforeValidator(_not_blank),
]
Title = Annotated[
    str,
    Field(max_length=TITLE_MAX_LEN, json_schema_extra=_rules(NOT_BLANK)),
    BeforeValidator(_not_blank),
]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX_LEN)]
Content = Annotated[
    str,
    Field(json_schema_extra=_rules(NOT_BLANK, "every ``` code block closed")),
    AfterValidator(_fences_closed),
    BeforeValidator(_not_blank),
]
Prompt = Annotated[
    str,
    Field(max_length=PROMPT_MAX_LEN, json_schema_extra=_rules(NOT_BLANK)),
    BeforeValidator(_not_blank),
]
Explanation = Annotated[str, Field(max_length=EXPLANATION_MAX_LEN)]
Minutes = Annotated[int, Field(ge=0, le=MINUTES_MAX)]
Xp = Annotated[int, Field(ge=0, le=XP_MAX)]
PassScore = Annotated[int, Field(ge=0, le=PASS_SCORE_MAX)]
Points = Annotated[int, Field(ge=1, le=POINTS_MAX)]
Order = Annotated[int, Field(ge=0, le=ORDER_MAX)]
Choice = Annotated[
    str,
    Field(
        max_length=CHOICE_MAX_LEN, json_schema_extra=_rules(NOT_BLANK, "a number is read as text")
    ),
    BeforeValidator(_not_blank),
    BeforeValidator(_as_text),
]
Options = Annotated[
    list[Choice],
    Field(min_length=OPTIONS_MIN, max_length=OPTIONS_MAX, json_schema_extra=_rules("distinct")),
    AfterValidator(_distinct),
]
Answers = Annotated[list[Choice], Field(min_length=1)]


class _Strict(BaseModel):
    # Strict: a YAML number is not a title, `yes` is not a number; unknown keys are refused.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ModuleHead(_Strict):
    slug: Slug
    title: Title
    description: Description | None = None
    order: Order | None = Field(None, description="default: its position in the file")


class _ExerciseCommon(_Strict):
    prompt: Prompt
    explanation: Explanation | None = None
    points: Points = 1


class MultipleChoice(_ExerciseCommon):
    type: Literal["multiple_choice"]
    options: Options
    answer: Annotated[
        Choice,
        Field(json_schema_extra=_rules(NOT_BLANK, "a number is read as text", "one of options")),
    ]

    @model_validator(mode="after")
    def _answer_is_an_option(self) -> MultipleChoice:
        if self.answer not in self.options:
            raise PydanticCustomError("not_an_option", "not one of options", {"at": "answer"})
        return self

    def spec(self) -> ExerciseSpec:
        return ExerciseSpec(
            type=ExerciseType.MULTIPLE_CHOICE,
            prompt=self.prompt,
            options=list(self.options),
            answer=self.answer,
            explanation=self.explanation,
            points=self.points,
        )


class TrueFalse(_ExerciseCommon):
    type: Literal["true_false"]
    answer: bool

    def spec(self) -> ExerciseSpec:
        return ExerciseSpec(
            type=ExerciseType.TRUE_FALSE,
            prompt=self.prompt,
            answer=self.answer,
            explanation=self.explanation,
            points=self.points,
        )


class ShortAnswer(_ExerciseCommon):
    type: Literal["short_answer"]
    answers: Answers  # compared without regard to spacing, and to case unless case_sensitive
    case_sensitive: bool = False

    def spec(self) -> ExerciseSpec:
        return ExerciseSpec(
            type=ExerciseType.SHORT_ANSWER,
            prompt=self.prompt,
            answer=list(self.answers),
            explanation=self.explanation,
            points=self.points,
            case_sensitive=self.case_sensitive,
        )


Exercise = Annotated[MultipleChoice | TrueFalse | ShortAnswer, Field(discriminator="type")]
EXERCISE_TYPES: dict[str, type[MultipleChoice | TrueFalse | ShortAnswer]] = {
    "multiple_choice": MultipleChoice,
    "true_false": TrueFalse,
    "short_answer": ShortAnswer,
}


class Lesson(_Strict):
    slug: Slug
    title: Title
    content: Content  # the Markdown subset; long text is paged
    estimated_minutes: Minutes | None = None
    xp: Xp = 10
    pass_score: PassScore = 70  # percent
    exercises: list[Exercise] = []

    def spec(self) -> LessonSpec:
        return LessonSpec(
            slug=self.slug,
            title=self.title,
            estimated_minutes=self.estimated_minutes,
            xp=self.xp,
            pass_score=self.pass_score,
            content=self.content,
            exercises=[exercise.spec() for exercise in self.exercises],
        )


class CourseDocument(_Strict):
    """One document of a course file: a module and its lessons, in order."""

    module: ModuleHead
    lessons: Annotated[list[Lesson], Field(min_length=1)]

    def spec(self, default_order: int) -> ModuleSpec:
        head = self.module
        return ModuleSpec(
            slug=head.slug,
            title=head.title,
            description=head.description,
            order=default_order if head.order is None else head.order,
            lessons=[lesson.spec() for lesson in self.lessons],
        )


def repeated(slugs: Iterable[object]) -> Iterator[tuple[int, str]]:
    """Each slug (by position) that an earlier one already names: a module's slug is unique in
    its file, a lesson's within its module. Values that are not text are another problem."""
    seen: set[str] = set()
    for index, slug in enumerate(slugs):
        if isinstance(slug, str):
            if slug in seen:
                yield index, slug
            seen.add(slug)
