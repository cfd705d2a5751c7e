"""A lesson's screen and what its buttons do (publish, move, delete), the dialog that adds a
lesson (title, text, minutes, XP, pass mark) and the ones that edit its title, text or numbers."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.admin import (
    AuthorLessonCb,
    LessonAction,
    LessonActionCb,
    ModuleAction,
    ModuleActionCb,
    MoveLessonCb,
    MoveTo,
)
from bot.handlers.admin.authoring.changes import Done, pressed
from bot.handlers.admin.authoring.dialog import Dialog, entry, saved, with_notice
from bot.handlers.admin.authoring.edits import EditOne
from bot.handlers.admin.authoring.markdown import lesson_text
from bot.handlers.admin.authoring.steps import Data, Step, new_title, typed_value
from bot.handlers.common import show
from bot.services.authoring import lessons, modules
from bot.services.authoring.lessons import Direction
from bot.services.content import fields
from bot.services.content.model import TITLE_MAX_LEN
from bot.services.context import Context
from bot.texts import authoring as texts
from bot.views.admin.authoring.lessons import confirm_delete_screen, lesson_screen
from bot.views.admin.authoring.modules import module_screen, reorder_screen
from bot.views.screen import Screen
from bot.views.telegram_length import MESSAGE_LIMIT, utf16_len

DEFAULT_XP = 10
DEFAULT_PASS_SCORE = 70
MINUTES, XP, PASS_SCORE = (
    fields.NumberField.MINUTES,
    fields.NumberField.XP,
    fields.NumberField.PASS_SCORE,
)

TITLE = Step(
    "title",
    lambda d: texts.new_lesson_title(d["module_title"], TITLE_MAX_LEN),
    typed_value(fields.title),
)
CONTENT = Step(
    "content",
    lambda d: texts.content_prompt(fields.TEXT_MAX_LEN),
    lambda m: fields.content(lesson_text(m)),
)
# A new lesson's numbers: the usual ones offered.
NUMBERS = (
    Step(
        "minutes",
        lambda d: texts.minutes_prompt(MINUTES.minimum, MINUTES.maximum),
        typed_value(partial(fields.number, field=MINUTES)),
        skip=True,
    ),
    Step(
        "xp",
        lambda d: texts.xp_prompt(XP.minimum, XP.maximum, DEFAULT_XP),
        typed_value(partial(fields.number, field=XP)),
        default=lambda d: DEFAULT_XP,
    ),
    Step(
        "pass_score",
        lambda d: texts.pass_score_prompt(
            PASS_SCORE.minimum, PASS_SCORE.maximum, DEFAULT_PASS_SCORE
        ),
        typed_value(partial(fields.number, field=PASS_SCORE)),
        default=lambda d: DEFAULT_PASS_SCORE,
    ),
)
# An edited lesson's: its own, kept with Keep, instead of the usual ones.
EDITED_NUMBERS = (
    NUMBERS[0],
    replace(NUMBERS[1], question=lambda d: texts.xp_question(XP.minimum, XP.maximum), default=None),
    replace(
        NUMBERS[2],
        question=lambda d: texts.pass_score_question(PASS_SCORE.minimum, PASS_SCORE.maximum),
        default=None,
    ),
)


class NewLesson(Dialog, state="authoring:new_lesson"):
    steps = (TITLE, CONTENT, *NUMBERS)

    async def save(self, data: Data, session: AsyncSession, context: Context) -> Screen:
        created = await lessons.add_lesson(
            session,
            context,
            data["module_id"],
            title=data["title"],
            content=data["content"],
            estimated_minutes=data["minutes"],
            xp=data["xp"],
            pass_score=data["pass_score"],
        )
        lesson = created.lesson
        notice = texts.lesson_created(lesson.title, lesson.slug, created.slug_base)
        return with_notice(notice, lesson_screen(lesson))


class EditLesson(EditOne):
    row, shown = "lesson_id", lesson_screen


class EditLessonTitle(EditLesson, state="authoring:lesson_title"):
    steps = (new_title(texts.edit_lesson_title_prompt),)
    write = lessons.edit_title


class EditLessonContent(EditLesson, state="authoring:lesson_content"):
    steps = (
        replace(
            CONTENT,
            # A dialog kept in Redis from before "current_sent" was recorded lacks it.
            question=lambda d: texts.edit_content_prompt(
                d["current_title"], d.get("current_sent", False)
            ),
            show_current=False,  # sent whole before the question, to copy (named_lesson)
        ),
    )
    write = lessons.edit_content


class EditLessonNumbers(Dialog, state="authoring:lesson_numbers"):
    steps = EDITED_NUMBERS

    def heading(self, data: Data) -> str | None:
        return texts.edit_numbers(data["current_title"])

    async def save(self, data: Data, session: AsyncSession, context: Context) -> Screen:
        numbers = {"estimated_minutes": data["minutes"], "xp": data["xp"]}
        lesson = await lessons.edit_numbers(
            session, context, data["lesson_id"], pass_score=data["pass_score"], **numbers
        )
        return saved(lesson_screen(lesson))


DIALOGS = (NewLesson, EditLessonTitle, EditLessonContent, EditLessonNumbers)


async def open_lesson(
    callback: CallbackQuery, callback_data: AuthorLessonCb, session: AsyncSession
) -> None:
    await show(
        callback, lesson_screen(await lessons.lesson_detail(session, callback_data.lesson_id))
    )


async def publish(data: LessonActionCb, session: AsyncSession, context: Context) -> Done:
    published = data.action is LessonAction.PUBLISH
    lesson = await lessons.set_lesson_published(session, context, data.lesson_id, published)
    if not published:
        answer = texts.LESSON_UNPUBLISHED
    elif lesson.module_published:
        answer = texts.LESSON_PUBLISHED
    else:
        answer = texts.LESSON_PUBLISHED_IN_DRAFT
    return answer, lesson_screen(lesson)


async def move(
    callback: CallbackQuery,
    callback_data: MoveLessonCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    context: Context,
) -> None:
    direction = Direction.UP if callback_data.up else Direction.DOWN
    result = await lessons.move_lesson(session, context, callback_data.lesson_id, direction)
    if not result.moved:
        callback_answer.text = str(texts.AT_THE_EDGE)
        return
    if callback_data.screen is MoveTo.REORDER:
        module = await modules.module_detail(session, result.lesson.module_id)
        await show(callback, reorder_screen(module))
    else:
        await show(callback, lesson_screen(result.lesson))


async def ask_delete(
    callback: CallbackQuery, callback_data: LessonActionCb, session: AsyncSession
) -> None:
    lesson = await lessons.lesson_detail(session, callback_data.lesson_id)
    await show(callback, confirm_delete_screen(lesson))


async def delete(data: LessonActionCb, session: AsyncSession, context: Context) -> Done:
    module_id = await lessons.delete_lesson(session, context, data.lesson_id)
    return texts.LESSON_DELETED, module_screen(await modules.module_detail(session, module_id))


async def in_module(
    callback: CallbackQuery, callback_data: ModuleActionCb, session: AsyncSession
) -> dict[str, Any]:
    module = await modules.module_detail(session, callback_data.module_id)
    return {"module_id": module.id, "module_title": module.title}


async def named_lesson(
    callback: CallbackQuery, callback_data: LessonActionCb, session: AsyncSession
) -> dict[str, Any]:
    lesson = await lessons.lesson_detail(session, callback_data.lesson_id)
    # The current text as it was typed, to copy, change and send back (a text longer than a
    # message, imported from a course file, is better changed there).
    sent = callback_data.action is LessonAction.EDIT_CONTENT and bool(
        lesson.content.strip() and utf16_len(lesson.content) <= MESSAGE_LIMIT
    )
    if sent:
        assert callback.bot is not None
        await callback.bot.send_message(callback.from_user.id, lesson.content, parse_mode=None)
    current = {
        "title": lesson.title,
        "content": lesson.content,
        "minutes": lesson.estimated_minutes,
        "xp": lesson.xp,
        "pass_score": lesson.pass_score,
    }
    return {
        "lesson_id": lesson.id,
        "current_title": lesson.title,
        "current": current,
        "current_sent": sent,
    }


EDITS: dict[LessonAction, type[Dialog]] = {
    LessonAction.EDIT_TITLE: EditLessonTitle,
    LessonAction.EDIT_CONTENT: EditLessonContent,
    LessonAction.EDIT_NUMBERS: EditLessonNumbers,
}


def create_router() -> Router:
    router = Router(name=__name__)
    cb = router.callback_query
    cb.register(open_lesson, AuthorLessonCb.filter())
    cb.register(
        pressed(publish),
        LessonActionCb.filter(F.action.in_({LessonAction.PUBLISH, LessonAction.UNPUBLISH})),
    )
    cb.register(move, MoveLessonCb.filter())
    cb.register(ask_delete, LessonActionCb.filter(F.action == LessonAction.DELETE))
    cb.register(pressed(delete), LessonActionCb.filter(F.action == LessonAction.DELETE_CONFIRMED))
    for action, dialog in EDITS.items():
        cb.register(entry(dialog, named_lesson), LessonActionCb.filter(F.action == action))
    cb.register(
        entry(NewLesson, in_module), ModuleActionCb.filter(F.action == ModuleAction.ADD_LESSON)
    )
    return router
