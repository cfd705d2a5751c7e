"""The course file section: an admin sends a course file to import it (checked, previewed,
then applied on Confirm), and /export (or the section's Export) sends the course as one.

Checking a file (download, reading, the preview) and applying it take seconds for a big one,
so neither runs in the update: the handler answers with a progress message and returns, and
the work runs as a background task (bot.serving.background) with its own time budget, editing that
message as it goes. The admin's event-isolation lock is held only by the short handlers and
by the task's one write to the admin's FSM data; learners and the admin's other updates are
never queued behind a file.

The pending file's text is kept in the admin's FSM data between the preview and Confirm: it is
at most 1 MB, lives in Redis when REDIS_URL is set (so a restart between the two loses
nothing), and Confirm then applies exactly the bytes that were previewed, with no second
download from Telegram that could fail or be slow. Confirm takes it out of the data before
applying (in its update, under the admin's isolation lock with Redis; in memory nothing
yields between the read and the removal): a second (or stale) Confirm finds nothing pending.
An apply that fails or is cut off puts it back, unless a newer file is pending by then.
Importing is idempotent anyway, so even a repeat would write nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Document, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiohttp import ClientError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as common_texts
from bot.callbacks.admin import AdminMenuCb, AdminSection, CourseFileAction, CourseFileCb
from bot.handlers.common import show
from bot.services.content.exporter import export_course
from bot.services.content.parse import parse_course
from bot.services.content.spec import CourseFileError
from bot.services.content.upload import (
    BUDGET_SECONDS,
    BoundedBuffer,
    FileRefused,
    Refusal,
    apply_course,
    check_declared,
    decode,
    preview_course,
    token_of,
)
from bot.serving.background import REPLACED, SHUTDOWN, BackgroundTasks
from bot.texts import course_file as texts
from bot.texts import outage
from bot.views.admin import course_file as views
from bot.views.screen import Screen
from db.health import is_unavailable

log = logging.getLogger(__name__)

PENDING = "course_file"
EXPORT_NAME = "course.yaml"
# How often a progress message may be edited: Telegram limits edits per chat.
PROGRESS_SECONDS = 2.0
_REFUSALS = {
    Refusal.NOT_YAML: texts.NOT_YAML,
    Refusal.TOO_LARGE: texts.TOO_LARGE,
    Refusal.NOT_TEXT: texts.NOT_TEXT,
}


async def has_document(message: Message) -> bool:
    return message.document is not None


async def open_section(callback: CallbackQuery) -> None:
    await show(callback, views.section_screen())


@dataclass
class _Job:
    """One file's work in the background: where it reports, and what it needs outside the
    update that started it."""

    bot: Bot
    chat_id: int
    message_id: int
    admin_id: int
    name: str
    state: FSMContext
    dispatcher: Dispatcher
    sessionmaker: async_sessionmaker[AsyncSession]

    async def show(self, screen: Screen) -> None:
        """Edit the job's message; a fresh one when it cannot be edited (deleted, say)."""
        try:
            await self.bot.edit_message_text(
                screen.text,
                chat_id=self.chat_id,
                message_id=self.message_id,
                reply_markup=screen.markup,
            )
            return
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                return
            log.debug("could not edit message %s: %s", self.message_id, exc.message)
        sent = await self.bot.send_message(self.chat_id, screen.text, reply_markup=screen.markup)
        self.message_id = sent.message_id

    async def tell(self, screen: Screen) -> None:
        """Last words of a job that failed or was stopped: Telegram may be what failed."""
        try:
            await self.show(screen)
        except (TelegramAPIError, ClientError, TimeoutError) as exc:
            log.info("could not tell admin %s about %r: %s", self.admin_id, self.name, exc)

    @contextlib.asynccontextmanager
    async def isolated(self) -> AsyncIterator[None]:
        """The admin's event-isolation lock, for one write to their FSM data: a handler of
        theirs running meanwhile could otherwise write over it (or it over theirs)."""
        async with self.dispatcher.fsm.events_isolation.lock(self.state.key):
            yield


