"""/broadcast, "Announce to learners" and /broadcasts: an admin pushes a copy of their message,
the text after /broadcast, or a lesson to every active learner, after confirming, and follows
(or cancels) what was queued.

The sender drains what is queued here; these handlers only write the outbox.

A confirmation's Send works once: the push it offers is held in the chat's FSM data until it is
sent or dropped, and its button must match it. The second press of a double tap finds it gone,
and so does an older confirmation's button. Taking it is one get and one set of the FSM data:
in memory nothing runs between the two; with Redis each chat's updates take turns (the event
isolation lock; should Redis fail to give that lock, two presses in that moment could both
find it). It is taken before the push is written, so a push that fails is not sent twice: the
admin asks again.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, ExceptionTypeFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, Message, ReplyParameters
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts.nudge import OutboxNudge
from bot.callbacks.admin import (
    AdminMenuCb,
    AdminSection,
    AnnounceLessonCb,
    BroadcastCancelCb,
    BroadcastListCb,
    PushConfirmCb,
    PushKind,
)
from bot.handlers.common import show
from bot.handlers.filters import copyable
from bot.services.broadcasts import pushes
from bot.services.broadcasts.pushes import (
    BroadcastError,
    BroadcastOver,
    LessonNotAnnounceable,
    NoRecipients,
    Queued,
    UnknownBroadcast,
)
from bot.services.context import Context
from bot.services.learners import Learner
from bot.texts import broadcasts as t
from bot.views.admin import broadcasts as views
from bot.views.screen import Screen

log = logging.getLogger(__name__)

# The FSM data key of the push awaiting the admin's yes or no: {"kind": ..., "ref": ...}.
PENDING = "pending_push"


async def _hold(state: FSMContext, kind: PushKind, ref: int, **details: Any) -> None:
    """Make this the push the chat's Send button answers (a newer one replaces it)."""
    await state.update_data({PENDING: {"kind": kind.value, "ref": ref, **details}})


async def _take(state: FSMContext, kind: PushKind, ref: int) -> dict[str, Any] | None:
    """Take the held push if it is this one. No await may suspend between the read and the
    write (see the module's note)."""
    data = await state.get_data()
    held = data.get(PENDING)
    if not isinstance(held, dict) or (held.get("kind"), held.get("ref")) != (kind.value, ref):
        return None
    del data[PENDING]
    await state.set_data(data)
    return held


async def ask_broadcast(
    message: Message, command: CommandObject, state: FSMContext, session: AsyncSession
) -> None:
    """`/broadcast <text>` offers that text; `/broadcast` in reply to a message, a copy of it."""
    if command.args and command.args.strip():
        await ask_text(message, command.args.strip(), state, session)
    else:
        await ask_copy(message, state, session)


async def ask_text(message: Message, text: str, state: FSMContext, session: AsyncSession) -> None:
    assert message.from_user is not None
    audience = await pushes.count_recipients(session, message.from_user.id)
    if not audience.learners:
        await message.answer(str(t.NO_RECIPIENTS))
        return
    await _hold(state, PushKind.TEXT, message.message_id, text=text)
    screen = views.confirm_text_screen(audience, message.message_id, text)
    await message.answer(screen.text, reply_markup=screen.markup)


async def ask_copy(message: Message, state: FSMContext, session: AsyncSession) -> None:
    assert message.from_user is not None
    source = message.reply_to_message
    if source is None:
        await message.answer(str(t.HOW_TO))
        return
    if source.from_user is None or source.from_user.id != message.from_user.id:
        await message.answer(str(t.NOT_YOUR_MESSAGE))
        return
    if not await copyable(source):
        await message.answer(str(t.CANNOT_COPY))
        return
    audience = await pushes.count_recipients(session, message.from_user.id)
    if not audience.learners:
        await message.answer(str(t.NO_RECIPIENTS))
        return
    # Its text, cut short, is what /broadcasts will call it by.
    preview = (source.text or source.caption or "")[: pushes.PREVIEW_LIMIT]
    await _hold(state, PushKind.COPY, source.message_id, chat=message.chat.id, preview=preview)
    screen = views.confirm_copy_screen(audience, source.message_id)
    # Said as a reply to the message it would send, so the admin sees which one.
    await message.answer(
        screen.text,
        reply_markup=screen.markup,
        reply_parameters=ReplyParameters(
            message_id=source.message_id, allow_sending_without_reply=True
        ),
    )


async def ask_announce(
    callback: CallbackQuery,
    callback_data: AnnounceLessonCb,
    state: FSMContext,
    session: AsyncSession,
) -> None:
    lesson_id = callback_data.lesson_id
    lesson = await pushes.lesson_to_announce(session, callback.from_user.id, lesson_id)
    if not lesson.audience.learners:
        await _say(callback, views.after_push_screen(str(t.NO_RECIPIENTS)))
        return
    await _hold(state, PushKind.LESSON, lesson_id)
    # A message of its own: the screen the button was on (the published lesson) stays.
    await _say(callback, views.confirm_lesson_screen(lesson))


