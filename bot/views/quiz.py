"""Questions, feedback on an answer, and a run's result."""

from __future__ import annotations

import random

from aiogram.types import InlineKeyboardMarkup

from bot import texts
from bot.callbacks.learner import AnswerCb, StopRunCb
from bot.services.exercises import (
    Answered,
    Feedback,
    NextQuestion,
    Question,
    RunResult,
)
from bot.services.grading import TRUE_FALSE_CHOICES
from bot.views.course import after_lesson
from bot.views.effects import effects_lines
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.telegram_length import MESSAGE_LIMIT, clip, fit, html_length
from db.enums import ExerciseType

# An answer quoted back to the learner: an option, which the course file keeps short.
ANSWER_ROOM = 500


def answer_label(kind: ExerciseType, answer: str) -> str:
    """An answer as the learner reads it: the author's words for choices and typed answers, the
    learner's language for a true-or-false question's True and False."""
    if kind is not ExerciseType.TRUE_FALSE:
        return answer
    return str(texts.TRUE if answer == TRUE_FALSE_CHOICES[0] else texts.FALSE)


def question_text(q: Question) -> str:
    heading = texts.question_heading(q.lesson_title, q.number, q.total)
    hint = f"\n\n{texts.TYPE_ANSWER}" if q.choices is None else ""
    return f"{heading}\n\n{texts.esc(q.prompt)}{hint}"


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


def question_screen(q: Question, *, hint: str | None = None) -> Screen:
    """`hint`: a line above the question, when it is asked again after a message it did not
    expect."""
    kb = Keyboard()
    choices = q.choices or []
    # Each button carries its option's own index, so the answer recorded is the option shown.
    for index in option_order(q):
        kb.button(
            text=answer_label(q.type, choices[index]),
            callback_data=AnswerCb(
                lesson_id=q.lesson_id, run=q.run, exercise_id=q.exercise_id, option=index
            ),
        )
    kb.button(text=str(texts.STOP_EXERCISES), callback_data=StopRunCb(lesson_id=q.lesson_id))
    kb.adjust(*([1] * len(q.choices or [])), 1)
    markup: InlineKeyboardMarkup = kb.as_markup()
    above = f"{hint}\n\n" if hint is not None else ""
    return Screen(fit(above + question_text(q)), markup)


def feedback_text(feedback: Feedback, kind: ExerciseType) -> str:
    return texts.answer_feedback(
        feedback.correct, answer_label(kind, feedback.correct_answer), feedback.explanation
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
    given = texts.your_answer(clip(answer_label(q.type, feedback.given), ANSWER_ROOM))
    after = f"\n\n{given}\n{feedback_text(feedback, q.type)}{_earned(answered)}"
    # A long prompt and a long explanation together can outgrow a message: the question, which
    # the learner has just read, gives way.
    room = max(MESSAGE_LIMIT - html_length(after), MESSAGE_LIMIT // 4)
    return fit(fit(question_text(q), room) + after)


def typed_feedback_text(answered: Answered) -> str:
    """The reply to a typed answer: the feedback, and what the answer earned."""
    return fit(feedback_text(answered.feedback, answered.answered.type) + _earned(answered))


def feedback_mark(feedback: Feedback) -> str:
    return texts.CORRECT_MARK if feedback.correct else texts.WRONG_MARK


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
