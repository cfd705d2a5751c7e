"""A lesson's preview: the lesson as a learner gets it, its answers graded and explained,
nothing recorded. A pressed answer is graded at once; a typed one is asked for by a one-step
dialog, so the admin's next message is taken as the answer and nothing else."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.admin import LessonAction, LessonActionCb, PreviewCb, PreviewTypeCb
from bot.handlers.admin.authoring.dialog import Dialog, entry, send
from bot.handlers.admin.authoring.steps import Data, Step
from bot.services.authoring import preview
from bot.services.context import Context
from bot.texts import authoring as texts
from bot.views.admin.authoring.preview import preview_answer_screen, preview_screens
from bot.views.screen import Screen


class TypedAnswer(Dialog, state="authoring:preview_answer"):
    # Any text is an answer, as a learner's is: grading says whether it is right.
    steps = (Step("answer", lambda d: texts.preview_answer_prompt(d["prompt"]), lambda m: m.text),)

    async def save(self, data: Data, session: AsyncSession, context: Context) -> Screen:
        answer = await preview.try_typed_answer(session, data["exercise_id"], data["answer"])
        return preview_answer_screen(answer)


DIALOGS = (TypedAnswer,)


async def show_preview(
    callback: CallbackQuery, callback_data: LessonActionCb, bot: Bot, session: AsyncSession
) -> None:
    found = await preview.preview_lesson(session, callback_data.lesson_id)
    for screen in preview_screens(found):
        await send(callback, bot, screen)


async def pressed(
    callback: CallbackQuery,
    callback_data: PreviewCb,
    callback_answer: CallbackAnswer,
    bot: Bot,
    session: AsyncSession,
) -> None:
    if callback_data.exercise_id is None or callback_data.option is None:
        callback_answer.text = str(texts.PREVIEW_PRESSED)
        return
    answer = await preview.try_answer(session, callback_data.exercise_id, callback_data.option)
    callback_answer.text = str(texts.PREVIEW_NOT_RECORDED)
    await send(callback, bot, preview_answer_screen(answer))


async def typed_question(
    callback: CallbackQuery, callback_data: PreviewTypeCb, session: AsyncSession
) -> dict[str, Any]:
    question = await preview.typed_question(session, callback_data.exercise_id)
    # The lesson is where Cancel goes back to.
    return {
        "lesson_id": question.lesson_id,
        "exercise_id": question.exercise_id,
        "prompt": question.prompt,
    }


def create_router() -> Router:
    router = Router(name=__name__)
    cb = router.callback_query
    cb.register(show_preview, LessonActionCb.filter(F.action == LessonAction.PREVIEW))
    cb.register(pressed, PreviewCb.filter())
    cb.register(entry(TypedAnswer, typed_question), PreviewTypeCb.filter())
    return router
