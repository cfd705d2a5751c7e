"""Course files built to break the reader: each is refused with its problem by path (and
line), in a worker thread as the bot reads them, and the process goes on."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.services.content import yaml_reader
from bot.services.content.parse import parse_course
from bot.services.content.spec import CourseFileError
from bot.services.content.upload import MAX_BYTES
from bot.services.content.yaml_reader import MAX_DEPTH, MAX_NODES
from db.migrations import PROJECT_ROOT
from tests.support.hostile_files import HOSTILE, big_course, huge_integer


def problems_of(text: str) -> list[str]:
    with pytest.raises(CourseFileError) as caught:
        parse_course(text)
    return caught.value.problems


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
async def test_a_hostile_file_is_refused_with_its_problem_in_a_worker_thread(case: str) -> None:
    make, expected = HOSTILE[case]
    text = make()
    assert len(text.encode()) <= MAX_BYTES
    # As the bot reads a file: in a worker thread, whose stack is where libyaml's composer
    # overflowed.
    with pytest.raises(CourseFileError) as caught:
        await asyncio.to_thread(parse_course, text)
    assert len(caught.value.problems) == 1, caught.value.problems
    assert caught.value.problems[0].startswith(expected), caught.value.problems


def test_nesting_is_refused_at_the_bound_and_allowed_below_it() -> None:
    def nested(levels: int) -> str:
        # The document is one level; `lessons` holds the rest.
        inner = levels - 1
        return "module: {slug: m, title: M}\nlessons: " + "[" * inner + "]" * inner + "\n"

    at_bound = problems_of(nested(MAX_DEPTH))
    assert not any("nested" in problem for problem in at_bound), at_bound
    (deeper,) = problems_of(nested(MAX_DEPTH + 1))
    assert f"nested more than {MAX_DEPTH} levels deep" in deeper


def test_a_big_integer_is_a_problem_by_path_beside_the_files_other_problems() -> None:
    problems = problems_of(huge_integer().replace("title: L, ", ""))
    assert problems == [
        "lessons[0].xp: a number 100,000 characters long is out of range "
        "(quote it if it is meant as text)",
        "lessons[0].title: required",
    ]


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("options: [a, 1" + "0" * 5000 + "]", "lessons[0].exercises[0].options[1]: a number 5,001"),
        (
            "options: [a, b]\n      points: 1." + "0" * 40,
            "lessons[0].exercises[0].points: a number 42 characters long",
        ),
        ("options: [a, b]\n      points: 100000", ".points: must be an integer from 1 to 1000"),
        ("options: [a, " + "b" * 300 + "]", ".options[1]: must be at most 200 characters"),
    ],
    ids=["long option number", "long float", "points over the maximum", "long option"],
)
def test_oversized_values_of_an_exercise_are_problems_by_path(field: str, expected: str) -> None:
    text = (
        "module: {slug: m, title: M}\nlessons:\n- slug: l\n  title: L\n  content: c\n"
        f"  exercises:\n    - type: multiple_choice\n      prompt: p\n      answer: a\n"
        f"      {field}\n"
    )
    assert any(expected in problem for problem in problems_of(text)), problems_of(text)


def test_a_module_order_beyond_its_column_is_a_problem() -> None:
    text = "module: {slug: m, title: M, order: 99999999999}\n"
    text += "lessons: [{slug: l, title: L, content: c}]"
    assert problems_of(text) == ["module.order: must be an integer from 0 to 1000000000"]


def test_a_date_that_does_not_exist_is_a_problem_with_its_line() -> None:
    text = "module: {slug: m, title: M}\nlessons: [{slug: l, title: L, content: c}]\n"
    text += "when: 2024-13-45\n"
    (problem,) = problems_of(text)
    assert problem.startswith("line 3, column 7: "), problem
    assert "month must be in 1..12" in problem


def test_a_mapping_key_is_shown_shortened_in_its_problem() -> None:
    text = "module: {slug: m, title: M}\nlessons: [{slug: l, title: L, content: c}]\n"
    # YAML allows a plain key up to 1024 characters.
    (problem,) = problems_of(text + "k" * 1000 + ": 1\n")
    assert problem == "k" * 39 + "…: unknown key (expected one of module, lessons)"


def test_the_value_bound_leaves_room_for_a_file_of_5000_modules() -> None:
    modules = parse_course(big_course())
    assert len(modules) == 5000
    assert modules[4999].lessons[0].exercises[0].options == ["a", "b"]
    assert MAX_NODES > 2 * 145_000  # the values of that file


def test_content_import_answers_a_hostile_file_by_path(tmp_path: Path) -> None:
    """The CLI reads through the same parser: problems by path on stderr, exit 1."""
    deep = tmp_path / "deep.yaml"
    deep.write_text(HOSTILE["deep flow"][0](), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "content", "import", str(deep)],
        cwd=PROJECT_ROOT,
        env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"course file {deep} has 1 problem(s):\n  lessons[0][0]")
    assert "nested more than" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("case", [c for c in HOSTILE if c != "many values"])
def test_the_pure_python_parser_refuses_them_alike(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where PyYAML was built without libyaml, its own parser produces the same events."""
    monkeypatch.setattr(yaml_reader, "_Parser", yaml.loader.BaseLoader)
    make, expected = HOSTILE[case]
    (problem,) = problems_of(make())
    assert problem.startswith(expected), problem
    assert parse_course(big_course(3))[2].slug == "m2"
