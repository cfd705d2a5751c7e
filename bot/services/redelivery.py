"""An answer delivered again: the update that recorded an answer comes back (its reply was
lost), and gets that answer's feedback, and what followed it, as they were; nothing is written."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.catalog import Catalog, CatalogExercise, CatalogLesson
from bot.services.completion import NO_EFFECTS
from bot.services.errors import AlreadyAnswered
from bot.services.grading import correct_answer_text
from bot.services.runs import (
    AnsweredAgain,
    Feedback,
    NextQuestion,
    RunFinished,
    RunResult,
    first_unanswered,
    question_of,
    run_result,
    run_score,
)
from db.repositories import progress
from db.repositories.progress import Answer, LessonState, Progress


async def answered_before(
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
    current = question_of(lesson, run, exercise, number)
    recorded = answered[exercise_id]
    feedback = Feedback(
        stored.answer, recorded.correct, correct_answer_text(exercise), exercise.explanation
    )
    # Questions are asked in the lesson's order: an answer to a later one means the learner
    # went on from this answer, and what followed it is no longer what they wait for.
    latest = not any(e.id in answered for e in lesson.exercises[number:])
    next_question = first_unanswered(lesson, run, answered)
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
    score = run_score(lesson, answered)
    return run_result(
        found, lesson, answered, score=score, best_score=row.score, effects=NO_EFFECTS
    )
