"""Questions, feedback on an answer, and a run's result."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import AnswerCb, StopRunCb
from bot.locales import en
from bot.services.exercises import Feedback, Question, RunResult
from bot.views.course import after_lesson
from bot.views.effects import effects_lines
from bot.views.screen import Screen


def question_text(q: Question) -> str:
    hint = f"\n\n{en.TYPE_ANSWER}" if q.choices is None else ""
    return f"{en.question_heading(q.lesson_title, q.number, q.total)}\n\n{en.esc(q.prompt)}{hint}"


def question_screen(q: Question) -> Screen:
    kb = InlineKeyboardBuilder()
    for index, label in enumerate(q.choices or []):
        kb.button(
            text=label,
            callback_data=AnswerCb(
                lesson_id=q.lesson_id, run=q.run, exercise_id=q.exercise_id, option=index
            ),
        )
    kb.button(text=en.STOP_EXERCISES, callback_data=StopRunCb(lesson_id=q.lesson_id))
    kb.adjust(*([1] * len(q.choices or [])), 1)
    markup: InlineKeyboardMarkup = kb.as_markup()
    return Screen(question_text(q), markup)


def feedback_text(feedback: Feedback) -> str:
    return en.answer_feedback(feedback.correct, feedback.correct_answer, feedback.explanation)


def answered_question_text(q: Question, feedback: Feedback) -> str:
    """The question message once answered with a button: no buttons, the answer and feedback."""
    return f"{question_text(q)}\n\n{en.your_answer(feedback.given)}\n{feedback_text(feedback)}"


def feedback_mark(feedback: Feedback) -> str:
    return en.CORRECT_MARK if feedback.correct else en.WRONG_MARK


def result_screen(run: RunResult) -> Screen:
    lines = [
        en.run_result(
            run.correct, run.total, run.score, run.best_score, run.pass_score, run.passed
        ),
        *effects_lines(run.effects),
    ]
    return Screen(
        "\n".join(lines),
        after_lesson(run.lesson_id, run.module_id, run.next_lesson_id, retry=True),
    )
