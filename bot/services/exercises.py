"""Runs of a lesson's exercises: one question at a time, graded at once, scored at the end.

The values a run shows (Question, Feedback, the result) live in bot.services.runs and are
imported from here as well; an answer delivered again is rebuilt by bot.services.redelivery."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import review
from bot.services.catalog import Catalog, CatalogExercise, CatalogLesson
from bot.services.completion import (
    NO_EFFECTS,
    complete_lesson,
    learner_on_lesson,
    reward,
    touch_lesson,
    track_time,
)
from bot.services.context import Context
from bot.services.errors import (
    AlreadyAnswered,
    NoExercises,
    Stale,
)
from bot.services.grading import (
    correct_answer_text,
    grade_choice,
    grade_text,
)
from bot.services.redelivery import answered_before
from bot.services.runs import Answered as Answered
from bot.services.runs import AnsweredAgain as AnsweredAgain
from bot.services.runs import Feedback as Feedback
from bot.services.runs import NextQuestion as NextQuestion
from bot.services.runs import Question as Question
from bot.services.runs import RunFinished as RunFinished
from bot.services.runs import RunResult as RunResult
from bot.services.runs import first_unanswered, run_result, run_score
from bot.services.unit_of_work import read_only, unit_of_work
from db.repositories import progress
from db.repositories.progress import Answer, LessonState


@unit_of_work
async def start_run(session: AsyncSession, ctx: Context, user_id: int, lesson_id: int) -> Question:
    """The current question of the lesson's open run, opening a new run if none is open.

    Pressing "Start" twice therefore resumes the same run instead of counting a second attempt.
    """
    found, lesson, state = await learner_on_lesson(session, ctx, user_id, lesson_id)
    if not lesson.exercises:
        raise NoExercises
    await touch_lesson(session, ctx, state, lesson, found)
    row = state.progress
    answered = state.run_answers
    if row.active_run is None:
        row.attempts += 1
        row.last_run += 1
        row.active_run = row.last_run
        answered = {}
    await progress.save_progress(session, row, now=ctx.clock.now())
    question = first_unanswered(lesson, row.active_run, answered)
    assert question is not None, "a run closes when its last question is answered"
    return question


@read_only
async def open_question(
    session: AsyncSession, ctx: Context, user_id: int, lesson_id: int, run: int
) -> Question:
    """The question the run is waiting for, to ask it again. Nothing is written, so nothing
    is locked: it never waits behind an answer of the learner being written, and asks the
    question as it stood before that answer, as if it had come first. Stale when the run is
    no longer open (finished, reset, or replaced by a later one)."""
    _, lesson, state = await learner_on_lesson(session, ctx, user_id, lesson_id, locked=False)
    row = state.progress
    if row.active_run is None or row.active_run != run:
        raise Stale
    question = first_unanswered(lesson, run, state.run_answers)
    if question is None:
        raise Stale
    return question


async def answer_choice(
    session: AsyncSession,
    ctx: Context,
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
        ctx,
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
    ctx: Context,
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
        ctx,
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
    ctx: Context,
    user_id: int,
    lesson_id: int,
    run: int,
    exercise_id: int,
    grade: Callable[[CatalogExercise], tuple[str, bool]],
    zone: tzinfo,
    update_id: int | None,
) -> Answered | AnsweredAgain:
    found, lesson, state = await learner_on_lesson(
        session, ctx, user_id, lesson_id, with_standing=True
    )
    row, answered = state.progress, state.run_answers
    if row.id is None or run != row.last_run:
        # No run of this lesson, or a button of an earlier run (or of one never started): only
        # the latest run's answered buttons are double taps to ignore quietly.
        raise Stale
    if exercise_id in answered:
        return await answered_before(session, found, lesson, state, exercise_id, grade, update_id)
    current = first_unanswered(lesson, run, answered)
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
        now=ctx.clock.now(),
    )
    if not inserted:
        raise AlreadyAnswered
    await review.record_lesson_answer(session, ctx, user_id, exercise_id, right=correct)
    track_time(row, ctx.clock.now())
    answered = {**answered, exercise_id: Answer(exercise_id, correct, points)}
    feedback = Feedback(given, correct, correct_answer_text(exercise), exercise.explanation)
    next_question = first_unanswered(lesson, run, answered)
    solved = exercise_id if correct else None
    if next_question is not None:
        effects = await reward(
            session, ctx, state, lesson, found, NO_EFFECTS, zone=zone, solved=solved
        )
        await progress.save_progress(session, row, now=ctx.clock.now())
        return NextQuestion(current, feedback, next_question, effects)
    result = await _finish_run(
        session, ctx, state, lesson, found, answered, zone=zone, solved=solved
    )
    await progress.save_progress(session, row, now=ctx.clock.now())
    return RunFinished(current, feedback, result)


async def _finish_run(
    session: AsyncSession,
    ctx: Context,
    state: LessonState,
    lesson: CatalogLesson,
    found: Catalog,
    answered: dict[int, Answer],
    *,
    zone: tzinfo,
    solved: int | None,
) -> RunResult:
    row = state.progress
    score = run_score(lesson, answered)
    previous_best = row.score
    row.active_run = None
    passed = score is None or score >= lesson.pass_score
    effects = await complete_lesson(
        session,
        ctx,
        state,
        lesson,
        found,
        score=score,
        passed=passed,
        details={"score": score, "previous_best": previous_best, "run": row.last_run},
    )
    effects = await reward(
        session, ctx, state, lesson, found, effects, zone=zone, solved=solved, run_score=score
    )
    return run_result(found, lesson, answered, score=score, best_score=row.score, effects=effects)
