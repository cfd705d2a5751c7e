"""Runs of a lesson's exercises: one question at a time, graded at once, scored at the end."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.lessons import start_if_new, track_time
from bot.services.xp import grant_lesson_xp
from db.base import utcnow
from db.enums import ActivityType, ExerciseType, ProgressStatus
from db.models import Exercise, ExerciseAttempt, Lesson, UserProgress
from db.repositories import activity, course, progress

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
    newly_completed: bool
    xp_gained: int
    next_lesson_id: int | None


class Outcome(enum.Enum):
    ANSWERED = "answered"
    # This exercise already has an answer in this run (a double tap): change nothing, say nothing.
    DUPLICATE = "duplicate"
    # The question is not the one being asked now (an old button, another run, another lesson).
    STALE = "stale"
    # The answer does not fit the question (a typed answer to a button question, a bad option).
    INVALID = "invalid"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class AnswerResult:
    outcome: Outcome
    # The question this answer was for, and how it went.
    question: Question | None = None
    feedback: Feedback | None = None
    next_question: Question | None = None
    result: RunResult | None = None


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


def grade_choice(exercise: Exercise, option: int) -> tuple[str, bool] | None:
    """(answer as text, correct?) for a pressed option; None when the option does not exist."""
    choices = choices_of(exercise)
    if choices is None or not 0 <= option < len(choices):
        return None
    chosen = choices[option]
    if exercise.type is ExerciseType.TRUE_FALSE:
        return chosen, (option == 0) == bool(exercise.answer)
    return chosen, chosen == exercise.answer


def grade_text(exercise: Exercise, text: str) -> tuple[str, bool] | None:
    if exercise.type is not ExerciseType.SHORT_ANSWER:
        return None
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


async def start_run(session: AsyncSession, user_id: int, lesson_id: int) -> Question | None:
    """The current question of the lesson's open run, opening a new run if none is open.

    Pressing "Start" twice therefore resumes the same run instead of counting a second attempt.
    None when the lesson is unavailable or has no exercises.
    """
    lesson = await course.get_visible_lesson(session, lesson_id)
    exercises = await course.exercises_of(session, lesson_id) if lesson else []
    if lesson is None or not exercises:
        await session.rollback()
        return None
    await progress.lock_learner(session, user_id)
    row = await progress.get_or_create(session, user_id, lesson_id)
    now = utcnow()
    track_time(row, now)
    if row.active_run is None:
        if start_if_new(row, now):
            await activity.add(
                session,
                user_id,
                ActivityType.LESSON_STARTED,
                entity_type="lesson",
                entity_id=lesson_id,
            )
        row.attempts += 1
        row.last_run += 1
        row.active_run = row.last_run
    run = row.active_run
    answered = await progress.answers_in_run(session, user_id, lesson_id, run)
    question = _question(lesson, run, exercises, answered)
    await session.flush()
    await progress.refresh_module_progress(session, user_id, lesson.module_id)
    await session.commit()
    return question


async def answer_choice(
    session: AsyncSession, user_id: int, lesson_id: int, run: int, exercise_id: int, option: int
) -> AnswerResult:
    return await _answer(
        session, user_id, lesson_id, run, exercise_id, lambda e: grade_choice(e, option)
    )


async def answer_text(
    session: AsyncSession, user_id: int, lesson_id: int, run: int, exercise_id: int, text: str
) -> AnswerResult:
    return await _answer(
        session, user_id, lesson_id, run, exercise_id, lambda e: grade_text(e, text)
    )


async def _answer(
    session: AsyncSession,
    user_id: int,
    lesson_id: int,
    run: int,
    exercise_id: int,
    grade: Callable[[Exercise], tuple[str, bool] | None],
) -> AnswerResult:
    lesson = await course.get_visible_lesson(session, lesson_id)
    if lesson is None:
        await session.rollback()
        return AnswerResult(Outcome.UNAVAILABLE)
    await progress.lock_learner(session, user_id)
    row = await progress.get(session, user_id, lesson_id)
    if row is None or run != row.last_run:
        # No run of this lesson, or a button of an earlier run (or of one never started): only
        # the latest run's answered buttons are double taps to ignore quietly.
        await session.rollback()
        return AnswerResult(Outcome.STALE)
    answered = await progress.answers_in_run(session, user_id, lesson_id, run)
    if exercise_id in answered:
        await session.rollback()
        return AnswerResult(Outcome.DUPLICATE)
    exercises = await course.exercises_of(session, lesson_id)
    current = _question(lesson, run, exercises, answered)
    if row.active_run != run or current is None or current.exercise_id != exercise_id:
        await session.rollback()
        return AnswerResult(Outcome.STALE)
    exercise = next(e for e in exercises if e.id == exercise_id)
    graded = grade(exercise)
    if graded is None:
        await session.rollback()
        return AnswerResult(Outcome.INVALID)
    given, correct = graded
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
        await session.rollback()
        return AnswerResult(Outcome.DUPLICATE)
    await activity.add(
        session,
        user_id,
        ActivityType.CHALLENGE_ATTEMPTED,
        entity_type="exercise",
        entity_id=exercise_id,
        details={"run": run, "correct": correct},
    )
    if correct:
        await activity.add(
            session,
            user_id,
            ActivityType.CHALLENGE_SOLVED,
            entity_type="exercise",
            entity_id=exercise_id,
        )
    track_time(row, utcnow())
    feedback = Feedback(given, correct, correct_answer_text(exercise), exercise.explanation)
    answered = await progress.answers_in_run(session, user_id, lesson_id, run)
    next_question = _question(lesson, run, exercises, answered)
    result = None
    if next_question is None:
        result = await _finish_run(session, lesson, row, exercises, answered)
    await session.commit()
    return AnswerResult(Outcome.ANSWERED, current, feedback, next_question, result)


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
    if score is not None and (previous_best is None or score > previous_best):
        row.score = score
    row.active_run = None
    passed = score is None or score >= lesson.pass_score
    newly_completed = passed and row.status is not ProgressStatus.COMPLETED
    xp_gained = 0
    if newly_completed:
        row.status = ProgressStatus.COMPLETED
        row.completed_at = utcnow()
    if newly_completed or (passed and row.score != previous_best):
        xp_gained = await grant_lesson_xp(
            session,
            user_id=row.user_id,
            lesson_id=lesson.id,
            lesson_xp=lesson.xp,
            best_score=row.score,
            activity_type=(
                ActivityType.LESSON_COMPLETED if newly_completed else ActivityType.SCORE_IMPROVED
            ),
            details={"score": score, "previous_best": previous_best, "run": row.last_run},
        )
    await session.flush()
    if newly_completed:
        await progress.refresh_module_progress(session, row.user_id, lesson.module_id)
    return RunResult(
        lesson_id=lesson.id,
        module_id=lesson.module_id,
        correct=sum(1 for e in exercises if answered[e.id].is_correct),
        total=len(exercises),
        score=score,
        best_score=row.score,
        pass_score=lesson.pass_score,
        passed=passed,
        newly_completed=newly_completed,
        xp_gained=xp_gained,
        next_lesson_id=await course.next_lesson_after(session, lesson),
    )
