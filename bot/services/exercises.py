"""Runs of a lesson's exercises: one question at a time, graded at once, scored at the end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import review
from bot.services.catalog import Catalog, CatalogExercise, CatalogLesson
from bot.services.completion import (
    NO_EFFECTS,
    Effects,
    complete_lesson,
    learner_on_lesson,
    reward,
    touch_lesson,
    track_time,
)
from bot.services.errors import (
    AlreadyAnswered,
    NoExercises,
    Stale,
)
from bot.services.grading import (
    choices_of,
    correct_answer_text,
    grade_choice,
    grade_text,
    score_of,
)
from bot.services.unit_of_work import unit_of_work
from db import clock
from db.enums import ExerciseType
from db.repositories import progress
from db.repositories.progress import Answer, LessonState, Progress


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


def _question(lesson: CatalogLesson, run: int, answered: dict[int, Answer]) -> Question | None:
    """The run's first question not answered yet; None when all are."""
    for number, exercise in enumerate(lesson.exercises, start=1):
        if exercise.id not in answered:
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
    return None


@unit_of_work
async def start_run(session: AsyncSession, user_id: int, lesson_id: int) -> Question:
    """The current question of the lesson's open run, opening a new run if none is open.

    Pressing "Start" twice therefore resumes the same run instead of counting a second attempt.
    """
    found, lesson, state = await learner_on_lesson(session, user_id, lesson_id)
    if not lesson.exercises:
        raise NoExercises
    await touch_lesson(session, state, lesson, found)
    row = state.progress
    answered = state.run_answers
    if row.active_run is None:
        row.attempts += 1
        row.last_run += 1
        row.active_run = row.last_run
        answered = {}
    await progress.save_progress(session, row)
    question = _question(lesson, row.active_run, answered)
    assert question is not None, "a run closes when its last question is answered"
    return question


@unit_of_work
async def open_question(session: AsyncSession, user_id: int, lesson_id: int, run: int) -> Question:
    """The question the run is waiting for, to ask it again; nothing is written. Stale when
    the run is no longer open (finished, reset, or replaced by a later one)."""
    _, lesson, state = await learner_on_lesson(session, user_id, lesson_id)
    row = state.progress
    if row.active_run is None or row.active_run != run:
        raise Stale
    question = _question(lesson, run, state.run_answers)
    if question is None:
        raise Stale
    return question


async def answer_choice(
    session: AsyncSession,
    user_id: int,
    lesson_id: int,
    run: int,
    exercise_id: int,
    option: int,
    *,
    zone: tzinfo,
    update_id: int | None = None,
) -> Answered | AnsweredAgain:
    """`zone` is the learner's: their streak counts their local days. `update_id`: the
    update carrying the answer, which tells its redelivery from another press."""
    return await _answer(
        session,
        user_id,
        lesson_id,
        run,
        exercise_id,
        lambda e: grade_choice(e, option),
        zone,
        update_id,
    )


async def answer_text(
    session: AsyncSession,
    user_id: int,
    lesson_id: int,
    run: int,
    exercise_id: int,
    text: str,
    *,
    zone: tzinfo,
    update_id: int | None = None,
) -> Answered | AnsweredAgain:
    return await _answer(
        session,
        user_id,
        lesson_id,
        run,
        exercise_id,
        lambda e: grade_text(e, text),
        zone,
        update_id,
    )


@unit_of_work
async def _answer(
    session: AsyncSession,
    user_id: int,
    lesson_id: int,
    run: int,
    exercise_id: int,
    grade: Callable[[CatalogExercise], tuple[str, bool]],
    zone: tzinfo,
    update_id: int | None,
) -> Answered | AnsweredAgain:
    found, lesson, state = await learner_on_lesson(session, user_id, lesson_id, with_standing=True)
    row, answered = state.progress, state.run_answers
    if row.id is None or run != row.last_run:
        # No run of this lesson, or a button of an earlier run (or of one never started): only
        # the latest run's answered buttons are double taps to ignore quietly.
        raise Stale
    if exercise_id in answered:
        return await _answered_before(session, found, lesson, state, exercise_id, grade, update_id)
    current = _question(lesson, run, answered)
    if row.active_run != run or current is None or current.exercise_id != exercise_id:
        raise Stale
    exercise = next(e for e in lesson.exercises if e.id == exercise_id)
    given, correct = grade(exercise)
    points = exercise.points if correct else 0
    inserted = await progress.add_attempt(
        session,
        user_id=user_id,
        lesson_id=lesson_id,
        exercise_id=exercise_id,
        run=run,
        answer=given,
        is_correct=correct,
        points_earned=points,
        update_id=update_id,
    )
    if not inserted:
        raise AlreadyAnswered
    await review.record_lesson_answer(session, user_id, exercise_id, right=correct)
    track_time(row, clock.now(session))
    answered = {**answered, exercise_id: Answer(exercise_id, correct, points)}
    feedback = Feedback(given, correct, correct_answer_text(exercise), exercise.explanation)
    next_question = _question(lesson, run, answered)
    solved = exercise_id if correct else None
    if next_question is not None:
        effects = await reward(session, state, lesson, found, NO_EFFECTS, zone=zone, solved=solved)
        await progress.save_progress(session, row)
        return NextQuestion(current, feedback, next_question, effects)
    result = await _finish_run(session, state, lesson, found, answered, zone=zone, solved=solved)
    await progress.save_progress(session, row)
    return RunFinished(current, feedback, result)


