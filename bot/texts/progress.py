"""Texts of My progress: the learner's figures over their modules' bars."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext

from bot.texts import _decimal, _percent

PROGRESS_TITLE = __("📊 <b>My progress</b>")
NO_SCORES_YET = __("no scores yet")


def lessons_completed_of(done: int, total: int) -> str:
    # TRANSLATORS: English says this the same way for every count; languages whose words agree
    # with the number of lessons completed ({done}) write each form.
    return ngettext(
        "✅ Lessons completed: <b>{done}</b> of {total}",
        "✅ Lessons completed: <b>{done}</b> of {total}",
        done,
    ).format(done=_decimal(done), total=_decimal(total))


def average_score(score: str) -> str:
    return _("🎯 Average score: <b>{score}</b>").format(score=score)


def score_percent(score: float) -> str:
    return _percent(score)


def time_spent(duration_text: str) -> str:
    return _("⏱ Time spent: <b>{duration}</b>").format(duration=duration_text)


def total_xp(xp: int) -> str:
    return _("⭐ XP: <b>{xp}</b>").format(xp=_decimal(xp))
