"""Grading answers: the choices a question offers, whether an answer is right, a run's score."""

from __future__ import annotations

import re

from bot.services.catalog import CatalogExercise
from bot.services.content.spec import short_answer_parts
from bot.services.errors import ChoicesOnly, NotUnderstood
from db.enums import ExerciseType

TRUE_FALSE_CHOICES = ("True", "False")


def normalize(text: str, *, case_sensitive: bool = False) -> str:
    """Short answers compare without regard to spacing, and to case unless the exercise says
    case matters."""
    spaced = re.sub(r"\s+", " ", text).strip()
    return spaced if case_sensitive else spaced.casefold()


def choices_of(exercise: CatalogExercise) -> list[str] | None:
    if exercise.type is ExerciseType.MULTIPLE_CHOICE:
        return list(exercise.options or [])
    if exercise.type is ExerciseType.TRUE_FALSE:
        return list(TRUE_FALSE_CHOICES)
    return None


def correct_answer_text(exercise: CatalogExercise) -> str:
    if exercise.type is ExerciseType.TRUE_FALSE:
        return TRUE_FALSE_CHOICES[0] if exercise.answer else TRUE_FALSE_CHOICES[1]
    if exercise.type is ExerciseType.SHORT_ANSWER:
        return short_answer_parts(exercise.answer)[0][0]
    return str(exercise.answer)


def grade_choice(exercise: CatalogExercise, option: int) -> tuple[str, bool]:
    """(answer as text, correct?) for a pressed option."""
    choices = choices_of(exercise)
    if choices is None or not 0 <= option < len(choices):
        raise NotUnderstood  # an option the question does not have
    chosen = choices[option]
    if exercise.type is ExerciseType.TRUE_FALSE:
        return chosen, (option == 0) == bool(exercise.answer)
    return chosen, chosen == exercise.answer


def grade_text(exercise: CatalogExercise, text: str) -> tuple[str, bool]:
    if exercise.type is not ExerciseType.SHORT_ANSWER:
        raise ChoicesOnly
    accepted, case_sensitive = short_answer_parts(exercise.answer)
    given = normalize(text, case_sensitive=case_sensitive)
    return text, given in {normalize(a, case_sensitive=case_sensitive) for a in accepted}


def score_of(earned: int, possible: int) -> int | None:
    """Percentage, rounded half up; None when nothing could be earned."""
    if possible <= 0:
        return None
    return (earned * 200 + possible) // (possible * 2)
