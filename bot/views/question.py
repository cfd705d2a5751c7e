"""The question screen a lesson's run and a review share: a heading over the prompt, a button for
each option and a last one to leave, within Telegram's limit; the question once answered with a
button; the verdict on an answer. What differs (the heading, the options' order, the buttons'
data) comes in as arguments, so nothing here knows a lesson's run from a review's card."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot import texts
from bot.services.grading import TRUE_FALSE_CHOICES
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.telegram_length import MESSAGE_LIMIT, clip, fit, html_length
from db.enums import ExerciseType

# An answer quoted back to the learner: an option, which the course file keeps short.
ANSWER_ROOM = 500


class Asked(Protocol):
    """What a question shows, whichever feature asks it."""

    @property
    def type(self) -> ExerciseType: ...
    @property
    def prompt(self) -> str: ...
    # Button labels for multiple choice and true/false; None for a typed answer.
    @property
    def choices(self) -> list[str] | None: ...


class Graded(Protocol):
    """What an answer's feedback tells, whichever feature graded it."""

    @property
    def correct(self) -> bool: ...
    @property
    def correct_answer(self) -> str: ...
    @property
    def explanation(self) -> str | None: ...


Q = TypeVar("Q", bound=Asked)


def answer_label(kind: ExerciseType, answer: str) -> str:
    """An answer as the learner reads it: the author's words for choices and typed answers, the
    learner's language for a true-or-false question's True and False."""
    if kind is not ExerciseType.TRUE_FALSE:
        return answer
    return str(texts.TRUE if answer == TRUE_FALSE_CHOICES[0] else texts.FALSE)


def _text(heading: str, q: Asked) -> str:
    hint = f"\n\n{texts.TYPE_ANSWER}" if q.choices is None else ""
    return f"{heading}\n\n{texts.esc(q.prompt)}{hint}"


def screen(
    q: Q,
    heading: str,
    order: Iterable[int],
    answer: Callable[[Q, int], CallbackData],
    stop_text: str,
    stop: CallbackData,
    above: str = "",
) -> Screen:
    """`q` under `heading` (and `above`, a line over it all), a button for each option in `order`
    (indices into its choices) carrying `answer(q, index)`, and a last one, `stop_text`, carrying
    `stop`."""
    kb = Keyboard()
    choices = q.choices or []
    # Each button carries its option's own index, so the answer recorded is the option shown.
    for index in order:
        kb.button(text=answer_label(q.type, choices[index]), callback_data=answer(q, index))
    kb.button(text=stop_text, callback_data=stop)
    kb.adjust(1)
    markup: InlineKeyboardMarkup = kb.as_markup()
    return Screen(fit(above + _text(heading, q)), markup)


def verdict(feedback: Graded, kind: ExerciseType) -> str:
    """Right or wrong, the right answer and the author's explanation."""
    return texts.answer_feedback(
        feedback.correct, answer_label(kind, feedback.correct_answer), feedback.explanation
    )


def answered_text(heading: str, q: Asked, given: str, feedback: str, earned: str = "") -> str:
    """The question message once answered with a button: no buttons, the answer `given`, the
    `feedback` on it (its verdict first) and what it `earned`."""
    said = texts.your_answer(clip(answer_label(q.type, given), ANSWER_ROOM))
    below = f"\n\n{said}\n{feedback}{earned}"
    # A long prompt and a long explanation together can outgrow a message: the question, which
    # the learner has just read, gives way.
    room = max(MESSAGE_LIMIT - html_length(below), MESSAGE_LIMIT // 4)
    return fit(fit(_text(heading, q), room) + below)


def feedback_mark(feedback: Graded) -> str:
    """The answer's mark in the notice that answers its button."""
    return texts.CORRECT_MARK if feedback.correct else texts.WRONG_MARK
