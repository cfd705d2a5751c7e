"""What each kind of broadcast delivery looks like to its recipient, and an admin's report.

Rendered in the recipient's language: the caller sets the locale (I18n.use_locale) around
these calls.
"""

from __future__ import annotations

from typing import Any

from aiogram.methods import CopyMessage, SendMessage, TelegramMethod
from aiogram.types import InlineKeyboardMarkup

from bot import texts as common
from bot.callbacks.learner import LessonCb, MenuAction, MenuCb
from bot.services.achievements import Achievement
from bot.services.broadcasts.deliveries import ClaimedRow, Finished
from bot.texts import broadcasts as texts
from bot.texts import motivation
from bot.texts import review as review_texts
from bot.views.keyboard import Keyboard
from db.enums import BroadcastKind


class Unsendable(Exception):
    """The delivery cannot be made into a message (its broadcast lacks what its kind needs)."""


def delivery_message(
    delivery: ClaimedRow, achievements: dict[str, Achievement]
) -> TelegramMethod[Any]:
    chat_id = delivery.telegram_id
    if delivery.kind == BroadcastKind.COPY:
        if delivery.source_chat_id is None or delivery.source_message_id is None:
            raise Unsendable("a copy without its source message")
        return CopyMessage(
            chat_id=chat_id,
            from_chat_id=delivery.source_chat_id,
            message_id=delivery.source_message_id,
        )
    if delivery.kind == BroadcastKind.TEXT:
        # Plain text: the admin typed it, so nothing in it is markup.
        return SendMessage(chat_id=chat_id, text=delivery.text, parse_mode=None)
    if delivery.kind == BroadcastKind.LESSON:
        markup = None
        if delivery.lesson_id is not None:
            markup = _one_button(str(texts.START_LESSON), LessonCb(lesson_id=delivery.lesson_id))
        # The broadcast holds the lesson's title as plain text: the words around it are the
        # learner's language, and the title is escaped like any value put into HTML.
        text = texts.new_lesson(delivery.text)
        return SendMessage(chat_id=chat_id, text=text, reply_markup=markup)
    if delivery.kind == BroadcastKind.REMINDER:
        return _reminder(delivery)
    return SendMessage(chat_id=chat_id, text=_notice(delivery.payload, achievements))


def _reminder(delivery: ClaimedRow) -> SendMessage:
    """The streak to keep, and the review cards due (the payload: their count when queued);
    a learner with only cards due is told of those alone."""
    streak = delivery.current_streak
    payload = delivery.payload or ""
    cards = int(payload) if payload.isdigit() else 0
    lines = []
    if streak > 0:
        lines.append(texts.reminder(streak))
    elif not cards:
        lines.append(str(texts.REMINDER_NO_STREAK))
    kb = Keyboard()
    if cards:
        lines.append(review_texts.reminder_cards(cards))
        kb.button(
            text=str(review_texts.MENU_REVIEW), callback_data=MenuCb(action=MenuAction.REVIEW)
        )
    kb.button(text=str(common.MENU_CONTINUE), callback_data=MenuCb(action=MenuAction.CONTINUE))
    return SendMessage(
        chat_id=delivery.telegram_id, text="\n\n".join(lines), reply_markup=kb.as_markup()
    )


def _notice(code: str | None, achievements: dict[str, Achievement]) -> str:
    achievement = achievements.get(code) if code else None
    if achievement is None:
        return str(texts.NOTICE_GENERIC)
    title = motivation.achievement_title(achievement.code, achievement.title)
    return texts.new_achievement(achievement.icon, title)


def _one_button(label: str, data: LessonCb | MenuCb) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=label, callback_data=data)
    return kb.as_markup()


def report_message(finished: Finished) -> SendMessage:
    assert finished.admin_telegram_id is not None, "a scheduler's broadcast has no admin"
    return SendMessage(
        chat_id=finished.admin_telegram_id,
        text=texts.broadcast_report(
            finished.broadcast_id, finished.sent, finished.failed, finished.blocked
        ),
    )
