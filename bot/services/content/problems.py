"""A course file's validation errors as the problems an admin reads: `path: what is wrong`.

pydantic reports where (a location such as ('lessons', 2, 'exercises', 0, 'multiple_choice',
'answer')) and which rule (an error type with its context); the wording here is the project's,
and no message of pydantic's own reaches an admin.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic_core import ErrorDetails

from bot.services.content.limits import integer_range
from bot.services.content.model import EXERCISE_TYPES, CourseDocument, Lesson, ModuleHead

TYPE_NAMES = ", ".join(EXERCISE_TYPES)
# An unknown key is named in its problem's path: a long one shortened.
KEY_SHOWN = 40
# What "required" adds for a field whose shape is not obvious from its name.
_REQUIRED_HINT = {
    "lessons": "required: a list with at least one lesson",
    "options": "required: a list of at least 2 options",
    "answers": "required: a non-empty list of accepted answers",
}
_ANSWER_HINT = {
    "multiple_choice": "required: the text of the right option",
    "true_false": "required: true or false",
}
_RANGE_ERRORS = {
    "int_type",
    "int_parsing",
    "int_from_float",
    "greater_than_equal",
    "less_than_equal",
    "greater_than",
    "less_than",
}
_MAPPING_ERRORS = {"model_type", "model_attributes_type", "dict_type"}
# The model's own rules (PydanticCustomError): their message is the project's wording.
_CUSTOM = {"blank", "unclosed_fence", "boolean_text", "duplicate_option", "too_few_distinct"}


def path_of(loc: Sequence[int | str]) -> str:
    """`lessons[2].exercises[0].answer` for a location; an exercise's type tag (which pydantic
    puts after the exercise's index) is left out."""
    path = ""
    for index, part in enumerate(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        elif _is_tag(loc, index):
            continue
        else:
            name = part if len(part) <= KEY_SHOWN else part[: KEY_SHOWN - 1] + "…"
            path += f".{name}" if path else name
    return path


def _is_tag(loc: Sequence[int | str], index: int) -> bool:
    return (
        index >= 2
        and loc[index] in EXERCISE_TYPES
        and isinstance(loc[index - 1], int)
        and loc[index - 2] == "exercises"
    )


def _exercise_type(loc: Sequence[int | str]) -> str | None:
    for index in range(len(loc)):
        if _is_tag(loc, index):
            return str(loc[index])
    return None


def problem(error: ErrorDetails) -> tuple[str, str]:
    """(path, message) of one validation error."""
    loc = error["loc"]
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    field = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    path = path_of(loc)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        said = "must be one of" if kind == "union_tag_invalid" else "required (one of"
        close = ")" if kind == "union_tag_not_found" else ""
        return _join(path, "type"), f"{said} {TYPE_NAMES}{close}"
    if kind == "extra_forbidden":
        return path, _unknown_key(loc)
    if "at" in ctx:
        # A rule of several fields, raised by the model, said of the field it concerns.
        return _join(path, str(ctx["at"])), str(error["msg"])
    return path or "document", _message(kind, ctx, field, loc, error)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _message(
    kind: str, ctx: dict[str, Any], field: str, loc: Sequence[int | str], error: ErrorDetails
) -> str:
    if kind == "missing":
        if field == "answer":
            return _ANSWER_HINT.get(_exercise_type(loc) or "", "required")
        return _REQUIRED_HINT.get(field, "required")
    if kind in _RANGE_ERRORS:
        low, high = integer_range(field)
        return f"must be an integer from {low} to {high}"
    if kind in _MAPPING_ERRORS:
        if not loc:
            return "must be a mapping with `module:` and `lessons:`"
        return "must be a mapping (key: value lines)"
    if kind == "string_type":
        return "must be text"
    if kind == "bool_type":
        return "must be true or false"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters"
    if kind == "string_pattern_mismatch":
        return (
            f"{error['input']!r} must be lowercase letters, digits and hyphens (like python-basics)"
        )
    if field in _REQUIRED_HINT and kind in ("list_type", "too_short", "too_long"):
        return _list_message(kind, ctx, field)
    if kind == "list_type":
        return "must be a list"
    return str(error["msg"]) if kind in _CUSTOM else "is not valid here"


def _list_message(kind: str, ctx: dict[str, Any], field: str) -> str:
    if field == "options":
        if kind == "list_type":
            return "must be a list of at least 2 options"
        if kind == "too_short":
            return f"needs at least {ctx['min_length']} distinct options"
        return f"must be at most {ctx['max_length']} options"
    return _REQUIRED_HINT[field]


def _unknown_key(loc: Sequence[int | str]) -> str:
    key = str(loc[-1])
    parent = loc[:-1]
    kind = _exercise_type(loc)
    if kind is not None:
        if any(key in model.model_fields for model in EXERCISE_TYPES.values()):
            hint = " (use answers: [...])" if key == "answer" else ""
            return f"not used by {kind} exercises{hint}"
        fields = EXERCISE_TYPES[kind].model_fields
        allowed = ["type", *(name for name in fields if name != "type")]
    elif not parent:
        allowed = list(CourseDocument.model_fields)
    elif parent == ("module",):
        allowed = list(ModuleHead.model_fields)
    else:
        allowed = list(Lesson.model_fields)
    return "unknown key (expected one of " + ", ".join(allowed) + ")"
