from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks import AnswerCb, StopRunCb
from bot.locales import en
from bot.services.exercises import Question


def question(q: Question) -> InlineKeyboardMarkup:
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
    return kb.as_markup()
