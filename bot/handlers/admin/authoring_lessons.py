"""A lesson's screen and what its buttons do (publish, move, preview, delete), the dialog that
adds a lesson (title, text, minutes, XP, pass mark) and the ones that edit its title or text."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.admin import (
    AuthorLessonCb,
    DialogAction,
    DialogCb,
    LessonAction,
    LessonActionCb,
    ModuleAction,
    ModuleActionCb,
    MoveLessonCb,
    MoveTo,
)
from bot.handlers.admin.authoring_dialog import ask, finish, send, with_notice
from bot.handlers.admin.authoring_markdown import lesson_text
from bot.handlers.admin.authoring_states import Authoring
from bot.handlers.common import show
from bot.handlers.filters import typed_text
from bot.services.authoring import lessons, modules
from bot.services.authoring.lessons import Direction
from bot.services.content import fields as values
from bot.services.content.fields import NumberField
from bot.services.content.model import TITLE_MAX_LEN
from bot.texts import authoring as texts
from bot.views.admin.authoring import (
    confirm_delete_screen,
    lesson_screen,
    module_screen,
    preview_screens,
    reorder_screen,
)
from bot.views.telegram_length import MESSAGE_LIMIT, utf16_len

log = logging.getLogger(__name__)

NewLesson = Authoring.NewLesson
EditLesson = Authoring.EditLesson
DEFAULT_XP = 10
DEFAULT_PASS_SCORE = 70
STEPS = 5


async def open_lesson(
    callback: CallbackQuery, callback_data: AuthorLessonCb, session: AsyncSession
) -> None:
    await show(
        callback, lesson_screen(await lessons.lesson_detail(session, callback_data.lesson_id))
    )


async def publish(
    callback: CallbackQuery,
    callback_data: LessonActionCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
) -> None:
    published = callback_data.action is LessonAction.PUBLISH
    lesson = await lessons.set_lesson_published(session, callback_data.lesson_id, published)
    if not published:
        callback_answer.text = str(texts.LESSON_UNPUBLISHED)
    elif lesson.module_published:
        callback_answer.text = str(texts.LESSON_PUBLISHED)
    else:
        callback_answer.text = str(texts.LESSON_PUBLISHED_IN_DRAFT)
    await show(callback, lesson_screen(lesson))


async def move(
    callback: CallbackQuery,
    callback_data: MoveLessonCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
) -> None:
    direction = Direction.UP if callback_data.up else Direction.DOWN
    result = await lessons.move_lesson(session, callback_data.lesson_id, direction)
    if not result.moved:
        callback_answer.text = str(texts.AT_THE_EDGE)
        return
    if callback_data.screen is MoveTo.REORDER:
        module = await modules.module_detail(session, result.lesson.module_id)
        await show(callback, reorder_screen(module))
    else:
        await show(callback, lesson_screen(result.lesson))


async def preview(
    callback: CallbackQuery, callback_data: LessonActionCb, bot: Bot, session: AsyncSession
) -> None:
    found = await lessons.preview_lesson(session, callback_data.lesson_id)
    for screen in preview_screens(found):
        await send(callback, bot, screen)


async def ask_delete(
    callback: CallbackQuery, callback_data: LessonActionCb, session: AsyncSession
) -> None:
    lesson = await lessons.lesson_detail(session, callback_data.lesson_id)
    await show(callback, confirm_delete_screen(lesson))


async def delete(
    callback: CallbackQuery,
    callback_data: LessonActionCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
) -> None:
    module_id = await lessons.delete_lesson(session, callback_data.lesson_id)
    callback_answer.text = str(texts.LESSON_DELETED)
    await show(callback, module_screen(await modules.module_detail(session, module_id)))


# Adding a lesson


def _step(number: int, question: str) -> str:
    return f"{texts.step(number, STEPS)}\n{question}"


async def start_new_lesson(
    callback: CallbackQuery,
    callback_data: ModuleActionCb,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
) -> None:
    module = await modules.module_detail(session, callback_data.module_id)
    await finish(callback, bot, state)
    await state.set_state(NewLesson.title)
    await state.update_data(module_id=module.id)
    await ask(callback, bot, state, _step(1, texts.new_lesson_title(module.title, TITLE_MAX_LEN)))


async def got_title(message: Message, bot: Bot, state: FSMContext) -> None:
    title = values.title(message.text)
    await state.update_data(title=title)
    await state.set_state(NewLesson.content)
    await ask(message, bot, state, _step(2, texts.content_prompt(values.TEXT_MAX_LEN)))


async def got_content(message: Message, bot: Bot, state: FSMContext) -> None:
    content = values.content(lesson_text(message))
    await state.update_data(content=content)
    await _ask_minutes(message, bot, state)


async def _ask_minutes(message: Message, bot: Bot, state: FSMContext) -> None:
    field = NumberField.MINUTES
    await state.set_state(NewLesson.minutes)
    question = texts.minutes_prompt(field.minimum, field.maximum)
    await ask(message, bot, state, _step(3, question), skip=True)


async def got_minutes(message: Message, bot: Bot, state: FSMContext) -> None:
    minutes = values.number(message.text, NumberField.MINUTES)
    await _after_minutes(message, bot, state, minutes)


async def skip_minutes(callback: CallbackQuery, bot: Bot, state: FSMContext) -> None:
    await _after_minutes(callback, bot, state, None)


async def _after_minutes(
    event: Message | CallbackQuery, bot: Bot, state: FSMContext, minutes: int | None
) -> None:
    field = NumberField.XP
    await state.update_data(minutes=minutes)
    await state.set_state(NewLesson.xp)
    question = texts.xp_prompt(field.minimum, field.maximum, DEFAULT_XP)
    await ask(event, bot, state, _step(4, question), default=DEFAULT_XP)


async def got_xp(message: Message, bot: Bot, state: FSMContext) -> None:
    xp = values.number(message.text, NumberField.XP)
    await _after_xp(message, bot, state, xp)


async def default_xp(callback: CallbackQuery, bot: Bot, state: FSMContext) -> None:
    await _after_xp(callback, bot, state, DEFAULT_XP)


async def _after_xp(event: Message | CallbackQuery, bot: Bot, state: FSMContext, xp: int) -> None:
    field = NumberField.PASS_SCORE
    await state.update_data(xp=xp)
    await state.set_state(NewLesson.pass_score)
    question = texts.pass_score_prompt(field.minimum, field.maximum, DEFAULT_PASS_SCORE)
    await ask(event, bot, state, _step(5, question), default=DEFAULT_PASS_SCORE)


async def got_pass_score(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession
) -> None:
    pass_score = values.number(message.text, NumberField.PASS_SCORE)
    await _create(message, bot, state, session, pass_score)


async def default_pass_score(
    callback: CallbackQuery, bot: Bot, state: FSMContext, session: AsyncSession
) -> None:
    await _create(callback, bot, state, session, DEFAULT_PASS_SCORE)


async def _create(
    event: Message | CallbackQuery,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    pass_score: int,
) -> None:
    data = await state.get_data()
    created = await lessons.add_lesson(
        session,
        data["module_id"],
        title=data["title"],
        content=data["content"],
        estimated_minutes=data["minutes"],
        xp=data["xp"],
        pass_score=pass_score,
    )
    await finish(event, bot, state)
    lesson = created.lesson
    notice = texts.lesson_created(lesson.title, lesson.slug, created.slug_base)
    await send(event, bot, with_notice(notice, lesson_screen(lesson)))


# Editing a lesson's title or text


async def start_edit_title(
    callback: CallbackQuery,
    callback_data: LessonActionCb,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
) -> None:
    lesson = await lessons.lesson_detail(session, callback_data.lesson_id)
    await finish(callback, bot, state)
    await state.set_state(EditLesson.title)
    await state.update_data(lesson_id=lesson.id)
    await ask(callback, bot, state, texts.edit_title_prompt(lesson.title, TITLE_MAX_LEN))


async def start_edit_content(
    callback: CallbackQuery,
    callback_data: LessonActionCb,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
) -> None:
    lesson = await lessons.lesson_detail(session, callback_data.lesson_id)
    await finish(callback, bot, state)
    await state.set_state(EditLesson.content)
    await state.update_data(lesson_id=lesson.id)
    # The current text as it was typed, to copy, change and send back (a text longer than a
    # message, imported from a course file, is better changed there).
    if lesson.content.strip() and utf16_len(lesson.content) <= MESSAGE_LIMIT:
        await bot.send_message(callback.from_user.id, lesson.content, parse_mode=None)
    await ask(callback, bot, state, texts.edit_content_prompt(lesson.title))


async def got_new_title(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession
) -> None:
    title = values.title(message.text)
    lesson_id = (await state.get_data())["lesson_id"]
    lesson = await lessons.edit_title(session, lesson_id, title)
    await finish(message, bot, state)
    await send(message, bot, with_notice(str(texts.SAVED), lesson_screen(lesson)))


async def got_new_content(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession
) -> None:
    content = values.content(lesson_text(message))
    lesson_id = (await state.get_data())["lesson_id"]
    lesson = await lessons.edit_content(session, lesson_id, content)
    await finish(message, bot, state)
    await send(message, bot, with_notice(str(texts.SAVED), lesson_screen(lesson)))


def create_router() -> Router:
    router = Router(name=__name__)
    cb = router.callback_query
    cb.register(open_lesson, AuthorLessonCb.filter())
    cb.register(
        publish,
        LessonActionCb.filter(F.action.in_({LessonAction.PUBLISH, LessonAction.UNPUBLISH})),
    )
    cb.register(move, MoveLessonCb.filter())
    cb.register(preview, LessonActionCb.filter(F.action == LessonAction.PREVIEW))
    cb.register(ask_delete, LessonActionCb.filter(F.action == LessonAction.DELETE))
    cb.register(delete, LessonActionCb.filter(F.action == LessonAction.DELETE_CONFIRMED))
    cb.register(start_edit_title, LessonActionCb.filter(F.action == LessonAction.EDIT_TITLE))
    cb.register(start_edit_content, LessonActionCb.filter(F.action == LessonAction.EDIT_CONTENT))
    cb.register(start_new_lesson, ModuleActionCb.filter(F.action == ModuleAction.ADD_LESSON))

    msg = router.message
    msg.register(got_title, StateFilter(NewLesson.title), typed_text)
    msg.register(got_content, StateFilter(NewLesson.content), typed_text)
    msg.register(got_minutes, StateFilter(NewLesson.minutes), typed_text)
    msg.register(got_xp, StateFilter(NewLesson.xp), typed_text)
    msg.register(got_pass_score, StateFilter(NewLesson.pass_score), typed_text)
    msg.register(got_new_title, StateFilter(EditLesson.title), typed_text)
    msg.register(got_new_content, StateFilter(EditLesson.content), typed_text)
    skip = DialogCb.filter(F.action == DialogAction.SKIP)
    default = DialogCb.filter(F.action == DialogAction.DEFAULT)
    cb.register(skip_minutes, StateFilter(NewLesson.minutes), skip)
    cb.register(default_xp, StateFilter(NewLesson.xp), default)
    cb.register(default_pass_score, StateFilter(NewLesson.pass_score), default)
    return router
