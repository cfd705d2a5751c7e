"""The field checks of a course file: each reports its problems, path first, and returns the
clean value, or None after reporting, so one pass over a file lists every problem in it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.services.content.spec import (
    OPTIONS_MAX,
    OPTIONS_MIN,
    SLUG_MAX_LEN,
    TITLE_MAX_LEN,
    Answer,
)
from db.enums import ExerciseType

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A code fence line of the course format: the renderer (bot/views/markdown.py) uses this same
# rule, so a file that passes validation never renders with a runaway code block.
FENCE = re.compile(r"^\s*```\s*(?P<lang>[^`\s]*)\s*$")
_MISSING = object()
# An unknown key is named in its problem's path: a long one shortened.
_KEY_SHOWN = 40


class Checker:
    """Collects problems; each check returns the clean value, or None after reporting."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.prefix = ""
        # Every problem found, those not listed again included: a check that found one
        # compares this before and after, not the length of the list.
        self.count = 0
        # Paths whose value was refused while reading the file: it reads as missing, and
        # "required" for it would only repeat the reason already given.
        self._settled: set[str] = set()

    def report(self, path: str, message: str) -> None:
        self.count += 1
        where = f"{self.prefix}{path}"
        if where not in self._settled:
            self.problems.append(f"{where}: {message}")

    def refused(self, path: str, message: str) -> None:
        """A value the reader refused (see yaml_reader): reported once, here."""
        self.report(path, message)
        self._settled.add(f"{self.prefix}{path}")

    def mapping(self, value: object, path: str) -> Mapping[Any, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.report(path, "must be a mapping (key: value lines)")
        return None

    def known_keys(self, data: Mapping[Any, Any], allowed: tuple[str, ...], path: str) -> None:
        for key in data:
            if key not in allowed:
                name = str(key) if len(str(key)) <= _KEY_SHOWN else str(key)[: _KEY_SHOWN - 1] + "…"
                where = f"{path}.{name}" if path else name
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
        if value is not None and not is_slug(value):
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

    def flag(self, data: Mapping[Any, Any], key: str, path: str) -> bool | None:
        """An optional true/false key: False when absent."""
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            return False
        if not isinstance(value, bool):
            self.report(f"{path}.{key}", "must be true or false")
            return None
        return value

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
        if len(value) > TITLE_MAX_LEN:
            # As the chat's authoring accepts: an option is a button's label.
            self.report(path, f"must be at most {TITLE_MAX_LEN} characters")
            return None
        return value


def is_slug(value: str) -> bool:
    """Lowercase letters, digits and hyphens, not starting with a hyphen, within the column."""
    return len(value) <= SLUG_MAX_LEN and bool(_SLUG.match(value))


def unclosed_fence_line(text: str) -> int | None:
    """The 1-based line of a ``` fence that is never closed, or None when all are closed."""
    open_line: int | None = None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, start=1):
        if FENCE.match(line):
            open_line = number if open_line is None else None
    return open_line


def exercise_options(checker: Checker, data: Mapping[Any, Any], path: str) -> list[str] | None:
    """A multiple_choice exercise's options: OPTIONS_MIN to OPTIONS_MAX, none repeated."""
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
    if len(options) < OPTIONS_MIN:
        checker.report(f"{path}.options", f"needs at least {OPTIONS_MIN} distinct options")
        return None
    if len(options) > OPTIONS_MAX:
        checker.report(f"{path}.options", f"must be at most {OPTIONS_MAX} options")
        return None
    return options


def exercise_answer(
    checker: Checker, kind: ExerciseType, data: Mapping[Any, Any], path: str
) -> Answer | None:
    """An exercise's answer in the shape its type asks for (see ExerciseSpec.answer)."""
    return _ANSWER_PARSERS[kind](checker, data, path)


def _choice_answer(checker: Checker, data: Mapping[Any, Any], path: str) -> Answer | None:
    if data.get("answer") is None:
        checker.report(f"{path}.answer", "required: the text of the right option")
        return None
    return checker.scalar_text(data["answer"], f"{path}.answer")


def _true_false_answer(checker: Checker, data: Mapping[Any, Any], path: str) -> Answer | None:
    value = data.get("answer")
    if value is None:
        checker.report(f"{path}.answer", "required: true or false")
        return None
    if not isinstance(value, bool):
        checker.report(f"{path}.answer", "must be true or false")
        return None
    return value


def _short_answers(checker: Checker, data: Mapping[Any, Any], path: str) -> Answer | None:
    raw = data.get("answers")
    if not isinstance(raw, list) or not raw:
        checker.report(f"{path}.answers", "required: a non-empty list of accepted answers")
        return None
    answers = [checker.scalar_text(item, f"{path}.answers[{i}]") for i, item in enumerate(raw)]
    clean = [answer for answer in answers if answer is not None]
    return clean if len(clean) == len(answers) else None


_ANSWER_PARSERS: dict[ExerciseType, Callable[[Checker, Mapping[Any, Any], str], Answer | None]] = {
    ExerciseType.MULTIPLE_CHOICE: _choice_answer,
    ExerciseType.TRUE_FALSE: _true_false_answer,
    ExerciseType.SHORT_ANSWER: _short_answers,
}
