"""The admin's broadcast screens: confirming a push, what was queued, the recent broadcasts."""

from __future__ import annotations

from datetime import tzinfo

from bot.callbacks.admin import BroadcastCancelCb, BroadcastListCb, PushConfirmCb, PushKind
from bot.services.broadcasts.pushes import Audience, BroadcastSummary, LessonToAnnounce, Queued
from bot.texts import broadcasts as t
from bot.views.admin.menu import back_to_admin_button
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.telegram_length import clip
from db.enums import BroadcastKind, BroadcastStatus

# Characters of a text push quoted on its confirmation: room left for the question around it.
QUOTE_LIMIT = 3000


def _confirmation(text: str, kind: PushKind, ref: int) -> Screen:
    kb = Keyboard()
    kb.button(text=str(t.SEND), callback_data=PushConfirmCb(kind=kind, ref=ref, send=True))
    kb.button(text=str(t.DROP), callback_data=PushConfirmCb(kind=kind, ref=ref, send=False))
    kb.adjust(2)
    return Screen(text, kb.as_markup())


def confirm_copy_screen(audience: Audience, message_id: int) -> Screen:
    text = t.confirm_copy(audience.learners, includes_admin=audience.includes_admin)
    return _confirmation(text, PushKind.COPY, message_id)


def confirm_text_screen(audience: Audience, message_id: int, text: str) -> Screen:
    confirm = t.confirm_text(audience.learners, includes_admin=audience.includes_admin)
    # What they would read, quoted; a very long one is cut short here only.
    return _confirmation(
        f"{confirm}\n\n{t.quoted(clip(text, QUOTE_LIMIT))}", PushKind.TEXT, message_id
    )


def confirm_lesson_screen(lesson: LessonToAnnounce) -> Screen:
    audience = lesson.audience
    text = t.confirm_lesson(
        lesson.title, lesson.module_title, audience.learners, includes_admin=audience.includes_admin
    )
    return _confirmation(text, PushKind.LESSON, lesson.lesson_id)


def _list_and_back(kb: Keyboard) -> None:
    kb.button(text=str(t.LIST_BUTTON), callback_data=BroadcastListCb())
    back_to_admin_button(kb)


def after_push_screen(text: str) -> Screen:
    """Where a confirmation ends (queued, dropped, nobody to send to): the way on."""
    kb = Keyboard()
    _list_and_back(kb)
    kb.adjust(2)
    return Screen(text, kb.as_markup())


def queued_screen(queued: Queued) -> Screen:
    return after_push_screen(t.queued(queued.broadcast_id, queued.recipients))


def _unfinished(summary: BroadcastSummary) -> bool:
    return summary.status in (BroadcastStatus.PENDING, BroadcastStatus.SENDING)


def _entry(summary: BroadcastSummary, zone: tzinfo) -> str:
    counts = summary.counts
    # A message being sent right now is still on its way: pending, to the admin.
    waiting = counts.pending + counts.sending
    # A copy's, a text's or a lesson's text says which one it was; a reminder's says nothing.
    named = (BroadcastKind.COPY, BroadcastKind.TEXT, BroadcastKind.LESSON)
    what = summary.text if summary.kind in named else ""
    lines = [
        t.broadcast_heading(
            summary.id,
            t.kind_label(summary.kind),
            _shorten(what),
            t.when(summary.created_at.astimezone(zone)),
            t.status_label(summary.status),
        ),
        t.delivery_counts(counts.sent, waiting, counts.failed, counts.blocked),
    ]
    if counts.cancelled:
        lines.append(t.cancelled_count(counts.cancelled))
    return "\n".join(lines)


def _shorten(text: str, width: int = 40) -> str:
    return clip(" ".join(text.split()), width)


def broadcasts_screen(
    summaries: list[BroadcastSummary], zone: tzinfo, *, asking_to_cancel: int | None = None
) -> Screen:
    """The recent broadcasts with their counts, a Cancel button for each one still going out;
    `asking_to_cancel`: the one whose cancelling awaits a yes or no."""
    kb = Keyboard()
    if not summaries:
        text = f"{t.LIST_TITLE}\n\n{t.NO_BROADCASTS}"
    else:
        text = "\n\n".join([str(t.LIST_TITLE), *(_entry(s, zone) for s in summaries)])
    asked = next((s for s in summaries if s.id == asking_to_cancel and _unfinished(s)), None)
    if asked is not None:
        # Those being sent at this moment will still go out: only the rest are asked about.
        text += "\n\n" + t.cancel_question(asked.id, asked.counts.pending)
        kb.button(
            text=str(t.CANCEL_YES),
            callback_data=BroadcastCancelCb(broadcast_id=asked.id, confirmed=True),
        )
        kb.button(text=str(t.CANCEL_NO), callback_data=BroadcastListCb())
        kb.adjust(2)
        return Screen(text, kb.as_markup())
    sizes = []
    for summary in summaries:
        if _unfinished(summary):
            kb.button(
                text=t.cancel_button(summary.id),
                callback_data=BroadcastCancelCb(broadcast_id=summary.id),
            )
            sizes.append(1)
    kb.button(text=str(t.REFRESH), callback_data=BroadcastListCb())
    back_to_admin_button(kb)
    kb.adjust(*sizes, 2)
    return Screen(text, kb.as_markup())
