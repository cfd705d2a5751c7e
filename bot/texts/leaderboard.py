"""The leaderboard screen's texts."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext

from bot.texts import _, _decimal, esc

TITLE = __("🥇 <b>Leaderboard</b>")
WEEKLY = __("📅 This week")
ALL_TIME = __("🏆 All time")
BEING_PREPARED = __(
    "⏳ The leaderboard is being prepared. Earn XP with a lesson and check back soon!"
)
NO_XP_THIS_WEEK = __("Nobody has earned XP this week yet. Complete a lesson and be the first!")
NOT_RANKED = __("You are not ranked yet: complete a lesson to earn XP and join the board.")
# TRANSLATORS: a learner on the board whose Telegram profile has no first name.
NO_NAME = __("Learner")
YOU = __("you")
# Marks, not words: the same in every language.
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
GAP = "⋯"


def updated_ago(seconds: int) -> str:
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if days:
        text = ngettext("updated {n} day ago", "updated {n} days ago", days)
        return text.format(n=_decimal(days))
    if hours:
        text = ngettext("updated {n} hour ago", "updated {n} hours ago", hours)
        return text.format(n=_decimal(hours))
    if minutes:
        text = ngettext("updated {n} minute ago", "updated {n} minutes ago", minutes)
        return text.format(n=_decimal(minutes))
    return _("updated just now")


def rank_mark(rank: int) -> str:
    return MEDALS.get(rank) or f"{_decimal(rank)}."


def board_line(rank: int, name: str, xp: int, *, me: bool) -> str:
    """One learner's line; the reader's own is marked and bold, wherever it appears."""
    line = _("{rank} {name} · {xp} XP").format(
        rank=rank_mark(rank), name=esc(name), xp=_decimal(xp)
    )
    return f"<b>{line} ← {YOU}</b>" if me else line
