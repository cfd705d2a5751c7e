"""Course file parsing and validation: every problem is reported, with its path, all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli.content import content_import
from bot.config import load_settings
from bot.services.content.model import unclosed_fence_line
from bot.services.content.parse import load_course_file, parse_course
from bot.services.content.spec import CourseFileError, ExerciseSpec, LessonSpec, ModuleSpec
from db.enums import ExerciseType
from db.models import Exercise, Lesson, Module
from tests.support.factories import count

VALID = """\
module: {slug: python-basics, title: Python basics, description: First steps., order: 1}
lessons:
  - slug: variables
    title: Variables
    estimated_minutes: 5
    xp: 20
    pass_score: 80
    content: |
      # Variables
      Text.
    exercises:
      - {type: multiple_choice, prompt: Pick b, options: [a, b, c], answer: b, explanation: B.}
      - {type: true_false, prompt: "True?", answer: true, points: 2}
      - {type: short_answer, prompt: "Six times seven?", answers: [42, "forty-two"]}
  - slug: reading
    title: Reading only
    content: Just read.
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(CourseFileError) as caught:
        parse_course(textwrap.dedent(text))
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def with_lesson(lesson: str, *, more: str = "") -> str:
    """A module document holding one given lesson (YAML, indented as a list item)."""
    head = "module: {slug: m, title: M}\nlessons:\n"
    return head + textwrap.indent(textwrap.dedent(lesson), "  ") + more


def with_exercise(exercise: str) -> str:
    return with_lesson(f"- slug: l\n  title: L\n  content: c\n  exercises:\n    - {exercise}\n")


def test_a_valid_file_parses_with_defaults() -> None:
    assert parse_course(VALID) == [
        ModuleSpec(
            slug="python-basics",
            title="Python basics",
            description="First steps.",
            order=1,
            lessons=[
                LessonSpec(
                    slug="variables",
                    title="Variables",
                    estimated_minutes=5,
                    xp=20,
                    pass_score=80,
                    content="# Variables\nText.\n",
                    exercises=[
                        ExerciseSpec(
                            type=ExerciseType.MULTIPLE_CHOICE,
                            prompt="Pick b",
                            options=["a", "b", "c"],
                            answer="b",
                            explanation="B.",
                        ),
                        ExerciseSpec(
                            type=ExerciseType.TRUE_FALSE, prompt="True?", answer=True, points=2
                        ),
                        ExerciseSpec(
                            type=ExerciseType.SHORT_ANSWER,
                            prompt="Six times seven?",
                            answer=["42", "forty-two"],
                        ),
                    ],
                ),
                LessonSpec(
                    slug="reading",
                    title="Reading only",
                    estimated_minutes=None,
                    xp=10,
                    pass_score=70,
                    content="Just read.",
                    exercises=[],
                ),
            ],
        )
    ]


def test_several_documents_are_several_modules() -> None:
    text = VALID + "---\nmodule: {slug: second, title: Second, order: 2}\nlessons:\n"
    text += "  - {slug: one, title: One, content: x}\n"
    modules = parse_course(text)
    assert [m.slug for m in modules] == ["python-basics", "second"]
    assert modules[1].description is None


def test_order_defaults_to_the_document_position() -> None:
    text = "module: {slug: a, title: A}\nlessons: [{slug: x, title: X, content: c}]\n---\n"
    text += "module: {slug: b, title: B}\nlessons: [{slug: x, title: X, content: c}]\n"
    assert [m.order for m in parse_course(text)] == [1, 2]


def test_numbers_in_options_and_answers_become_text() -> None:
    [module] = parse_course(
        with_exercise("{type: multiple_choice, prompt: p, options: [3, 3.5, 4], answer: 3.5}")
    )
    exercise = module.lessons[0].exercises[0]
    assert exercise.options == ["3", "3.5", "4"]
    assert exercise.answer == "3.5"


ONE_LESSON = "lessons: [{slug: l, title: L, content: c}]\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("module: {title: M}\n" + ONE_LESSON, "module.slug: required"),
        (ONE_LESSON, "module: required"),
        (
            "module: {slug: Python Basics, title: M}\n" + ONE_LESSON,
            "module.slug: 'Python Basics' must be lowercase letters, digits and hyphens",
        ),
        ("module: {slug: m, title: M}\n", "lessons: required: a list with at least one lesson"),
        ("module: {slug: m, title: M}\nlessons: []\n", "lessons: required"),
        ("module: [m]\n" + ONE_LESSON, "module: must be a mapping"),
        (
            "module: {slug: m, title: M, order: -1}\n" + ONE_LESSON,
            "module.order: must be an integer from 0 to 1000000000",
        ),
        (
            "module: {slug: m, title: M, colour: red}\n" + ONE_LESSON,
            "module.colour: unknown key (expected one of slug, title, description, order)",
        ),
        (
            "module: {slug: m, title: M}\n" + ONE_LESSON + "extra: 1\n",
            "extra: unknown key (expected one of module, lessons)",
        ),
        ("- just\n- a list\n", "document: must be a mapping with `module:` and `lessons:`"),
        (
            "module: {slug: m, title: " + "t" * 201 + "}\n" + ONE_LESSON,
            "module.title: must be at most 200 characters",
        ),
    ],
)
def test_module_problems(text: str, expected: str) -> None:
    assert any(problem.startswith(expected) for problem in problems_of(text)), problems_of(text)


