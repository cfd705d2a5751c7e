"""Runs of a lesson's exercises: one question at a time, graded at once, scored at the end."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.completion import Effects, complete_lesson, record_answer, touch_lesson
from bot.services.errors import (
    AlreadyAnswered,
    ChoicesOnly,
    LessonGone,
    NoExercises,
    NotUnderstood,
    Stale,
)
from bot.services.unit_of_work import unit_of_work
from db.enums import ExerciseType
from db.models import Exercise, ExerciseAttempt, Lesson, UserProgress
from db.repositories import course, progress

TRUE_FALSE_CHOICES = ("True", "False")


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


@dataclass(frozen=True, slots=True)
class RunFinished:
    """An answer was accepted and it was the run's last."""

    answered: Question
    feedback: Feedback
    result: RunResult


Answered = NextQuestion | RunFinished


def normalize(text: str) -> str:
    """Short answers compare without regard to case or spacing."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def choices_of(exercise: Exercise) -> list[str] | None:
    if exercise.type is ExerciseType.MULTIPLE_CHOICE:
        return list(exercise.options or [])
    if exercise.type is ExerciseType.TRUE_FALSE:
        return list(TRUE_FALSE_CHOICES)
    return None


def correct_answer_text(exercise: Exercise) -> str:
    if exercise.type is ExerciseType.TRUE_FALSE:
        return TRUE_FALSE_CHOICES[0] if exercise.answer else TRUE_FALSE_CHOICES[1]
    if exercise.type is ExerciseType.SHORT_ANSWER:
        return str(exercise.answer[0])
    return str(exercise.answer)


def grade_choice(exercise: Exercise, option: int) -> tuple[str, bool]:
    """(answer as text, correct?) for a pressed option."""
    choices = choices_of(exercise)
    if choices is None or not 0 <= option < len(choices):
        raise NotUnderstood  # an option the question does not have
    chosen = choices[option]
    if exercise.type is ExerciseType.TRUE_FALSE:
        return chosen, (option == 0) == bool(exercise.answer)
    return chosen, chosen == exercise.answer


def grade_text(exercise: Exercise, text: str) -> tuple[str, bool]:
    if exercise.type is not ExerciseType.SHORT_ANSWER:
        raise ChoicesOnly
    accepted: list[Any] = exercise.answer
    return text, normalize(text) in {normalize(str(a)) for a in accepted}


def score_of(earned: int, possible: int) -> int | None:
    """Percentage, rounded half up; None when nothing could be earned."""
    if possible <= 0:
        return None
    return (earned * 200 + possible) // (possible * 2)


def _question(
    lesson: Lesson, run: int, exercises: list[Exercise], answered: dict[int, ExerciseAttempt]
) -> Question | None:
    for number, exercise in enumerate(exercises, start=1):
        if exercise.id not in answered:
            return Question(
                lesson_id=lesson.id,
                lesson_title=lesson.title,
                run=run,
                exercise_id=exercise.id,
                number=number,
                total=len(exercises),
                type=exercise.type,
                prompt=exercise.prompt,
                choices=choices_of(exercise),
            )
    return None


@unit_of_work
async def start_run(session: AsyncSession, user_id: int, lesson_id: int) -> Question:
    """The current question of the lesson's open run, opening a new run if none is open.

    Pressing "Start" twice therefore resumes the same run instead of counting a second attempt.
    """
    lesson = await course.get_visible_lesson(session, lesson_id)
    if lesson is None:
        raise LessonGone
    exercises = await course.exercises_of(session, lesson_id)
    if not exercises:
        raise NoExercises
    await progress.lock_learner(session, user_id)
    row = await progress.get_or_create(session, user_id, lesson_id)
    await touch_lesson(session, row, lesson)
    if row.active_run is None:
        row.attempts += 1
        row.last_run += 1
        row.active_run = row.last_run
    run = row.active_run
    answered = await progress.answers_in_run(session, user_id, lesson_id, run)
    question = _question(lesson, run, exercises, answered)
    assert question is not None, "a run closes when its last question is answered"
    return question


async def answer_choice(
    session: AsyncSession, user_id: int, lesson_id: int, run: int, exercise_id: int, option: int
) -> Answered:
    return await _answer(
        session, user_id, lesson_id, run, exercise_id, lambda e: grade_choice(e, option)
    )


async def answer_text(
    session: AsyncSession, user_id: int, lesson_id: int, run: int, exercise_id: int, text: str
) -> Answered:
    return await _answer(
        session, user_id, lesson_id, run, exercise_id, lambda e: grade_text(e, text)
    )


@unit_of_work
async def _answer(
    session: AsyncSession,
    user_id: int,
    lesson_id: int,
    run: int,
    exercise_id: int,
    grade: Callable[[Exercise], tuple[str, bool]],
) -> Answered:
    lesson = await course.get_visible_lesson(session, lesson_id)
    if lesson is None:
        raise LessonGone
    await progress.lock_learner(session, user_id)
    row = await progress.get(session, user_id, lesson_id)
    if row is None or run != row.last_run:
        # No run of this lesson, or a button of an earlier run (or of one never started): only
        # the latest run's answered buttons are double taps to ignore quietly.
        raise Stale
    answered = await progress.answers_in_run(session, user_id, lesson_id, run)
    if exercise_id in answered:
        raise AlreadyAnswered
    exercises = await course.exercises_of(session, lesson_id)
    current = _question(lesson, run, exercises, answered)
    if row.active_run != run or current is None or current.exercise_id != exercise_id:
        raise Stale
    exercise = next(e for e in exercises if e.id == exercise_id)
    given, correct = grade(exercise)
    inserted = await progress.add_attempt(
        session,
        user_id=user_id,
        lesson_id=lesson_id,
        exercise_id=exercise_id,
        run=run,
        answer=given,
        is_correct=correct,
        points_earned=exercise.points if correct else 0,
    )
    if not inserted:
        raise AlreadyAnswered
    await record_answer(session, row, exercise, run, correct)
    feedback = Feedback(given, correct, correct_answer_text(exercise), exercise.explanation)
    answered = await progress.answers_in_run(session, user_id, lesson_id, run)
    next_question = _question(lesson, run, exercises, answered)
    if next_question is not None:
        return NextQuestion(current, feedback, next_question)
    result = await _finish_run(session, lesson, row, exercises, answered)
    return RunFinished(current, feedback, result)


async def _finish_run(
    session: AsyncSession,
    lesson: Lesson,
    row: UserProgress,
    exercises: list[Exercise],
    answered: dict[int, ExerciseAttempt],
) -> RunResult:
    earned = sum(answered[e.id].points_earned for e in exercises)
    possible = sum(e.points for e in exercises)
    score = score_of(earned, possible)
    previous_best = row.score
    row.active_run = None
    passed = score is None or score >= lesson.pass_score
    effects = await complete_lesson(
        session,
        row,
        lesson,
        score=score,
        passed=passed,
        details={"score": score, "previous_best": previous_best, "run": row.last_run},
    )
    return RunResult(
        lesson_id=lesson.id,
        module_id=lesson.module_id,
        correct=sum(1 for e in exercises if answered[e.id].is_correct),
        total=len(exercises),
        score=score,
        best_score=row.score,
        pass_score=lesson.pass_score,
        passed=passed,
        next_lesson_id=await course.next_lesson_after(session, lesson),
        effects=effects,
    )
