"""What an admin types in an authoring dialog, checked by the rules a course file is checked by
(bot/services/content): the chat and the file accept the same values.

Each check returns the clean value or raises BadValue naming the problem and its limits; the
handler words it in the admin's language and asks the step again.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Collection
from typing import Any

from bot.services.content.checks import is_slug, unclosed_fence_line
from bot.services.content.spec import (
    DESCRIPTION_MAX_LEN,
    EXPLANATION_MAX_LEN,
    MINUTES_MAX,
    OPTIONS_MAX,
    OPTIONS_MIN,
    PASS_SCORE_MAX,
    PROMPT_MAX_LEN,
    SLUG_MAX_LEN,
    TITLE_MAX_LEN,
    XP_MAX,
)
from bot.services.errors import DomainError

# Lesson texts and prompts arrive as one Telegram message: 4096 characters at most anyway.
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


class NumberField(enum.Enum):
    """The whole numbers a lesson has, with the range both the file and the chat accept."""

    MINUTES = (0, MINUTES_MAX)
    XP = (0, XP_MAX)
    PASS_SCORE = (0, PASS_SCORE_MAX)

    @property
    def minimum(self) -> int:
        return self.value[0]

    @property
    def maximum(self) -> int:
        return self.value[1]


def text(value: str | None, *, max_len: int = TEXT_MAX_LEN) -> str:
    clean = (value or "").strip()
    if not clean:
        raise BadValue(Problem.EMPTY)
    if len(clean) > max_len:
        raise BadValue(Problem.TOO_LONG, maximum=max_len)
    return clean


def title(value: str | None) -> str:
    return text(value, max_len=TITLE_MAX_LEN)


def description(value: str | None) -> str:
    return text(value, max_len=DESCRIPTION_MAX_LEN)


def prompt(value: str | None) -> str:
    return text(value, max_len=PROMPT_MAX_LEN)


def explanation(value: str | None) -> str:
    return text(value, max_len=EXPLANATION_MAX_LEN)


def slug(value: str | None) -> str:
    clean = text(value, max_len=SLUG_MAX_LEN)
    if not is_slug(clean):
        raise BadValue(Problem.SLUG_SHAPE)
    return clean


def content(value: str | None) -> str:
    # Not stripped inside: indentation and blank lines are the author's Markdown.
    if not (value or "").strip():
        raise BadValue(Problem.EMPTY)
    assert value is not None
    if len(value) > TEXT_MAX_LEN:
        raise BadValue(Problem.TOO_LONG, maximum=TEXT_MAX_LEN)
    if (line := unclosed_fence_line(value)) is not None:
        raise BadValue(Problem.UNCLOSED_FENCE, line=line)
    return value.strip("\n")


def number(value: str | None, field: NumberField) -> int:
    clean = (value or "").strip()
    if re.fullmatch(r"\d{1,9}", clean) and field.minimum <= int(clean) <= field.maximum:
        return int(clean)
    raise BadValue(Problem.NOT_IN_RANGE, minimum=field.minimum, maximum=field.maximum)


def _lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def options(value: str | None) -> list[str]:
    """Multiple-choice options, one per line (blank lines ignored), as a course file's."""
    found = _lines(value)
    for line in found:
        if len(line) > TITLE_MAX_LEN:
            raise BadValue(Problem.TOO_LONG, maximum=TITLE_MAX_LEN)
    seen: set[str] = set()
    for line in found:
        if line in seen:
            raise BadValue(Problem.DUPLICATE_OPTION, option=line)
        seen.add(line)
    if len(found) < OPTIONS_MIN:
        raise BadValue(Problem.TOO_FEW_OPTIONS, minimum=OPTIONS_MIN, maximum=OPTIONS_MAX)
    if len(found) > OPTIONS_MAX:
        raise BadValue(Problem.TOO_MANY_OPTIONS, minimum=OPTIONS_MIN, maximum=OPTIONS_MAX)
    return found


def answers(value: str | None) -> list[str]:
    """A short answer's accepted texts, one per line: at least one."""
    found = _lines(value)
    if not found:
        raise BadValue(Problem.EMPTY)
    for line in found:
        if len(line) > TITLE_MAX_LEN:
            raise BadValue(Problem.TOO_LONG, maximum=TITLE_MAX_LEN)
    return found


# Russian letters as Latin ones, so a Russian title still gives a readable slug.
_LATIN = (
    "a b v g d e e zh z i y k l m n o p r s t u f h ts ch sh sch  y  e yu ya"  # ъ and ь: nothing
)
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN.split(" "), strict=True))
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
FALLBACK_SLUG = "lesson"
# Room for a "-NN" suffix within the column.
_BASE_MAX_LEN = SLUG_MAX_LEN - 6


def slug_from_title(value: str) -> str:
    """Lowercase Latin letters and digits of the title, words joined by hyphens."""
    lowered = "".join(_CYRILLIC.get(ch, ch) for ch in value.lower())
    ascii_only = unicodedata.normalize("NFKD", lowered).encode("ascii", "ignore").decode()
    base = _NOT_SLUG.sub("-", ascii_only).strip("-")[:_BASE_MAX_LEN].rstrip("-")
    return base or FALLBACK_SLUG


def first_free(base: str, taken: Collection[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not taken."""
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"