class _Progress:
    """What a job has done so far; a ticker shows it every PROGRESS_SECONDS. Counters may be
    set from the worker thread that reads the file."""

    def __init__(self, job: _Job, render: Callable[[int, int], str]) -> None:
        self.job = job
        self.render = render
        self.done = 0
        self.total = 0

    def set_done(self, done: int) -> None:
        self.done = done

    @contextlib.asynccontextmanager
    async def shown(self) -> AsyncIterator[None]:
        ticker = asyncio.create_task(self._tick())
        try:
            yield
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker

    async def _tick(self) -> None:
        shown = None
        while True:
            await asyncio.sleep(PROGRESS_SECONDS)
            text = self.render(self.done, self.total)
            if text == shown:
                continue
            try:
                await self.job.show(views.text_screen(text))
            except (TelegramAPIError, ClientError, TimeoutError) as exc:
                # Only progress: the result is shown (or reported) whatever happened here.
                log.debug("progress of %r not shown: %s", self.job.name, exc)
            shown = text


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
        check_declared(document.file_name, document.mime_type, document.file_size)
    except FileRefused as refused:
        _log_refusal(name, admin_id, refused)
        await message.answer(str(_REFUSALS[refused.refusal]))
        return
    sent = await message.answer(texts.checking(views.clip_name(name)))
    job = _Job(
        bot, message.chat.id, sent.message_id, admin_id, name, state, dispatcher, sessionmaker
    )
    background.start(("course file", admin_id), _check(job, document))


def _log_refusal(name: str, admin_id: int, refused: FileRefused) -> None:
    log.info(
        "course file %r from admin %s refused: %s",
        name,
        admin_id,
        refused.refusal.value,
        extra={"user_id": admin_id},
    )


async def _check(job: _Job, document: Document) -> None:
    """Download, read and preview the file, then keep it pending and show the preview."""
    name = views.clip_name(job.name)
    progress = _Progress(
        job,
        lambda done, total: (
            texts.checking_progress(name, done, total)
            if total
            else texts.reading_progress(name, done)
        ),
    )
    try:
        async with asyncio.timeout(BUDGET_SECONDS), progress.shown():
            text = await _download(job, document)
            # Off the event loop: reading 1 MB takes a second or two. A thread cannot be
            # cancelled, but reading is bounded (yaml_reader) and ends by itself.
            modules = await asyncio.to_thread(parse_course, text, progress.set_done)
            progress.done, progress.total = 0, len(modules)
            async with job.sessionmaker() as session:
                preview = await preview_course(session, modules, progress.set_done)
    except _Answered:
        return
    except CourseFileError as error:
        log.info(
            "course file %r from admin %s refused: %d problem(s)",
            job.name,
            job.admin_id,
            len(error.problems),
            extra={"user_id": job.admin_id},
        )
        await job.tell(views.text_screen(views.problems_text(job.name, error.problems)))
        return
    except TimeoutError:
        log.warning(
            "course file %r from admin %s not checked within %.0f s",
            job.name,
            job.admin_id,
            BUDGET_SECONDS,
            extra={"user_id": job.admin_id},
        )
        await job.tell(views.text_screen(texts.too_big_to_check(name)))
        return
    except asyncio.CancelledError as cancel:
        why = cancel.args[0] if cancel.args else SHUTDOWN
        said = str(texts.REPLACED) if why == REPLACED else texts.check_interrupted(name)
        await job.tell(views.text_screen(said))
        raise
    except Exception as exc:
        await _tell_failure(job, exc, "checked")
        return
    token = token_of(text)
    async with job.isolated():
        await job.state.update_data(
            {
                PENDING: {
                    "token": token,
                    "name": job.name,
                    "text": text,
                    "modules": len(modules),
                }
            }
        )
    log.info(
        "course file %r from admin %s previewed (%s), waiting for confirmation",
        job.name,
        job.admin_id,
        token,
        extra={"user_id": job.admin_id},
    )
    await job.show(views.preview_screen(job.name, preview, token))


class _Answered(Exception):
    """The job already told the admin why it stopped."""


