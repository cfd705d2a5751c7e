"""Texts the broadcast sender sends: reminders, achievement notices, an admin's report."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext

from bot.texts import _decimal, esc

START_LESSON = __("▶️ Start lesson")
REMINDER_NO_STREAK = __("👋 Time for a lesson! Complete one today to start a streak.")
NOTICE_GENERIC = __("🏆 You earned a new achievement! See it under /achievements.")


def reminder(streak: int) -> str:
    return ngettext(
        "🔥 Your streak is {days} day. A lesson today keeps it going!",
        "🔥 Your streak is {days} days. A lesson today keeps it going!",
        streak,
    ).format(days=_decimal(streak))


def new_lesson(title: str) -> str:
    return _("📣 A new lesson is waiting for you: <b>{title}</b>").format(title=esc(title))


def new_achievement(icon: str | None, title: str) -> str:
    return _("{icon} New achievement: <b>{title}</b>").format(icon=icon or "🏆", title=esc(title))


def broadcast_report(broadcast_id: int, sent: int, failed: int, blocked: int) -> str:
    return _(
        "📣 Broadcast #{id} is finished.\n"
        "Delivered: {sent}\nFailed: {failed}\nBlocked the bot: {blocked}"
    ).format(
        id=broadcast_id, sent=_decimal(sent), failed=_decimal(failed), blocked=_decimal(blocked)
    )
