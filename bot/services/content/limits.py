"""The content model's limits read back from its JSON schema: the range a problem names, and
the README's limits table (a test keeps the README equal to `limits_table()`)."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel

from bot.services.content.model import (
    CourseDocument,
    Lesson,
    ModuleHead,
    MultipleChoice,
    ShortAnswer,
    TrueFalse,
)

# Each model as the table names it, in the order a course file is written.
_MODELS = (
    ("module", ModuleHead),
    ("lesson", Lesson),
    ("multiple_choice", MultipleChoice),
    ("true_false", TrueFalse),
    ("short_answer", ShortAnswer),
)
# Fields the table leaves out: the exercise's kind and the lesson's list of exercises.
_STRUCTURE = {"type", "exercises"}


@functools.cache
def _schema() -> dict[str, Any]:
    return CourseDocument.model_json_schema()


def _properties(model: type[BaseModel]) -> dict[str, Any]:
    return dict(_schema()["$defs"][model.__name__])


def _value_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional field's schema without its `null`."""
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return {**option, **{k: v for k, v in schema.items() if k != "anyOf"}}
    return schema


@functools.cache
def integer_range(field: str) -> tuple[int, int]:
    """The (minimum, maximum) of a whole-number field of the model, by name."""
    for _, model in _MODELS:
        schema = _properties(model)["properties"].get(field)
        if schema is not None:
            value = _value_schema(schema)
            if value.get("type") == "integer":
                return int(value["minimum"]), int(value["maximum"])
    raise KeyError(field)


def _describe(schema: dict[str, Any]) -> str:
    value = _value_schema(schema)
    rules = list(value.get("x-rules", []))
    kind = value.get("type")
    if kind == "integer":
        said = f"whole number {value['minimum']}..{value['maximum']}"
    elif kind == "boolean":
        said = "true or false"
    elif kind == "array":
        most = f"..{value['maxItems']}" if "maxItems" in value else " or more"
        kind_of = " ".join([*rules, "items"])
        each = _describe(value["items"])
        return f"a list of {value.get('minItems', 0)}{most} {kind_of}, each: {each}"
    elif value.get("pattern"):
        said = f"lowercase letters, digits and hyphens (`{value['pattern']}`)"
        if "maxLength" in value:
            said += f", at most {value['maxLength']} characters"
    else:
        said = "text"
        if "maxLength" in value:
            said += f", at most {value['maxLength']} characters"
    return "; ".join([said, *rules])


def limits_table() -> str:
    """The README's table of every field's rule, from the model itself."""
    rows = ["| where | field | required | rule |", "|---|---|---|---|"]
    for where, model in _MODELS:
        properties = _properties(model)
        required = set(properties.get("required", []))
        for field, schema in properties["properties"].items():
            if field in _STRUCTURE:
                continue
            if field in required:
                need = "yes"
            elif "description" in schema:
                need = f"no ({schema['description']})"
            elif schema.get("default") is None:
                need = "no"
            else:
                need = f"no (default {_default(schema['default'])})"
            rows.append(f"| {where} | `{field}` | {need} | {_describe(schema)} |")
    return "\n".join(rows) + "\n"


def _default(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