@pytest.mark.parametrize(
    ("lesson", "expected"),
    [
        ("- {title: L, content: c}", ".slug: required"),
        ("- {slug: l, content: c}", ".title: required"),
        ("- {slug: l, title: L}", ".content: required"),
        ("- {slug: l, title: L, content: '  '}", ".content: must not be empty"),
        ("- {slug: l, title: 12, content: c}", ".title: must be text"),
        (
            "- {slug: l, title: L, content: c, pass_score: 101}",
            ".pass_score: must be an integer from 0 to 100",
        ),
        (
            "- {slug: l, title: L, content: c, pass_score: high}",
            ".pass_score: must be an integer from 0 to 100",
        ),
        ("- {slug: l, title: L, content: c, xp: -5}", ".xp: must be an integer from 0 to 10000"),
        ("- {slug: l, title: L, content: c, xp: true}", ".xp: must be an integer from 0 to 10000"),
        ("- {slug: l, title: L, content: c, xp: 10001}", ".xp: must be an integer from 0 to 10000"),
        (
            "- {slug: l, title: L, content: c, estimated_minutes: 2.5}",
            ".estimated_minutes: must be an integer from 0 to 999",
        ),
        ("- {slug: l, title: L, content: c, exercises: {}}", ".exercises: must be a list"),
        ("- {slug: l, title: L, content: c, video: x}", ".video: unknown key"),
        ("- {slug: l_1, title: L, content: c}", ".slug: 'l_1' must be lowercase letters"),
        ("- just text", ": must be a mapping"),
        (
            '- {slug: l, title: L, content: "```\\ncode"}',
            ".content: ``` code block opened on line 1 is never closed",
        ),
    ],
)
def test_lesson_problems(lesson: str, expected: str) -> None:
    problems = problems_of(with_lesson(lesson))
    assert any(problem.startswith(f"lessons[0]{expected}") for problem in problems), problems


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("text\n```python\ncode", 2),
        ("```\na\n```\n\n```\nb", 5),
        ("a\r\n```\r\ncode", 2),
        ("```\ncode\n```\ntext", None),
        ("  ```python\ncode\n```  ", None),
        ("inline ``` is not a fence", None),
        ("no code at all", None),
    ],
)
def test_unclosed_fence_is_reported_with_its_line(text: str, line: int | None) -> None:
    assert unclosed_fence_line(text) == line


def test_duplicate_lesson_slug() -> None:
    problems = problems_of(
        with_lesson(
            """\
            - {slug: intro, title: A, content: c}
            - {slug: variables, title: B, content: c}
            - {slug: variables, title: C, content: c}
            """
        )
    )
    assert problems == ["lessons[2].slug: duplicate slug 'variables'"]


@pytest.mark.parametrize(
    ("exercise", "expected"),
    [
        (
            "{type: essay, prompt: p}",
            ".type: must be one of multiple_choice, true_false, short_answer",
        ),
        ("{type: [a], prompt: p}", ".type: must be one of multiple_choice, true_false"),
        ("{prompt: p, answer: true}", ".type: required"),
        ("{type: true_false, answer: true}", ".prompt: required"),
        (
            "{type: true_false, prompt: p, answer: true, points: 0}",
            ".points: must be an integer from 1 to 1000",
        ),
        ("{type: true_false, prompt: p, answer: true, hint: h}", ".hint: unknown key"),
        (
            "{type: multiple_choice, prompt: p, options: [a, b], answer: c}",
            ".answer: not one of options",
        ),
        ("{type: multiple_choice, prompt: p, options: [a, b]}", ".answer: required"),
        ("{type: multiple_choice, prompt: p, answer: a}", ".options: required"),
        ("{type: multiple_choice, prompt: p, options: a, answer: a}", ".options: must be a list"),
        (
            "{type: multiple_choice, prompt: p, options: [a], answer: a}",
            ".options: needs at least 2 distinct options",
        ),
        (
            "{type: multiple_choice, prompt: p, options: [a, b, a], answer: a}",
            ".options[2]: duplicate option 'a'",
        ),
        (
            "{type: multiple_choice, prompt: p, options: [a, a], answer: a}",
            ".options: needs at least 2 distinct options",
        ),
        (
            "{type: true_false, prompt: " + "p" * 1001 + ", answer: true}",
            ".prompt: must be at most 1000",
        ),
        (
            "{type: multiple_choice, prompt: p, options: [a, b, c, d, e, f, g, h, i, j, k], "
            "answer: a}",
            ".options: must be at most 10 options",
        ),
        (
            "{type: multiple_choice, prompt: p, options: [yes, no], answer: yes}",
            ".options[0]: must be text (quote it",
        ),
        (
            "{type: multiple_choice, prompt: p, options: [a, ''], answer: a}",
            ".options[1]: must not be empty",
        ),
        (
            "{type: multiple_choice, prompt: p, options: [a, b], answer: a, answers: [a]}",
            ".answers: not used by multiple_choice exercises",
        ),
        ("{type: true_false, prompt: p, answer: 'yes'}", ".answer: must be true or false"),
        ("{type: true_false, prompt: p}", ".answer: required"),
        (
            "{type: true_false, prompt: p, answer: true, options: [a, b]}",
            ".options: not used by true_false exercises",
        ),
        ("{type: short_answer, prompt: p}", ".answers: required: a non-empty list"),
        ("{type: short_answer, prompt: p, answers: []}", ".answers: required: a non-empty list"),
        ("{type: short_answer, prompt: p, answers: 42}", ".answers: required: a non-empty list"),
        ("{type: short_answer, prompt: p, answers: [a, [b]]}", ".answers[1]: must be text"),
        (
            "{type: short_answer, prompt: p, answer: a}",
            ".answer: not used by short_answer exercises (use answers: [...])",
        ),
        (
            "{type: short_answer, prompt: p, answers: [a], case_sensitive: 'yes'}",
            ".case_sensitive: must be true or false",
        ),
        (
            "{type: true_false, prompt: p, answer: true, case_sensitive: true}",
            ".case_sensitive: not used by true_false exercises",
        ),
        ("just text", ": must be a mapping"),
    ],
)
def test_exercise_problems(exercise: str, expected: str) -> None:
    problems = problems_of(with_exercise(exercise))
    prefixed = f"lessons[0].exercises[0]{expected}"
    assert any(problem.startswith(prefixed) for problem in problems), problems


