"""The content model is the one home of every field rule: a course file and the chat's
authoring steps refuse the same values by the same rule, and the README's limits table is the
model's own."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from bot.services.content import fields
from bot.services.content.fields import BadValue, NumberField, Problem
from bot.services.content.limits import limits_table
from bot.services.content.parse import parse_course
from bot.services.content.spec import CourseFileError
from db.migrations import PROJECT_ROOT

BASE: dict[str, Any] = {
    "module": {"slug": "m", "title": "M", "description": "D"},
    "lessons": [
        {
            "slug": "l",
            "title": "L",
            "content": "Text.",
            "estimated_minutes": 5,
            "xp": 10,
            "pass_score": 70,
            "exercises": [
                {
                    "type": "multiple_choice",
                    "prompt": "P",
                    "options": ["a", "b"],
                    "answer": "a",
                    "explanation": "E",
                },
                {"type": "short_answer", "prompt": "P", "answers": ["x"]},
            ],
        }
    ],
}
LESSON = ("lessons", 0)
CHOICE = (*LESSON, "exercises", 0)
SHORT = (*LESSON, "exercises", 1)


@dataclass(frozen=True)
class Rule:
    """One field's limit: a value at it and one beyond, through the file and the chat."""

    where: tuple[str | int, ...]
    chat: Callable[[str], Any]
    good: Any
    bad: Any
    file_problem: str
    chat_problem: Problem
    details: dict[str, Any]


def _number(field: NumberField) -> Callable[[str], int]:
    return lambda typed: fields.number(typed, field)


RULES = {
    "module slug shape": Rule(
        ("module", "slug"), fields.slug, "git-basics-2", "Git Basics!",
        "module.slug: 'Git Basics!' must be lowercase letters, digits and hyphens"
        " (like python-basics)",
        Problem.SLUG_SHAPE, {},
    ),
    "module slug length": Rule(
        ("module", "slug"), fields.slug, "s" * 100, "s" * 101,
        "module.slug: must be at most 100 characters", Problem.TOO_LONG, {"maximum": 100},
    ),
    "module slug blank": Rule(
        ("module", "slug"), fields.slug, "s", "  ", "module.slug: must not be empty",
        Problem.EMPTY, {},
    ),
    "module title length": Rule(
        ("module", "title"), fields.title, "t" * 200, "t" * 201,
        "module.title: must be at most 200 characters", Problem.TOO_LONG, {"maximum": 200},
    ),
    "module description length": Rule(
        ("module", "description"), fields.description, "d" * 1000, "d" * 1001,
        "module.description: must be at most 1000 characters",
        Problem.TOO_LONG, {"maximum": 1000},
    ),
    "lesson title length": Rule(
        (*LESSON, "title"), fields.title, "t" * 200, "t" * 201,
        "lessons[0].title: must be at most 200 characters", Problem.TOO_LONG, {"maximum": 200},
    ),
    "lesson title blank": Rule(
        (*LESSON, "title"), fields.title, "t", " ", "lessons[0].title: must not be empty",
        Problem.EMPTY, {},
    ),
    "lesson content fence": Rule(
        (*LESSON, "content"), fields.content, "```\ncode\n```", "Text\n```\ncode",
        "lessons[0].content: ``` code block opened on line 2 is never closed",
        Problem.UNCLOSED_FENCE, {"line": 2},
    ),
    "lesson content blank": Rule(
        (*LESSON, "content"), fields.content, "c", "\n \n", "lessons[0].content: must not be empty",
        Problem.EMPTY, {},
    ),
    "lesson minutes": Rule(
        (*LESSON, "estimated_minutes"), _number(NumberField.MINUTES), 999, 1000,
        "lessons[0].estimated_minutes: must be an integer from 0 to 999",
        Problem.NOT_IN_RANGE, {"minimum": 0, "maximum": 999},
    ),
    "lesson xp": Rule(
        (*LESSON, "xp"), _number(NumberField.XP), 10_000, 10_001,
        "lessons[0].xp: must be an integer from 0 to 10000",
        Problem.NOT_IN_RANGE, {"minimum": 0, "maximum": 10_000},
    ),
    "lesson pass score": Rule(
        (*LESSON, "pass_score"), _number(NumberField.PASS_SCORE), 100, 101,
        "lessons[0].pass_score: must be an integer from 0 to 100",
        Problem.NOT_IN_RANGE, {"minimum": 0, "maximum": 100},
    ),
    "prompt length": Rule(
        (*CHOICE, "prompt"), fields.prompt, "p" * 1000, "p" * 1001,
        "lessons[0].exercises[0].prompt: must be at most 1000 characters",
        Problem.TOO_LONG, {"maximum": 1000},
    ),
    "explanation length": Rule(
        (*CHOICE, "explanation"), fields.explanation, "e" * 1000, "e" * 1001,
        "lessons[0].exercises[0].explanation: must be at most 1000 characters",
        Problem.TOO_LONG, {"maximum": 1000},
    ),
    "too few options": Rule(
        (*CHOICE, "options"), fields.options, ["a", "b"], ["a"],
        "lessons[0].exercises[0].options: needs at least 2 distinct options",
        Problem.TOO_FEW_OPTIONS, {"minimum": 2, "maximum": 10},
    ),
    "too many options": Rule(
        (*CHOICE, "options"), fields.options, ["a", *"bcdefghij"], ["a", *"bcdefghijk"],
        "lessons[0].exercises[0].options: must be at most 10 options",
        Problem.TOO_MANY_OPTIONS, {"minimum": 2, "maximum": 10},
    ),
    "repeated option": Rule(
        (*CHOICE, "options"), fields.options, ["a", "b", "c"], ["a", "b", "a"],
        "lessons[0].exercises[0].options[2]: duplicate option 'a'",
        Problem.DUPLICATE_OPTION, {"option": "a"},
    ),
    "option length": Rule(
        (*CHOICE, "options"), fields.options, ["a", "o" * 200], ["a", "o" * 201],
        "lessons[0].exercises[0].options[1]: must be at most 200 characters",
        Problem.TOO_LONG, {"maximum": 200},
    ),
    "no accepted answer": Rule(
        (*SHORT, "answers"), fields.answers, ["x"], [],
        "lessons[0].exercises[1].answers: required: a non-empty list of accepted answers",
        Problem.EMPTY, {},
    ),
    "accepted answer length": Rule(
        (*SHORT, "answers"), fields.answers, ["x" * 200], ["x" * 201],
        "lessons[0].exercises[1].answers[0]: must be at most 200 characters",
        Problem.TOO_LONG, {"maximum": 200},
    ),
}  # fmt: skip


