"""Broadcast texts: what an admin sees pushing a message or a lesson to learners, following
and cancelling broadcasts; then what the sender sends (reminders, achievement notices, a
lesson announcement, the admin's report)."""

from __future__ import annotations

from datetime import datetime

from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext
from babel.dates import format_datetime

from bot.texts import _, _decimal, _locale, esc
from db.enums import BroadcastKind, BroadcastStatus

HOW_TO = __(
    "📣 <b>Broadcast</b>\n"
    "Write the message for your learners here (text, photo, video, file: anything), "
    "then reply to it with /broadcast. A text can also follow the command in one message: "
    "<code>/broadcast Hello, everyone!</code> I will ask you to confirm before sending."
)
# An admin's message that no dialog or command took: most likely written to be broadcast.
DRAFT_HINT = __("📣 To send this to every learner, reply to it with /broadcast.")
NOT_YOUR_MESSAGE = __(
    "📣 I can only send a copy of a message you wrote: reply with /broadcast to one of yours."
)
CANNOT_COPY = __(
    "📣 This kind of message cannot be copied to learners. Reply with /broadcast to a text, "
    "photo, video, file, voice message or sticker."
)
NO_RECIPIENTS = __("📭 There are no active learners to send it to, so nothing was sent.")
SEND = __("📣 Send")
DROP = __("✖️ Cancel")
DROPPED = __("Okay, nothing was sent.")
CONFIRMATION_STALE = __(
    "This confirmation is no longer open, so nothing more was sent. /broadcasts shows what is "
    "queued."
)
LESSON_NOT_PUBLISHED = __(
    "This lesson is not published, so learners could not open it. Publish it (and its module) "
    "first, then announce it."
)
LESSON_DELETED = __("This lesson was deleted, so it cannot be announced.")
UNKNOWN_BROADCAST = __("I can't find that broadcast.")

LIST_TITLE = __("📣 <b>Recent broadcasts</b>")
NO_BROADCASTS = __(
    "No broadcasts yet. To send one, write your message, then reply to it with /broadcast."
)
REFRESH = __("🔄 Refresh")
REFRESHED = __("🔄 Updated")
LIST_BUTTON = __("📣 Broadcasts")
CANCEL_YES = __("✖️ Yes, cancel it")
CANCEL_NO = __("⬅️ No, keep it")

_KINDS = {
    BroadcastKind.COPY: __("copied message"),
    BroadcastKind.TEXT: __("text"),
    BroadcastKind.LESSON: __("lesson announcement"),
    BroadcastKind.REMINDER: __("daily reminders"),
    BroadcastKind.NOTICE: __("notices"),
}
_STATUSES = {
    BroadcastStatus.PENDING: __("⏳ queued"),
    BroadcastStatus.SENDING: __("📤 sending"),
    BroadcastStatus.DONE: __("✅ done"),
    BroadcastStatus.CANCELLED: __("✖️ cancelled"),
}


def _you_included(includes_admin: bool) -> str:
    return "\n" + _("You are one of them: you will get it too.") if includes_admin else ""


def confirm_copy(learners: int, *, includes_admin: bool) -> str:
    return ngettext(
        "📣 Send a copy of this message to {n} learner?",
        "📣 Send a copy of this message to {n} learners?",
        learners,
    ).format(n=_decimal(learners)) + _you_included(includes_admin)


def confirm_text(learners: int, *, includes_admin: bool) -> str:
    return ngettext(
        "📣 Send this text to {n} learner?",
        "📣 Send this text to {n} learners?",
        learners,
    ).format(n=_decimal(learners)) + _you_included(includes_admin)


def quoted(text: str) -> str:
    return f"<blockquote>{esc(text)}</blockquote>"


def confirm_lesson(title: str, module: str, learners: int, *, includes_admin: bool) -> str:
    return ngettext(
        "📣 Announce the lesson <b>{title}</b> ({module}) to {n} learner? They get a "
        "button that opens it.",
        "📣 Announce the lesson <b>{title}</b> ({module}) to {n} learners? They get a "
        "button that opens it.",
        learners,
    ).format(title=esc(title), module=esc(module), n=_decimal(learners)) + _you_included(
        includes_admin
    )


def queued(broadcast_id: int, recipients: int) -> str:
    return ngettext(
        "✅ Broadcast #{id} is queued for {n} learner. /broadcasts shows how it is going.",
        "✅ Broadcast #{id} is queued for {n} learners. /broadcasts shows how it is going.",
        recipients,
    ).format(id=broadcast_id, n=_decimal(recipients))


def when(instant: datetime) -> str:
    """A moment as the admin's language writes a date and time (in the admin's zone)."""
    return format_datetime(instant, "d MMM, HH:mm", locale=_locale())


def kind_label(kind: BroadcastKind) -> str:
    return str(_KINDS[kind])


def status_label(status: BroadcastStatus) -> str:
    return str(_STATUSES[status])


def broadcast_heading(broadcast_id: int, kind: str, what: str, moment: str, status: str) -> str:
    head = f"<b>#{broadcast_id}</b> · {kind}"
    if what:
        head += f" «{esc(what)}»"
    return f"{head}\n{moment} · {status}"


def delivery_counts(sent: int, pending: int, failed: int, blocked: int) -> str:
    # TRANSLATORS: counts of a broadcast's messages; "pending" ones have not been sent yet.
    return _("✉️ {sent} sent · {pending} pending · {failed} failed · {blocked} blocked").format(
        sent=_decimal(sent),
        pending=_decimal(pending),
        failed=_decimal(failed),
        blocked=_decimal(blocked),
    )


def cancelled_count(n: int) -> str:
    return ngettext("✖️ {n} cancelled", "✖️ {n} cancelled", n).format(n=_decimal(n))


def cancel_button(broadcast_id: int) -> str:
    return _("✖️ Cancel #{id}").format(id=broadcast_id)


def cancel_question(broadcast_id: int, pending: int) -> str:
    return ngettext(
        "Cancel broadcast #{id}? Its {n} message not sent yet will not be sent; those "
        "already sent stay.",
        "Cancel broadcast #{id}? Its {n} messages not sent yet will not be sent; those "
        "already sent stay.",
        pending,
    ).format(id=broadcast_id, n=_decimal(pending))


def cancelled(broadcast_id: int, deliveries: int) -> str:
    return ngettext(
        "✖️ Broadcast #{id} is cancelled: {n} message will not be sent.",
        "✖️ Broadcast #{id} is cancelled: {n} messages will not be sent.",
        deliveries,
    ).format(id=broadcast_id, n=_decimal(deliveries))


def already_over(broadcast_id: int, status: BroadcastStatus) -> str:
    if status is BroadcastStatus.CANCELLED:
        return _("Broadcast #{id} is already cancelled.").format(id=broadcast_id)
    return _("Broadcast #{id} has already finished: there is nothing left to cancel.").format(
        id=broadcast_id
    )


# What the sender sends, in the recipient's language.
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
