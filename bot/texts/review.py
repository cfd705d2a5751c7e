"""Texts of the spaced-repetition review: its questions, its summary, its figures."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext

from bot.texts import _decimal, _percent, esc

MENU_REVIEW = __("🔁 Review")
REVIEW_MORE = __("🔁 Review more")
NO_CARDS = __(
    "🔁 Nothing to review yet. Every question you answer in a lesson comes back here on a "
    "schedule; the ones you got wrong come back first."
)
LATER_TODAY = __("later today")
TOMORROW = __("tomorrow")


def menu_review(due: int) -> str:
    return ngettext("🔁 Review ({count} due)", "🔁 Review ({count} due)", due).format(
        count=_decimal(due)
    )


def in_days(days: int) -> str:
    return ngettext("in {days} day", "in {days} days", days).format(days=_decimal(days))


def nothing_due(when: str) -> str:
    return _("🔁 Nothing is due for review. The next card comes back {when}.").format(when=when)


def heading(number: int, total: int, lesson_title: str) -> str:
    return _("🔁 <b>Review</b> · card {number} of up to {total} · {lesson}").format(
        number=_decimal(number), total=_decimal(total), lesson=esc(lesson_title)
    )


def comes_back(when: str) -> str:
    return _("🗓 This card comes back {when}.").format(when=when)


def summary(answered: int, right: int) -> str:
    return ngettext(
        "🏁 <b>Review done!</b> {right} of {answered} card right.",
        "🏁 <b>Review done!</b> {right} of {answered} cards right.",
        answered,
    ).format(right=_decimal(right), answered=_decimal(answered))


def reminder_cards(count: int) -> str:
    return ngettext(
        "🔁 {count} card to review: /review", "🔁 {count} cards to review: /review", count
    ).format(count=_decimal(count))


def cards_learned(learned: int, cards: int) -> str:
    return ngettext(
        "🧠 Review cards learned: <b>{learned}</b> of {cards}",
        "🧠 Review cards learned: <b>{learned}</b> of {cards}",
        learned,
    ).format(learned=_decimal(learned), cards=_decimal(cards))


def due_today(count: int) -> str:
    return _("🔁 Due for review today: <b>{count}</b>").format(count=_decimal(count))


def retention(percent: int | None) -> str:
    value = _percent(percent) if percent is not None else _("no reviews yet")
    return _("🎯 Review retention (30 days): <b>{value}</b>").format(value=value)