def course_file_with(where: tuple[str | int, ...], value: Any) -> str:
    document = copy.deepcopy(BASE)
    node: Any = document
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = value
    return yaml.safe_dump(document, allow_unicode=True)


def typed(value: Any) -> str:
    """The value as an admin types it: a list one item a line."""
    return "\n".join(value) if isinstance(value, list) else str(value)


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
def test_the_file_and_the_chat_refuse_the_same_value_by_the_same_rule(rule: Rule) -> None:
    parse_course(course_file_with(rule.where, rule.good))
    rule.chat(typed(rule.good))

    with pytest.raises(CourseFileError) as file_refused:
        parse_course(course_file_with(rule.where, rule.bad))
    assert file_refused.value.problems == [rule.file_problem]
    with pytest.raises(BadValue) as chat_refused:
        rule.chat(typed(rule.bad))
    assert (chat_refused.value.problem, chat_refused.value.details) == (
        rule.chat_problem,
        rule.details,
    )


def test_the_readme_limits_table_is_the_models() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert limits_table() in readme, (
        "README.md's limits table differs from the content model; paste "
        "bot.services.content.limits.limits_table() over it:\n" + limits_table()
    )


def test_the_chats_lesson_text_is_bounded_by_one_message_not_by_the_model() -> None:
    long = "x" * (fields.TEXT_MAX_LEN + 1)
    [module] = parse_course(course_file_with((*LESSON, "content"), long))
    assert module.lessons[0].content == long
    with pytest.raises(BadValue) as refused:
        fields.content(long)
    assert refused.value.problem is Problem.TOO_LONG


ODD_VALUES = [None, 5, 1.5, True, "", [], ["a"], {}, {"a": 1}, [[1]], [None], -1, 10**12]
EVERY_PLACE = [
    ("module",),
    ("lessons",),
    ("lessons", 0),
    ("lessons", 0, "exercises"),
    ("lessons", 0, "exercises", 0),
    *(("module", name) for name in ("slug", "title", "description", "order")),
    *((*LESSON, name) for name in BASE["lessons"][0]),
    *((*CHOICE, name) for name in ("type", "options", "answer", "points", "answers")),
    *((*SHORT, name) for name in ("answers", "case_sensitive", "answer", "options")),
]
# pydantic's own wording, and the catch-all kept for an error the model never raises.
NOT_OURS = ("Input should", "Field required", "Extra inputs", "validation error", "not valid here")


@pytest.mark.parametrize("where", EVERY_PLACE, ids=[".".join(map(str, p)) for p in EVERY_PLACE])
def test_every_problem_is_worded_by_the_project_not_by_pydantic(
    where: tuple[str | int, ...],
) -> None:
    for value in ODD_VALUES:
        try:
            parse_course(course_file_with(where, value))
        except CourseFileError as refused:
            for problem in refused.problems:
                assert not any(words in problem for words in NOT_OURS), (value, problem)