async def _download(job: _Job, document: Document) -> str:
    try:
        buffer = BoundedBuffer()
        await job.bot.download(document, destination=buffer)
        return decode(buffer.getvalue())
    except FileRefused as refused:
        _log_refusal(job.name, job.admin_id, refused)
        await job.tell(views.text_screen(str(_REFUSALS[refused.refusal])))
    except (TelegramAPIError, ClientError, TimeoutError) as exc:
        # Telegram refused the file, or the download broke off: sending it again may work.
        # (The job's budget running out is a cancellation here, not a TimeoutError.)
        log.warning("course file %r from admin %s not downloaded: %s", job.name, job.admin_id, exc)
        await job.tell(views.text_screen(str(texts.DOWNLOAD_FAILED)))
    raise _Answered


async def _tell_failure(
    job: _Job, exc: Exception, what: str, failure: Screen | None = None
) -> None:
    """`failure`: what to say of a bug (the generic error by default); an outage is said as
    everywhere else, with `failure`'s buttons."""
    markup = failure.markup if failure is not None else None
    if is_unavailable(exc):
        # Logged once by the database's health tracker; the admin may simply try again.
        log.info("course file %r not %s: database unavailable", job.name, what)
        await job.tell(Screen(str(outage.DATABASE_UNAVAILABLE), markup))
        return
    log.error("course file %r from admin %s not %s", job.name, job.admin_id, what, exc_info=exc)
    await job.tell(failure or views.text_screen(str(common_texts.ERROR)))


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
    callback_answer: CallbackAnswer,
    bot: Bot,
    dispatcher: Dispatcher,
    background: BackgroundTasks,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    pending = await _take_pending(state, callback_data.token)
    if pending is None:
        await _nothing_pending(callback, callback_answer)
        return
    publish = callback_data.action is CourseFileAction.PUBLISH
    name = views.clip_name(pending["name"])
    total = int(pending.get("modules", 0))
    started = texts.applying_progress(name, 0, total)
    message = callback.message
    if isinstance(message, Message):
        chat_id, message_id = message.chat.id, message.message_id
    else:
        # Too old for Telegram to include: the progress goes to a new message.
        sent = await bot.send_message(callback.from_user.id, started)
        chat_id, message_id = sent.chat.id, sent.message_id
    admin_id = callback.from_user.id
    job = _Job(bot, chat_id, message_id, admin_id, pending["name"], state, dispatcher, sessionmaker)
    if isinstance(message, Message):
        await job.tell(views.text_screen(started))
    background.start(("course file apply", callback.from_user.id), _apply(job, pending, publish))


async def _apply(job: _Job, pending: dict[str, Any], publish: bool) -> None:
    name = views.clip_name(job.name)
    progress = _Progress(job, lambda done, total: texts.applying_progress(name, done, total))
    progress.total = int(pending.get("modules", 0))
    try:
        async with asyncio.timeout(BUDGET_SECONDS), progress.shown():
            modules = await asyncio.to_thread(parse_course, pending["text"])
            progress.total = len(modules)
            async with job.sessionmaker() as session:
                report = await apply_course(
                    session, modules, publish=publish, progress=progress.set_done
                )
    except BaseException as exc:
        # Not applied (all or nothing): the admin can still confirm it again.
        await _put_back(job, pending)
        again = views.preview_buttons(pending["token"])
        if isinstance(exc, TimeoutError):
            log.warning("course file %r not applied within %.0f s", job.name, BUDGET_SECONDS)
            await job.tell(Screen(texts.too_big_to_apply(name), again))
        elif isinstance(exc, asyncio.CancelledError):
            await job.tell(Screen(texts.apply_interrupted(name), again))
            raise
        elif isinstance(exc, Exception):
            failure = texts.apply_failed(name)
            await _tell_failure(job, exc, "applied", Screen(failure, again))
        else:
            raise
        return
    log.info(
        "course file %r (%s) applied by admin %s%s: %s",
        job.name,
        pending["token"],
        job.admin_id,
        " and published" if publish else "",
        report.summary().replace("\n", "; "),
        extra={"user_id": job.admin_id},
    )
    await job.show(views.applied_screen(job.name, report, published=publish))


async def _put_back(job: _Job, pending: dict[str, Any]) -> None:
    try:
        async with job.isolated():
            data = await job.state.get_data()
            if data.get(PENDING) is None:
                await job.state.update_data({PENDING: pending})
    except Exception as exc:
        # Redis gone too: the admin sends the file again.
        log.warning("course file %r could not be kept pending: %s", job.name, exc)


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
