"""Questions, feedback on an answer, and a run's result."""

from __future__ import annotations

import random

from bot import texts
from bot.callbacks.learner import AnswerCb, StopRunCb
from bot.services.exercises import (
    Answered,
    NextQuestion,
    Question,
    RunResult,
)
from bot.views import question
from bot.views.course import after_lesson
from bot.views.effects import effects_lines

# A lesson's preview labels its answers as its learners' screens do, through this module.
from bot.views.screen import Screen
from bot.views.telegram_length import fit
from db.enums import ExerciseType


def option_order(q: Question) -> list[int]:
    """The question's options in the order this run shows them, as indices into its choices.

    A new run shows a new order, so a retry tests the answers rather than the memory of where
    they were; within a run the order is the same every time it is drawn (the seed is the
    run's identity, and a string seed is hashed the same way in every process, so two bot
    instances draw it alike), so a question asked again looks as it did. A true-or-false
    question keeps True before False: its two answers are a yes and a no, not options learned
    by place, and a swapped pair only invites a slip.
    """
    order = list(range(len(q.choices or [])))
    if q.type is not ExerciseType.TRUE_FALSE:
        random.Random(f"{q.lesson_id}:{q.run}:{q.exercise_id}").shuffle(order)
    return order


def _heading(q: Question) -> str:
    return texts.question_heading(q.lesson_title, q.number, q.total)


def _answer(q: Question, option: int) -> AnswerCb:
    return AnswerCb(lesson_id=q.lesson_id, run=q.run, exercise_id=q.exercise_id, option=option)


def question_screen(q: Question, *, hint: str | None = None) -> Screen:
    """`hint`: a line above the question, when it is asked again after a message it did not
    expect."""
    return question.screen(
        q,
        _heading(q),
        option_order(q),
        _answer,
        str(texts.STOP_EXERCISES),
        StopRunCb(lesson_id=q.lesson_id),
        above=f"{hint}\n\n" if hint is not None else "",
    )


def _earned(answered: Answered) -> str:
    """What an answer earned before its run's end, told with its feedback (a last answer's is
    told with the run's result)."""
    if not isinstance(answered, NextQuestion):
        return ""
    lines = effects_lines(answered.effects, with_streak=False)
    return "\n\n" + "\n".join(lines) if lines else ""


def answered_question_text(answered: Answered) -> str:
    """The question message once answered with a button: no buttons, the answer and feedback."""
    q, feedback = answered.answered, answered.feedback
    return question.answered_text(
        _heading(q), q, feedback.given, question.verdict(feedback, q.type), _earned(answered)
    )


def typed_feedback_text(answered: Answered) -> str:
    """The reply to a typed answer: the feedback, and what the answer earned."""
    return fit(question.verdict(answered.feedback, answered.answered.type) + _earned(answered))


def result_screen(run: RunResult) -> Screen:
    lines = [
        texts.run_result(
            run.correct, run.total, run.score, run.best_score, run.pass_score, run.passed
        ),
        *effects_lines(run.effects),
    ]
    return Screen(
        "\n".join(lines),
        after_lesson(
            run.lesson_id,
            run.module_id,
            run.next_lesson_id,
            retry=True,
            read_again=not run.passed,
            course_completed=run.effects.course_completed,
        ),
    )
