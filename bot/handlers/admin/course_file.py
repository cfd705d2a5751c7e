"""The course file section: an admin sends a course file to import it (checked, previewed,
then applied on Confirm), and /export (or the section's Export) sends the course as one.

The use case is the service's (bot.services.content.upload: preview_upload, apply_upload);
here are Telegram's side of it: the download, the messages, and where the work runs. Checking
a file and applying it take seconds for a big one, so neither runs in the update: the handler
answers with a progress message and returns, and the work runs as a background task
(bot.serving.background) with its own time budget, editing that message as it goes. The
admin's event-isolation lock is held only by the short handlers and by the task's one write to
the admin's FSM data; learners and the admin's other updates are never queued behind a file.

The pending file (upload.PendingFile, its text included) is kept in the admin's FSM data
between the preview and Confirm: it is at most 1 MB, lives in Redis when REDIS_URL is set (so
a restart between the two loses nothing), and Confirm then applies exactly the bytes that were
previewed, with no second download from Telegram that could fail or be slow. Confirm takes it
out of the data before applying (in its update, under the admin's isolation lock with Redis;
in memory nothing yields between the read and the removal): a second (or stale) Confirm finds
nothing pending. An apply that fails or is cut off puts it back, unless a newer file is
pending by then. Importing is idempotent anyway, so even a repeat would write nothing.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks.admin import AdminMenuCb, AdminSection, CourseFileAction, CourseFileCb
from bot.handlers.admin import course_file_jobs as jobs
from bot.handlers.admin.job_message import JobMessage
from bot.handlers.common import show
from bot.services.content import upload
from bot.services.content.exporter import export_course
from bot.services.content.upload import FileRefused
from bot.services.context import Context
from bot.serving.background import BackgroundTasks
from bot.texts import course_file as texts
from bot.views.admin import course_file as views

log = logging.getLogger(__name__)
EXPORT_NAME = "course.yaml"


async def has_document(message: Message) -> bool:
    return message.document is not None


async def open_section(callback: CallbackQuery) -> None:
    await show(callback, views.section_screen())


async def receive_file(
    message: Message,
    state: FSMContext,
    bot: Bot,
    dispatcher: Dispatcher,
    background: BackgroundTasks,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    document = message.document
    assert document is not None and message.from_user is not None
    admin_id = message.from_user.id
    name = document.file_name or "?"
    try:
        upload.check_declared(document.file_name, document.mime_type, document.file_size)
    except FileRefused as refused:
        log.info(
            "course file %r from admin %s refused: %s",
            name,
            admin_id,
            refused.refusal.value,
            extra={"user_id": admin_id},
        )
        await message.answer(str(jobs.REFUSALS[refused.refusal]))
        return
    sent = await message.answer(texts.checking(views.clip_name(name)))
    reporter = JobMessage(bot, message.chat.id, sent.message_id, f"course file {name!r}")
    job = jobs.Job(reporter, admin_id, name, state, dispatcher, sessionmaker)
    background.start(("course file", admin_id), jobs.check(job, document))


async def apply_file(
    callback: CallbackQuery,
    callback_data: CourseFileCb,
    state: FSMContext,
    callback_answer: CallbackAnswer,
    bot: Bot,
    dispatcher: Dispatcher,
    background: BackgroundTasks,
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
) -> None:
    pending = await jobs.take_pending(state, callback_data.token)
    if pending is None:
        await _nothing_pending(callback, callback_answer)
        return
    publish = callback_data.action is CourseFileAction.PUBLISH
    started = texts.applying_progress(views.clip_name(pending.name), 0, pending.modules)
    message = callback.message
    if isinstance(message, Message):
        chat_id, message_id = message.chat.id, message.message_id
    else:
        # Too old for Telegram to include: the progress goes to a new message.
        sent = await bot.send_message(callback.from_user.id, started)
        chat_id, message_id = sent.chat.id, sent.message_id
    admin_id = callback.from_user.id
    reporter = JobMessage(bot, chat_id, message_id, f"course file {pending.name!r}")
    job = jobs.Job(reporter, admin_id, pending.name, state, dispatcher, sessionmaker)
    if isinstance(message, Message):
        await job.message.tell(views.text_screen(started))
    background.start(("course file apply", admin_id), jobs.apply(job, pending, publish, context))


async def cancel_file(
    callback: CallbackQuery,
    callback_data: CourseFileCb,
    state: FSMContext,
    callback_answer: CallbackAnswer,
) -> None:
    if await jobs.take_pending(state, callback_data.token) is None:
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