async def _answered_before(
    session: AsyncSession,
    found: Catalog,
    lesson: CatalogLesson,
    state: LessonState,
    exercise_id: int,
    grade: Callable[[CatalogExercise], tuple[str, bool]],
    update_id: int | None,
) -> AnsweredAgain:
    """The exercise already has an answer in this run. The update that recorded it, delivered
    again with the same answer, gets that answer's feedback again (and its run's result, if it
    ended the run); any other press is a double tap or a change of mind: AlreadyAnswered.
    Reads only."""
    row, answered = state.progress, state.run_answers
    stored = await progress.stored_answer(session, row.user_id, exercise_id, row.last_run)
    exercise = next((e for e in lesson.exercises if e.id == exercise_id), None)
    if stored is None or exercise is None or update_id is None or stored.update_id != update_id:
        raise AlreadyAnswered
    given, _ = grade(exercise)
    if given[:500] != stored.answer:
        raise AlreadyAnswered  # not what this update answered the first time
    run = row.last_run
    number = lesson.exercises.index(exercise) + 1
    current = Question(
        lesson_id=lesson.id,
        lesson_title=lesson.title,
        run=run,
        exercise_id=exercise_id,
        number=number,
        total=len(lesson.exercises),
        type=exercise.type,
        prompt=exercise.prompt,
        choices=choices_of(exercise),
    )
    recorded = answered[exercise_id]
    feedback = Feedback(
        stored.answer, recorded.correct, correct_answer_text(exercise), exercise.explanation
    )
    # Questions are asked in the lesson's order: an answer to a later one means the learner
    # went on from this answer, and what followed it is no longer what they wait for.
    latest = not any(e.id in answered for e in lesson.exercises[number:])
    next_question = _question(lesson, run, answered)
    if row.active_run == run and next_question is not None:
        return AnsweredAgain(NextQuestion(current, feedback, next_question), follow_up=latest)
    if row.active_run is not None or next_question is not None:
        # The run's lesson changed questions since: its recorded result cannot be rebuilt.
        raise AlreadyAnswered
    result = _recorded_result(found, lesson, row, answered)
    return AnsweredAgain(RunFinished(current, feedback, result), follow_up=latest)


def _recorded_result(
    found: Catalog, lesson: CatalogLesson, row: Progress, answered: dict[int, Answer]
) -> RunResult:
    """A finished run's result as its last answer recorded it: the score from the stored
    answers, pass or fail by it. What the run earned (XP, achievements, a streak day, the
    course's end) was granted and told once; it is not told again as if new."""
    earned = sum(answered[e.id].points for e in lesson.exercises)
    score = score_of(earned, sum(e.points for e in lesson.exercises))
    return RunResult(
        lesson_id=lesson.id,
        module_id=lesson.module_id,
        correct=sum(1 for e in lesson.exercises if answered[e.id].correct),
        total=len(lesson.exercises),
        score=score,
        best_score=row.score,
        pass_score=lesson.pass_score,
        passed=score is None or score >= lesson.pass_score,
        next_lesson_id=found.next_after(lesson.id),
        effects=NO_EFFECTS,
    )


async def _finish_run(
    session: AsyncSession,
    state: LessonState,
    lesson: CatalogLesson,
    found: Catalog,
    answered: dict[int, Answer],
    *,
    zone: tzinfo,
    solved: int | None,
) -> RunResult:
    row = state.progress
    earned = sum(answered[e.id].points for e in lesson.exercises)
    possible = sum(e.points for e in lesson.exercises)
    score = score_of(earned, possible)
    previous_best = row.score
    row.active_run = None
    passed = score is None or score >= lesson.pass_score
    effects = await complete_lesson(
        session,
        state,
        lesson,
        found,
        score=score,
        passed=passed,
        details={"score": score, "previous_best": previous_best, "run": row.last_run},
    )
    effects = await reward(
        session, state, lesson, found, effects, zone=zone, solved=solved, run_score=score
    )
    return RunResult(
        lesson_id=lesson.id,
        module_id=lesson.module_id,
        correct=sum(1 for e in lesson.exercises if answered[e.id].correct),
        total=len(lesson.exercises),
        score=score,
        best_score=row.score,
        pass_score=lesson.pass_score,
        passed=passed,
        next_lesson_id=found.next_after(lesson.id),
        effects=effects,
    )