async def confirm(
    callback: CallbackQuery,
    callback_data: PushConfirmCb,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    outbox_nudge: OutboxNudge,
    context: Context,
) -> None:
    kind, ref = callback_data.kind, callback_data.ref
    held = await _take(state, kind, ref)
    if held is None:
        callback_answer.text = str(t.CONFIRMATION_STALE)
        callback_answer.show_alert = True
        return
    if not callback_data.send:
        await show(callback, views.after_push_screen(str(t.DROPPED)))
        return
    admin_id = callback.from_user.id
    if kind is PushKind.COPY:
        queued = await pushes.push_copy(
            session, context, admin_id, int(held["chat"]), ref, preview=str(held.get("preview", ""))
        )
    elif kind is PushKind.TEXT:
        queued = await pushes.push_text(session, context, admin_id, str(held["text"]))
    else:
        queued = await pushes.announce_lesson(session, context, admin_id, ref)
    _queued(queued, kind, admin_id, outbox_nudge)
    await show(callback, views.queued_screen(queued))


def _queued(queued: Queued, kind: PushKind, admin_id: int, nudge: OutboxNudge) -> None:
    """Everything a new broadcast sets off happens here: this process's sender starts on it at
    once (another process's finds it in the outbox at its next look)."""
    nudge.set()
    log.info(
        "broadcast %s (%s) queued by admin %s for %s recipients",
        queued.broadcast_id,
        kind.name.lower(),
        admin_id,
        queued.recipients,
        extra={"user_id": admin_id},
    )


async def list_broadcasts(
    event: Message | CallbackQuery, session: AsyncSession, learner: Learner
) -> None:
    summaries = await pushes.recent(session)
    await show(event, views.broadcasts_screen(summaries, learner.zone))


async def refresh(
    callback: CallbackQuery,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    learner: Learner,
) -> None:
    callback_answer.text = str(t.REFRESHED)
    await list_broadcasts(callback, session, learner)


async def ask_cancel(
    callback: CallbackQuery,
    callback_data: BroadcastCancelCb,
    session: AsyncSession,
    learner: Learner,
) -> None:
    summaries = await pushes.recent(session)
    screen = views.broadcasts_screen(
        summaries, learner.zone, asking_to_cancel=callback_data.broadcast_id
    )
    await show(callback, screen)


async def cancel(
    callback: CallbackQuery,
    callback_data: BroadcastCancelCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    cancelled = await pushes.cancel(session, context, callback_data.broadcast_id)
    log.info(
        "broadcast %s cancelled by admin %s: %s deliveries will not be sent",
        cancelled.broadcast_id,
        callback.from_user.id,
        cancelled.deliveries,
        extra={"user_id": callback.from_user.id},
    )
    callback_answer.text = t.cancelled(cancelled.broadcast_id, cancelled.deliveries)
    await list_broadcasts(callback, session, learner)


async def on_broadcast_error(
    event: ErrorEvent, session: AsyncSession | None = None, learner: Learner | None = None
) -> None:
    """The admin's own answers: a refused cancel shows the list again, as it is now."""
    error = event.exception
    assert isinstance(error, BroadcastError)
    text = _notice(error)
    callback, message = event.update.callback_query, event.update.message
    if message is not None:
        await message.answer(text)
        return
    if callback is None:
        return
    await callback.answer(text, show_alert=True)
    if isinstance(error, BroadcastOver | UnknownBroadcast) and session and learner:
        await list_broadcasts(callback, session, learner)
    elif isinstance(error, NoRecipients):
        await show(callback, views.after_push_screen(text))


def _notice(error: BroadcastError) -> str:
    if isinstance(error, BroadcastOver):
        return t.already_over(error.broadcast_id, error.status)
    if isinstance(error, LessonNotAnnounceable):
        return str(t.LESSON_DELETED if error.deleted else t.LESSON_NOT_PUBLISHED)
    if isinstance(error, UnknownBroadcast):
        return str(t.UNKNOWN_BROADCAST)
    assert isinstance(error, NoRecipients)
    return str(t.NO_RECIPIENTS)


async def _say(callback: CallbackQuery, screen: Screen) -> None:
    assert callback.bot is not None
    await callback.bot.send_message(callback.from_user.id, screen.text, reply_markup=screen.markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(ask_broadcast, Command("broadcast"))
    router.callback_query.register(ask_announce, AnnounceLessonCb.filter())
    router.callback_query.register(confirm, PushConfirmCb.filter())
    router.message.register(list_broadcasts, Command("broadcasts"))
    router.callback_query.register(
        list_broadcasts, AdminMenuCb.filter(F.section == AdminSection.BROADCASTS)
    )
    router.callback_query.register(refresh, BroadcastListCb.filter())
    router.callback_query.register(ask_cancel, BroadcastCancelCb.filter(F.confirmed.is_(False)))
    router.callback_query.register(cancel, BroadcastCancelCb.filter(F.confirmed.is_(True)))
    router.errors.register(on_broadcast_error, ExceptionTypeFilter(BroadcastError))
    return router