def test_every_problem_is_reported_at_once() -> None:
    text = """\
        module: {title: Basics}
        lessons:
          - slug: variables
            title: Variables
            pass_score: 150
            content: c
            exercises:
              - {type: true_false, prompt: p, answer: true}
              - {type: essay, prompt: p}
          - slug: variables
            title: Again
            content: c
          - slug: third
            title: Third
            content: c
            exercises:
              - {type: multiple_choice, prompt: p, options: [a, b], answer: z}
        """
    assert problems_of(text) == [
        "module.slug: required",
        "lessons[0].pass_score: must be an integer from 0 to 100",
        "lessons[0].exercises[1].type: must be one of multiple_choice, true_false, short_answer",
        "lessons[1].slug: duplicate slug 'variables'",
        "lessons[2].exercises[0].answer: not one of options",
    ]


def test_problems_in_later_documents_name_the_document() -> None:
    text = VALID + "---\nmodule: {title: No slug}\nlessons: [{slug: a, title: A, content: c}]\n"
    text += "---\nmodule: {slug: python-basics, title: Again}\n"
    text += "lessons: [{slug: a, title: A, content: c, xp: many}]\n"
    assert problems_of(text) == [
        "document 2: module.slug: required",
        "document 3: module.slug: duplicate slug 'python-basics'",
        "document 3: lessons[0].xp: must be an integer from 0 to 10000",
    ]


def test_yaml_syntax_errors_give_their_line() -> None:
    [problem] = problems_of("module: {slug: m, title: M}\nlessons:\n  - slug: [unclosed\n")
    assert problem.startswith("line 4, column 1: YAML syntax error")
    [problem] = problems_of("module:\n  slug: m\n title: M\n")
    assert problem.startswith("line 3, column ") and "YAML syntax error" in problem


def test_a_repeated_key_is_refused_not_silently_dropped() -> None:
    text = (
        "module: {slug: m, title: M}\n"
        "lessons:\n"
        "  - slug: a\n"
        "    title: A\n"
        "    content: c\n"
        "    exercises:\n"
        "      - type: true_false\n"
        "        prompt: P\n"
        "        answer: true\n"
        "        answer: false\n"
    )
    [problem] = problems_of(text)
    assert problem == "line 10, column 9: YAML syntax error: duplicate key 'answer'"


def test_an_empty_file_is_refused() -> None:
    assert problems_of("") == ["the file holds no module (expected `module:` and `lessons:`)"]
    assert problems_of("# only a comment\n") == problems_of("")


def test_load_course_file(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(VALID, encoding="utf-8")
    assert load_course_file(good) == parse_course(VALID)

    missing = tmp_path / "missing.yaml"
    with pytest.raises(CourseFileError) as caught:
        load_course_file(missing)
    [problem] = caught.value.problems
    assert problem.startswith(f"{missing}: cannot read")

    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CourseFileError, match="not UTF-8"):
        load_course_file(binary)


async def test_an_invalid_file_writes_nothing(
    engine: AsyncEngine,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace("answer: b", "answer: z"), encoding="utf-8")
    settings = load_settings(database_url=database_url)

    assert await content_import(settings, bad, publish=True) == 1

    err = capsys.readouterr().err
    assert f"course file {bad} has 1 problem(s):" in err
    assert "lessons[0].exercises[0].answer: not one of options" in err
    for model in (Module, Lesson, Exercise):
        assert await count(engine, model) == 0
