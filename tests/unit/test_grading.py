"""Grading typed short answers: spacing never matters; case matters only when the exercise
says so, in either shape `exercises.answer` stores."""

from __future__ import annotations

from typing import Any

import pytest

from bot.services.catalog import CatalogExercise
from bot.services.content.spec import ExerciseSpec
from bot.services.grading import correct_answer_text, grade_text
from db.enums import ExerciseType


def short_answer(answers: list[str], *, case_sensitive: bool) -> CatalogExercise:
    spec = ExerciseSpec(
        type=ExerciseType.SHORT_ANSWER, prompt="?", answer=answers, case_sensitive=case_sensitive
    )
    return CatalogExercise(1, spec.type, spec.prompt, None, spec.stored_answer(), None, 1)


@pytest.mark.parametrize(
    ("typed", "right"),
    [("P", True), ("p", True), ("  P ", True), ("q", False)],
)
def test_case_is_ignored_by_default(typed: str, right: bool) -> None:
    exercise = short_answer(["P"], case_sensitive=False)
    assert exercise.answer == ["P"]  # stored as every short answer always was
    assert grade_text(exercise, typed) == (typed, right)


@pytest.mark.parametrize(
    ("typed", "right"),
    [("P", True), (" P  ", True), ("p", False), ("word [0]", False), ("Word  [0]", True)],
)
def test_a_case_sensitive_answer_refuses_another_case(typed: str, right: bool) -> None:
    exercise = short_answer(["P", "Word [0]"], case_sensitive=True)
    assert grade_text(exercise, typed) == (typed, right)
    assert correct_answer_text(exercise) == "P"


@pytest.mark.parametrize("stored", [["42"], {"answers": ["42"], "case_sensitive": False}])
def test_either_stored_shape_grades(stored: Any) -> None:
    exercise = CatalogExercise(1, ExerciseType.SHORT_ANSWER, "?", None, stored, None, 1)
    assert grade_text(exercise, " 42 ") == (" 42 ", True)
    assert correct_answer_text(exercise) == "42"
