"""The background side of a course file's upload: checking a sent file (download, then the
service's preview) and applying a confirmed one, each in its own time budget, reporting in one
message edited as the work goes. The use case itself is the service's
(bot.services.content.upload); here is what Telegram and the admin's FSM data need.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from aiogram import Dispatcher
from aiogram.fsm.context import FSMContext
from aiogram.types import Document
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as common_texts
from bot.handlers.admin.job_message import TELEGRAM_FAILURES, JobMessage
from bot.services.content import upload
from bot.services.content.spec import CourseFileError
from bot.services.content.upload import BoundedBuffer, FileRefused, PendingFile, Refusal
from bot.services.context import Context
from bot.serving.background import REPLACED, SHUTDOWN
from bot.texts import course_file as texts
from bot.texts import outage
from bot.views.admin import course_file as views
from bot.views.screen import Screen
from db.health import is_unavailable

log = logging.getLogger(__name__)

PENDING = "course_file"
# How often a progress message may be edited: Telegram limits edits per chat.
PROGRESS_SECONDS = 2.0
# What checking or applying one file may take here (the service's estimate; tests shorten it).
BUDGET_SECONDS = upload.BUDGET_SECONDS
REFUSALS = {
    Refusal.NOT_YAML: texts.NOT_YAML,
    Refusal.TOO_LARGE: texts.TOO_LARGE,
    Refusal.NOT_TEXT: texts.NOT_TEXT,
}


@dataclass
class Job:
    """One file's work in the background: its message, and what it needs outside the update
    that started it."""

    message: JobMessage
    admin_id: int
    name: str
    state: FSMContext
    dispatcher: Dispatcher
    sessionmaker: async_sessionmaker[AsyncSession]
    progress: upload.UploadProgress = field(default_factory=upload.UploadProgress)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[AsyncSession]:
        """A session for the work, within its time budget, its progress shown as it goes."""
        name = views.clip_name(self.name)

        def render() -> Screen:
            return views.progress_screen(name, self.progress)

        async with (
            asyncio.timeout(BUDGET_SECONDS),
            self.message.ticking(render, PROGRESS_SECONDS),
            self.sessionmaker() as session,
        ):
            yield session

    @contextlib.asynccontextmanager
    async def isolated(self) -> AsyncIterator[None]:
        """The admin's event-isolation lock, for one write to their FSM data: a handler of
        theirs running meanwhile could otherwise write over it (or it over theirs)."""
        async with self.dispatcher.fsm.events_isolation.lock(self.state.key):
            yield

    def log_info(self, what: str, *args: object) -> None:
        log.info(
            "course file %r from admin %s " + what,
            self.name,
            self.admin_id,
            *args,
            extra={"user_id": self.admin_id},
        )


async def check(job: Job, document: Document) -> None:
    """Download and preview the file, then keep it pending and show the preview."""
    name = views.clip_name(job.name)
    try:
        async with job.running() as session:
            data = await _download(job, document)
            if data is None:
                return
            checked = await upload.preview_upload(session, job.name, data, job.progress)
    except FileRefused as refused:
        job.log_info("refused: %s", refused.refusal.value)
        await job.message.tell(views.text_screen(str(REFUSALS[refused.refusal])))
        return
    except CourseFileError as error:
        job.log_info("refused: %d problem(s)", len(error.problems))
        await job.message.tell(views.text_screen(views.problems_text(job.name, error.problems)))
        return
    except TimeoutError:
        log.warning("course file %r not checked within %.0f s", job.name, BUDGET_SECONDS)
        await job.message.tell(views.text_screen(texts.too_big_to_check(name)))
        return
    except asyncio.CancelledError as cancel:
        why = cancel.args[0] if cancel.args else SHUTDOWN
        said = str(texts.REPLACED) if why == REPLACED else texts.check_interrupted(name)
        await job.message.tell(views.text_screen(said))
        raise
    except Exception as exc:
        await _tell_failure(job, exc, "checked")
        return
    pending = checked.pending
    async with job.isolated():
        await job.state.update_data({PENDING: pending.as_data()})
    job.log_info("previewed (%s), waiting for confirmation", pending.token)
    await job.message.show(views.preview_screen(job.name, checked.preview, pending.token))


async def _download(job: Job, document: Document) -> bytes | None:
    """The file's bytes (FileRefused past MAX_BYTES), or None when Telegram did not give
    them, the admin told so."""
    try:
        buffer = BoundedBuffer()
        await job.message.bot.download(document, destination=buffer)
        return buffer.getvalue()
    except TELEGRAM_FAILURES as exc:
        # Telegram refused the file, or the download broke off: sending it again may work.
        # (The job's budget running out is a cancellation here, not a TimeoutError.)
        log.warning("course file %r from admin %s not downloaded: %s", job.name, job.admin_id, exc)
        await job.message.tell(views.text_screen(str(texts.DOWNLOAD_FAILED)))
        return None


async def _tell_failure(job: Job, exc: Exception, what: str, failure: Screen | None = None) -> None:
    """`failure`: what to say of a bug (the generic error by default); an outage is said as
    everywhere else, with `failure`'s buttons."""
    markup = failure.markup if failure is not None else None
    if is_unavailable(exc):
        # Logged once by the database's health tracker; the admin may simply try again.
        log.info("course file %r not %s: database unavailable", job.name, what)
        await job.message.tell(Screen(str(outage.DATABASE_UNAVAILABLE), markup))
        return
    log.error("course file %r from admin %s not %s", job.name, job.admin_id, what, exc_info=exc)
    await job.message.tell(failure or views.text_screen(str(common_texts.ERROR)))


async def apply(job: Job, pending: PendingFile, publish: bool, context: Context) -> None:
    name = views.clip_name(job.name)
    try:
        async with job.running() as session:
            report = await upload.apply_upload(
                session, context, pending, publish=publish, progress=job.progress
            )
    except BaseException as exc:
        # Not applied (all or nothing): the admin can still confirm it again.
        await _put_back(job, pending)
        again = views.preview_buttons(pending.token)
        if isinstance(exc, TimeoutError):
            log.warning("course file %r not applied within %.0f s", job.name, BUDGET_SECONDS)
            await job.message.tell(Screen(texts.too_big_to_apply(name), again))
        elif isinstance(exc, asyncio.CancelledError):
            await job.message.tell(Screen(texts.apply_interrupted(name), again))
            raise
        elif isinstance(exc, Exception):
            failure = texts.apply_failed(name)
            await _tell_failure(job, exc, "applied", Screen(failure, again))
        else:
            raise
        return
    summary = report.summary().replace("\n", "; ")
    published = " and published" if publish else ""
    job.log_info("(%s) applied%s: %s", pending.token, published, summary)
    await job.message.show(views.applied_screen(job.name, report, published=publish))


async def take_pending(state: FSMContext, token: str | None) -> PendingFile | None:
    """The file this preview's button was shown for, removed from the admin's data; None when
    it is no longer pending (applied, cancelled, or replaced by a newer file)."""
    data = await state.get_data()
    pending = PendingFile.from_data(data.get(PENDING))
    if pending is None or pending.token != token:
        return None
    del data[PENDING]
    await state.set_data(data)
    return pending


async def _put_back(job: Job, pending: PendingFile) -> None:
    try:
        async with job.isolated():
            data = await job.state.get_data()
            if data.get(PENDING) is None:
                await job.state.update_data({PENDING: pending.as_data()})
    except Exception as exc:
        # Redis gone too: the admin sends the file again.
        log.warning("course file %r could not be kept pending: %s", job.name, exc)
