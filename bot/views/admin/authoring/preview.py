"""A lesson's preview, made of the learner's own views: the pages as a learner reads them, each
question with its answer buttons graded on press (a typed answer asked for by a button),
nothing recorded."""

from __future__ import annotations

import contextlib

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import ValidationError

from bot.callbacks.admin import AuthorLessonCb, PreviewCb, PreviewTypeCb
from bot.callbacks.learner import AnswerCb
from bot.services.authoring.preview import LessonPreview, PreviewAnswer
from bot.texts import authoring as texts
from bot.views.course import lesson_screen as learner_lesson_screen
from bot.views.keyboard import Keyboard
from bot.views.pages import lesson_pages
from bot.views.question import verdict
from bot.views.quiz import question_screen
from bot.views.screen import Screen


def _preview_data(data: str | None) -> str:
    """A learner's answer button becomes the preview's graded one; any other does nothing."""
    if data is not None and data.startswith(f"{AnswerCb.__prefix__}{AnswerCb.__separator__}"):
        with contextlib.suppress(ValueError, ValidationError):
            answer = AnswerCb.unpack(data)
            return PreviewCb(exercise_id=answer.exercise_id, option=answer.option).pack()
    return PreviewCb().pack()


def _for_preview(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    if markup is None:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=b.text, callback_data=_preview_data(b.callback_data))
                for b in row
            ]
            for row in markup.inline_keyboard
        ]
    )


def preview_screens(preview: LessonPreview) -> list[Screen]:
    """The header, each page of the lesson and each question, as the learner's views draw them,
    with buttons that record nothing; then the way back."""
    view = preview.view
    screens = [Screen(str(texts.PREVIEW_HEADER))]
    pages = lesson_pages(view.id, view.content)
    for page in range(len(pages)):
        screen = learner_lesson_screen(view, page)
        screens.append(Screen(screen.text, _for_preview(screen.markup)))
    for question in preview.questions:
        screen = question_screen(question)
        markup = _for_preview(screen.markup)
        if question.choices is None and markup is not None:
            # Typed, not pressed: a learner's answer is a message, here a short dialog.
            typing = InlineKeyboardButton(
                text=str(texts.PREVIEW_TYPE_ANSWER),
                callback_data=PreviewTypeCb(exercise_id=question.exercise_id).pack(),
            )
            markup = InlineKeyboardMarkup(inline_keyboard=[[typing], *markup.inline_keyboard])
        screens.append(Screen(screen.text, markup))
    kb = Keyboard()
    kb.button(text=str(texts.BACK_TO_LESSON), callback_data=AuthorLessonCb(lesson_id=view.id))
    screens.append(Screen(str(texts.PREVIEW_END), kb.as_markup()))
    return screens


def preview_answer_screen(answer: PreviewAnswer) -> Screen:
    """The learner's feedback on that answer, marked as a preview's, and the way back."""
    feedback = verdict(answer, answer.type)
    kb = Keyboard()
    kb.button(
        text=str(texts.BACK_TO_LESSON), callback_data=AuthorLessonCb(lesson_id=answer.lesson_id)
    )
    return Screen(f"{feedback}\n\n{texts.PREVIEW_NOT_RECORDED}", kb.as_markup())
