"""The course file section: an admin sends a course file to import it (checked, previewed,
then applied on Confirm), and /export (or the section's Export) sends the course as one.

The pending file's text is kept in the admin's FSM data between the preview and Confirm: it is
at most 1 MB, lives in Redis when REDIS_URL is set (so a restart between the two loses
nothing), and Confirm then applies exactly the bytes that were previewed, with no second
download from Telegram that could fail or be slow. Confirm takes it out of the data before
applying: a second (or stale) Confirm finds nothing pending; with Redis, event isolation runs
one admin's updates one at a time, and in memory nothing yields between the read and the
removal. Importing is idempotent anyway, so even a repeat would write nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiohttp import ClientError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin_callbacks import AdminMenuCb, AdminSection, CourseFileAction, CourseFileCb
from bot.handlers.common import show
from bot.services.content.exporter import export_course
from bot.services.content.parse import parse_course
from bot.services.content.spec import CourseFileError
from bot.services.content.upload import (
    BoundedBuffer,
    FileRefused,
    Refusal,
    apply_course,
    check_declared,
    decode,
    preview_course,
    token_of,
)
from bot.texts import course_file as texts
from bot.views.admin import course_file as views

log = logging.getLogger(__name__)

PENDING = "course_file"
EXPORT_NAME = "course.yaml"
_REFUSALS = {
    Refusal.NOT_YAML: texts.NOT_YAML,
    Refusal.TOO_LARGE: texts.TOO_LARGE,
    Refusal.NOT_TEXT: texts.NOT_TEXT,
}


async def has_document(message: Message) -> bool:
    return message.document is not None


async def open_section(callback: CallbackQuery) -> None:
    await show(callback, views.section_screen())


async def receive_file(
    message: Message, state: FSMContext, session: AsyncSession, bot: Bot
) -> None:
    document = message.document
    assert document is not None and message.from_user is not None
    admin_id = message.from_user.id
    name = document.file_name or "?"
    try:
        check_declared(document.file_name, document.mime_type, document.file_size)
        buffer = BoundedBuffer()
        await bot.download(document, destination=buffer)
        text = decode(buffer.getvalue())
    except FileRefused as refused:
        log.info(
            "course file %r from admin %s refused: %s",
            name,
            admin_id,
            refused.refusal.value,
            extra={"user_id": admin_id},
        )
        await message.answer(str(_REFUSALS[refused.refusal]))
        return
    except (TelegramAPIError, ClientError, TimeoutError) as exc:
        # Telegram refused the file, or the download broke off: sending it again may work.
        log.warning("course file %r from admin %s not downloaded: %s", name, admin_id, exc)
        await message.answer(str(texts.DOWNLOAD_FAILED))
        return
    try:
        # A large file takes a while to parse: off the event loop, so others are not held up.
        modules = await asyncio.to_thread(parse_course, text)
    except CourseFileError as error:
        log.info(
            "course file %r from admin %s refused: %d problem(s)",
            name,
            admin_id,
            len(error.problems),
            extra={"user_id": admin_id},
        )
        await message.answer(views.problems_text(name, error.problems))
        return
    preview = await preview_course(session, modules)
    token = token_of(text)
    await state.update_data({PENDING: {"token": token, "name": name, "text": text}})
    log.info(
        "course file %r from admin %s previewed (%s), waiting for confirmation",
        name,
        admin_id,
        token,
        extra={"user_id": admin_id},
    )
    await show(message, views.preview_screen(name, preview, token))


async def _take_pending(state: FSMContext, token: str | None) -> dict[str, Any] | None:
    """The file this preview's button was shown for, removed from the admin's data; None when
    it is no longer pending (applied, cancelled, or replaced by a newer file)."""
    data = await state.get_data()
    pending = data.get(PENDING)
    if not isinstance(pending, dict) or pending.get("token") != token:
        return None
    del data[PENDING]
    await state.set_data(data)
    return pending


async def apply_file(
    callback: CallbackQuery,
    callback_data: CourseFileCb,
    state: FSMContext,
    session: AsyncSession,
    callback_answer: CallbackAnswer,
) -> None:
    pending = await _take_pending(state, callback_data.token)
    if pending is None:
        await _nothing_pending(callback, callback_answer)
        return
    publish = callback_data.action is CourseFileAction.PUBLISH
    try:
        modules = await asyncio.to_thread(parse_course, pending["text"])
        report = await apply_course(session, modules, publish=publish)
    except Exception:
        # Not applied (the database was out, say): the admin can still confirm it again.
        await state.update_data({PENDING: pending})
        raise
    log.info(
        "course file %r (%s) applied by admin %s%s: %s",
        pending["name"],
        pending["token"],
        callback.from_user.id,
        " and published" if publish else "",
        report.summary().replace("\n", "; "),
        extra={"user_id": callback.from_user.id},
    )
    await show(callback, views.applied_screen(pending["name"], report, published=publish))


async def cancel_file(
    callback: CallbackQuery,
    callback_data: CourseFileCb,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    if await _take_pending(state, callback_data.token) is None:
        await _nothing_pending(callback, callback_answer)
        return
    await show(callback, views.note_screen(str(texts.CANCELLED)))


async def _nothing_pending(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = str(texts.NOTHING_PENDING)
    if isinstance(callback.message, Message):
        # The preview's buttons do nothing any more: they must not look as if they did.
        await callback.message.edit_reply_markup(reply_markup=None)


async def export(event: Message | CallbackQuery, session: AsyncSession, bot: Bot) -> None:
    text = await export_course(session)
    chat_id = event.from_user.id if event.from_user is not None else None
    assert chat_id is not None
    if not text.strip():
        await bot.send_message(chat_id, str(texts.COURSE_EMPTY))
        return
    log.info("course exported for admin %s", chat_id, extra={"user_id": chat_id})
    await bot.send_document(
        chat_id,
        BufferedInputFile(text.encode("utf-8"), filename=EXPORT_NAME),
        caption=str(texts.EXPORT_CAPTION),
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(
        open_section, AdminMenuCb.filter(F.section == AdminSection.COURSE_FILE)
    )
    router.message.register(receive_file, has_document)
    router.message.register(export, Command("export"))
    router.callback_query.register(export, CourseFileCb.filter(F.action == CourseFileAction.EXPORT))
    router.callback_query.register(
        apply_file,
        CourseFileCb.filter(F.action.in_({CourseFileAction.APPLY, CourseFileAction.PUBLISH})),
    )
    router.callback_query.register(
        cancel_file, CourseFileCb.filter(F.action == CourseFileAction.CANCEL)
    )
    return router
