"""An admin's pushes to learners: a copy of their message, a text, or a lesson announcement,
queued in the outbox (a broadcast and one delivery per active learner) for the sender to
drain; the recent broadcasts with how far each got; cancelling one that is still going out.

Recipients are the learners who have not blocked the bot, an admin among them when they are one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Context
from bot.services.errors import DomainError
from bot.services.unit_of_work import read_only, unit_of_work
from db.enums import BroadcastKind, BroadcastStatus
from db.repositories.broadcasts import enqueue, overview
from db.repositories.broadcasts.overview import Audience, BroadcastSummary, DeliveryCounts

__all__ = [
    "Audience",
    "BroadcastError",
    "BroadcastOver",
    "BroadcastSummary",
    "Cancelled",
    "DeliveryCounts",
    "LessonNotAnnounceable",
    "LessonToAnnounce",
    "NoRecipients",
    "Queued",
    "UnknownBroadcast",
    "announce_lesson",
    "cancel",
    "count_recipients",
    "going_out",
    "lesson_to_announce",
    "push_copy",
    "push_text",
    "recent",
]

RECENT_LIMIT = 10
# A copy is made from its source message; its text is only what /broadcasts calls it by.
PREVIEW_LIMIT = 100


class BroadcastError(DomainError):
    """An admin's push or cancel that cannot be carried out; nothing was changed."""


class NoRecipients(BroadcastError):
    """No learner is active: there is nobody to send it to."""


class LessonNotAnnounceable(BroadcastError):
    """The lesson is not one learners can open (unpublished, or deleted)."""

    def __init__(self, lesson_id: int, *, deleted: bool) -> None:
        super().__init__(lesson_id)
        self.lesson_id = lesson_id
        self.deleted = deleted


class UnknownBroadcast(BroadcastError):
    def __init__(self, broadcast_id: int) -> None:
        super().__init__(broadcast_id)
        self.broadcast_id = broadcast_id


class BroadcastOver(BroadcastError):
    """The broadcast already finished or was cancelled: there is nothing left to cancel."""

    def __init__(self, broadcast_id: int, status: BroadcastStatus) -> None:
        super().__init__(broadcast_id, status)
        self.broadcast_id = broadcast_id
        self.status = status


@dataclass(frozen=True, slots=True)
class Queued:
    broadcast_id: int
    # Deliveries created: the learners active when it was queued.
    recipients: int


@dataclass(frozen=True, slots=True)
class LessonToAnnounce:
    lesson_id: int
    title: str
    module_title: str
    audience: Audience


@dataclass(frozen=True, slots=True)
class Cancelled:
    broadcast_id: int
    # Deliveries that will now not be sent (those being sent at that moment still go out).
    deliveries: int


@read_only
async def count_recipients(session: AsyncSession, admin_id: int) -> Audience:
    """Who a push by `admin_id` (a Telegram id) would reach now."""
    return await overview.audience(session, admin_id)


@unit_of_work
async def push_copy(
    session: AsyncSession,
    ctx: Context,
    admin_id: int,
    chat_id: int,
    message_id: int,
    preview: str = "",
) -> Queued:
    """Queue a copy of message `message_id` of chat `chat_id` for every active learner.
    NoRecipients (and nothing written) when there is none."""
    broadcast_id = await enqueue.create_broadcast(
        session,
        kind=BroadcastKind.COPY,
        text=preview[:PREVIEW_LIMIT],
        created_by=admin_id,
        source_chat_id=chat_id,
        source_message_id=message_id,
        now=ctx.clock.now(),
    )
    return await _to_active_learners(session, broadcast_id)


@unit_of_work
async def push_text(session: AsyncSession, ctx: Context, admin_id: int, text: str) -> Queued:
    """Queue `text` (plain text, as the admin wrote it) for every active learner. NoRecipients
    (and nothing written) when there is none."""
    broadcast_id = await enqueue.create_broadcast(
        session, kind=BroadcastKind.TEXT, text=text, created_by=admin_id, now=ctx.clock.now()
    )
    return await _to_active_learners(session, broadcast_id)


@read_only
async def lesson_to_announce(
    session: AsyncSession, admin_id: int, lesson_id: int
) -> LessonToAnnounce:
    """What an announcement of the lesson would say and reach; LessonNotAnnounceable when
    learners cannot open it."""
    lesson = await _announceable(session, lesson_id)
    audience = await overview.audience(session, admin_id)
    return LessonToAnnounce(lesson_id, lesson.title, lesson.module_title, audience)


@unit_of_work
async def announce_lesson(
    session: AsyncSession, ctx: Context, admin_id: int, lesson_id: int
) -> Queued:
    """Queue an announcement of the lesson for every active learner. Its text is the lesson's
    title alone: each learner's message around it is written in their own language when it is
    sent."""
    lesson = await _announceable(session, lesson_id)
    broadcast_id = await enqueue.create_broadcast(
        session,
        kind=BroadcastKind.LESSON,
        text=lesson.title,
        created_by=admin_id,
        lesson_id=lesson_id,
        now=ctx.clock.now(),
    )
    return await _to_active_learners(session, broadcast_id)


@read_only
async def recent(session: AsyncSession, limit: int = RECENT_LIMIT) -> list[BroadcastSummary]:
    """The latest broadcasts, newest first, each with its deliveries counted by status."""
    return await overview.recent(session, limit)


@read_only
async def going_out(session: AsyncSession) -> int:
    """How many broadcasts are still going out (queued, or being sent)."""
    return await overview.live(session)


@unit_of_work
async def cancel(session: AsyncSession, ctx: Context, broadcast_id: int) -> Cancelled:
    """Stop a pending or sending broadcast: its deliveries not yet claimed by a sender are
    cancelled; those being sent finish. BroadcastOver when it already finished or was
    cancelled, UnknownBroadcast when there is no such broadcast."""
    # The broadcast first: on MySQL its row lock orders this cancel against another one and
    # against a sender finishing it, so exactly one of them wins.
    if not await overview.cancel_broadcast(session, broadcast_id, now=ctx.clock.now()):
        status = await overview.status_of(session, broadcast_id)
        if status is None:
            raise UnknownBroadcast(broadcast_id)
        raise BroadcastOver(broadcast_id, status)
    return Cancelled(broadcast_id, await overview.cancel_pending_deliveries(session, broadcast_id))


async def _announceable(session: AsyncSession, lesson_id: int) -> overview.LessonState:
    lesson = await overview.lesson_state(session, lesson_id)
    if lesson is None or not lesson.visible:
        raise LessonNotAnnounceable(lesson_id, deleted=lesson is None or lesson.deleted)
    return lesson


async def _to_active_learners(session: AsyncSession, broadcast_id: int) -> Queued:
    recipients = await enqueue.add_deliveries(session, broadcast_id, enqueue.ACTIVE_LEARNERS)
    if not recipients:
        # Raising rolls the unit back: the broadcast row goes too, so nothing is written.
        raise NoRecipients
    return Queued(broadcast_id, recipients)
