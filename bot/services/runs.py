"""What a run of a lesson's exercises shows the learner: the question asked, the feedback on
an answer, the run's result; plain values the views render."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.catalog import Catalog, CatalogExercise, CatalogLesson
from bot.services.completion import NO_EFFECTS, Effects
from bot.services.grading import choices_of, score_of
from db.enums import ExerciseType
from db.repositories.progress import Answer


@dataclass(frozen=True, slots=True)
class Question:
    lesson_id: int
    lesson_title: str
    run: int
    exercise_id: int
    number: int
    total: int
    type: ExerciseType
    prompt: str
    # Button labels for multiple choice and true/false; None for a typed answer.
    choices: list[str] | None


@dataclass(frozen=True, slots=True)
class Feedback:
    given: str
    correct: bool
    correct_answer: str
    explanation: str | None


@dataclass(frozen=True, slots=True)
class RunResult:
    lesson_id: int
    module_id: int
    correct: int
    total: int
    score: int | None
    best_score: int | None
    pass_score: int
    passed: bool
    next_lesson_id: int | None
    effects: Effects


@dataclass(frozen=True, slots=True)
class NextQuestion:
    """An answer was accepted and the run goes on."""

    answered: Question
    feedback: Feedback
    next: Question
    # What the answer earned (a streak day, an achievement); a last answer's are the result's.
    effects: Effects = NO_EFFECTS


@dataclass(frozen=True, slots=True)
class RunFinished:
    """An answer was accepted and it was the run's last."""

    answered: Question
    feedback: Feedback
    result: RunResult


Answered = NextQuestion | RunFinished


@dataclass(frozen=True, slots=True)
class AnsweredAgain:
    """The update that recorded an answer, delivered again: its reply was lost (the Bot API
    failed, or the process stopped, after the answer was committed). The answer as it was
    given the first time, rebuilt from what is stored; nothing is written, nothing earned
    again, so `answered` carries no effects.

    `follow_up`: the run still stands where this answer left it (no later answer), so what
    followed it (the next question, or the run's result) is shown again too."""

    answered: Answered
    follow_up: bool


def first_unanswered(
    lesson: CatalogLesson, run: int, answered: dict[int, Answer]
) -> Question | None:
    """The run's first question not answered yet; None when all are."""
    for number, exercise in enumerate(lesson.exercises, start=1):
        if exercise.id not in answered:
            return question_of(lesson, run, exercise, number)
    return None


def question_of(
    lesson: CatalogLesson, run: int, exercise: CatalogExercise, number: int
) -> Question:
    """The question `exercise` (the lesson's `number`th) makes in `run`."""
    return Question(
        lesson_id=lesson.id,
        lesson_title=lesson.title,
        run=run,
        exercise_id=exercise.id,
        number=number,
        total=len(lesson.exercises),
        type=exercise.type,
        prompt=exercise.prompt,
        choices=choices_of(exercise),
    )


def run_score(lesson: CatalogLesson, answered: dict[int, Answer]) -> int | None:
    """The run's score from its answers, as a percentage of the points (None for no points)."""
    earned = sum(answered[e.id].points for e in lesson.exercises)
    return score_of(earned, sum(e.points for e in lesson.exercises))


def run_result(
    found: Catalog,
    lesson: CatalogLesson,
    answered: dict[int, Answer],
    *,
    score: int | None,
    best_score: int | None,
    effects: Effects,
) -> RunResult:
    """A finished run's result: its answers, its score against the lesson's pass mark."""
    return RunResult(
        lesson_id=lesson.id,
        module_id=lesson.module_id,
        correct=sum(1 for e in lesson.exercises if answered[e.id].correct),
        total=len(lesson.exercises),
        score=score,
        best_score=best_score,
        pass_score=lesson.pass_score,
        passed=score is None or score >= lesson.pass_score,
        next_lesson_id=found.next_after(lesson.id),
        effects=effects,
    )
