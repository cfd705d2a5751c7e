"""What an admin types in an authoring step, validated through the content model's field types
(model.py), the ones a course file's fields go through: the chat and the file accept the same
values by the same rules.

Each function takes the typed text and returns the clean value, or raises BadValue naming the
rule and its limits; the handler words it in the admin's language and asks the step again.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Collection
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from bot.services.content import model
from bot.services.errors import DomainError

# Lesson texts arrive as one Telegram message: 4096 characters at most anyway. The bound of
# the message, not a rule of the content (a course file's lesson may be longer; it is paged).
TEXT_MAX_LEN = 4096


class Problem(enum.StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    SLUG_SHAPE = "slug_shape"
    SLUG_TAKEN = "slug_taken"
    UNCLOSED_FENCE = "fence"
    NOT_IN_RANGE = "range"
    TOO_FEW_OPTIONS = "few_options"
    TOO_MANY_OPTIONS = "many_options"
    DUPLICATE_OPTION = "duplicate_option"


class BadValue(DomainError):
    """A typed value the step does not accept; `details` are the limits to name. A domain
    error (nothing was changed), answered by the authoring dialog with the question again."""

    def __init__(self, problem: Problem, **details: Any) -> None:
        self.problem = problem
        self.details = details
        super().__init__(problem.value, details)


@functools.cache
def _adapter(field_type: Any) -> TypeAdapter[Any]:
    return TypeAdapter(field_type)


@functools.cache
def _range(field_type: Any) -> tuple[int, int]:
    schema = _adapter(field_type).json_schema()
    return int(schema["minimum"]), int(schema["maximum"])


class NumberField(enum.Enum):
    """The whole numbers a lesson has, as the content model types them."""

    MINUTES = "estimated_minutes"
    XP = "xp"
    PASS_SCORE = "pass_score"

    @property
    def field_type(self) -> Any:
        return {"estimated_minutes": model.Minutes, "xp": model.Xp, "pass_score": model.PassScore}[
            self.value
        ]

    @property
    def minimum(self) -> int:
        return _range(self.field_type)[0]

    @property
    def maximum(self) -> int:
        return _range(self.field_type)[1]


def _valid(field_type: Any, value: object) -> Any:
    try:
        return _adapter(field_type).validate_python(value)
    except ValidationError as invalid:
        raise _bad_value(invalid.errors(include_url=False)[0], field_type) from None


def _bad_value(error: ErrorDetails, field_type: Any) -> BadValue:
    """The first broken rule of a value, as the chat names it."""
    kind, ctx = error["type"], dict(error.get("ctx") or {})
    if kind in ("blank", "missing") or (kind == "too_short" and field_type is model.Answers):
        return BadValue(Problem.EMPTY)
    if kind == "string_too_long":
        return BadValue(Problem.TOO_LONG, maximum=ctx["max_length"])
    if kind == "string_pattern_mismatch":
        return BadValue(Problem.SLUG_SHAPE)
    if kind == "unclosed_fence":
        return BadValue(Problem.UNCLOSED_FENCE, line=ctx["line"])
    if kind == "duplicate_option":
        return BadValue(Problem.DUPLICATE_OPTION, option=ctx["option"])
    limits = {"minimum": model.OPTIONS_MIN, "maximum": model.OPTIONS_MAX}
    if kind in ("too_short", "too_few_distinct"):
        return BadValue(Problem.TOO_FEW_OPTIONS, **limits)
    if kind == "too_long":
        return BadValue(Problem.TOO_MANY_OPTIONS, **limits)
    low, high = _range(field_type)
    return BadValue(Problem.NOT_IN_RANGE, minimum=low, maximum=high)


def _given(value: str | None) -> str:
    """A step's answer without its surrounding spaces; an answer of nothing is no answer
    (an optional field is skipped with its button, not with blank text)."""
    clean = (value or "").strip()
    if not clean:
        raise BadValue(Problem.EMPTY)
    return clean


def title(value: str | None) -> str:
    return str(_valid(model.Title, _given(value)))


def description(value: str | None) -> str:
    return str(_valid(model.Description, _given(value)))


def prompt(value: str | None) -> str:
    return str(_valid(model.Prompt, _given(value)))


def explanation(value: str | None) -> str:
    return str(_valid(model.Explanation, _given(value)))


def slug(value: str | None) -> str:
    return str(_valid(model.Slug, _given(value)))


def content(value: str | None) -> str:
    # Not stripped inside: indentation and blank lines are the author's Markdown.
    if not (value or "").strip():
        raise BadValue(Problem.EMPTY)
    assert value is not None
    if len(value) > TEXT_MAX_LEN:
        raise BadValue(Problem.TOO_LONG, maximum=TEXT_MAX_LEN)
    return str(_valid(model.Content, value)).strip("\n")


def number(value: str | None, field: NumberField) -> int:
    clean = (value or "").strip()
    # Digits only (no sign, no "1e3"), and few enough that reading them costs nothing.
    if not re.fullmatch(r"\d{1,9}", clean):
        raise BadValue(Problem.NOT_IN_RANGE, minimum=field.minimum, maximum=field.maximum)
    return int(_valid(field.field_type, int(clean)))


def _lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def options(value: str | None) -> list[str]:
    """Multiple-choice options, one per line (blank lines ignored), as a course file's."""
    return list(_valid(model.Options, _lines(value)))


def answers(value: str | None) -> list[str]:
    """A short answer's accepted texts, one per line: at least one."""
    return list(_valid(model.Answers, _lines(value)))


# Russian letters as Latin ones, so a Russian title still gives a readable slug.
_LATIN = (
    "a b v g d e e zh z i y k l m n o p r s t u f h ts ch sh sch  y  e yu ya"  # ъ and ь: nothing
)
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN.split(" "), strict=True))
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Room for a "-NN" suffix within the column.
_BASE_MAX_LEN = model.SLUG_MAX_LEN - 6


def slug_from_title(value: str, *, fallback: str) -> str:
    """Lowercase Latin letters and digits of the title, words joined by hyphens; `fallback`
    (the kind of thing named: "module", "lesson") for a title with none of them."""
    lowered = "".join(_CYRILLIC.get(ch, ch) for ch in value.lower())
    ascii_only = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    base = _NOT_SLUG.sub("-", ascii_only).strip("-")[:_BASE_MAX_LEN].rstrip("-")
    return base or fallback


def first_free(base: str, taken: Collection[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not taken."""
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"
