"""Texts of streaks and achievements.

Achievement titles and descriptions are data (catalogue rows); the shipped ones are translated
here by code, and a row added later shows the words written in it.
"""

from __future__ import annotations

from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext
from babel.dates import format_date
from babel.support import LazyProxy

from bot.texts import _decimal, _locale, esc

# code -> (title, description), for the catalogue rows the migrations ship.
SHIPPED: dict[str, tuple[LazyProxy, LazyProxy]] = {
    "first_lesson": (__("First steps"), __("Complete your first lesson.")),
    "lessons_5": (__("Keen learner"), __("Complete 5 lessons.")),
    "lessons_25": (__("Bookworm"), __("Complete 25 lessons.")),
    "lessons_100": (__("Scholar"), __("Complete 100 lessons.")),
    "first_try": (__("First try"), __("Pass a lesson on your first run.")),
    "perfect_score": (__("Flawless"), __("Get every answer of a lesson right.")),
    "module_1": (__("Module master"), __("Complete a whole module.")),
    "modules_3": (__("Course climber"), __("Complete 3 modules.")),
    "streak_3": (__("On a roll"), __("Learn 3 days in a row.")),
    "streak_7": (__("Week warrior"), __("Learn 7 days in a row.")),
    "streak_30": (__("Unstoppable"), __("Learn 30 days in a row.")),
    "streak_100": (__("Legend"), __("Learn 100 days in a row.")),
    "solved_10": (__("Problem solver"), __("Solve 10 exercises.")),
    "solved_50": (__("Puzzle hunter"), __("Solve 50 exercises.")),
    "solved_200": (__("Double centurion"), __("Solve 200 exercises.")),
    "xp_100": (__("Rising star"), __("Earn 100 XP.")),
    "xp_1000": (__("Supernova"), __("Earn 1,000 XP.")),
    "xp_5000": (__("Galaxy"), __("Earn 5,000 XP.")),
}

ACHIEVEMENTS_TITLE = __("🏆 <b>Achievements</b>")
EARNED_HEADING = __("<b>Earned</b>")
NEXT_HEADING = __("<b>Next up</b>")
NOTHING_EARNED = __("Nothing earned yet: complete a lesson to earn your first.")
ALL_EARNED = __("You have earned every achievement there is. Impressive!")
STREAK_STARTED = __("🔥 Streak started! Come back tomorrow to keep it going.")
NO_STREAK = __("🔥 No streak yet: complete a lesson or solve an exercise today to start one.")


def achievement_title(code: str, title: str) -> str:
    shipped = SHIPPED.get(code)
    return str(shipped[0]) if shipped else title


def achievement_description(code: str, description: str | None) -> str:
    shipped = SHIPPED.get(code)
    return str(shipped[1]) if shipped else (description or "")


def achievement_unlocked(icon: str | None, title: str, points: int) -> str:
    line = _("{icon} Achievement unlocked: <b>{title}</b>").format(
        icon=icon or "🏆", title=esc(title)
    )
    if points:
        line += " " + _("(+{xp} XP)").format(xp=_decimal(points))
    return line


def streak(days: int, freezes: int) -> str:
    """ "🔥 5-day streak · 1 freeze"; the freezes only when some are held."""
    line = ngettext("🔥 {days}-day streak", "🔥 {days}-day streak", days).format(
        days=_decimal(days)
    )
    if freezes:
        line += " · " + ngettext("{n} freeze", "{n} freezes", freezes).format(n=_decimal(freezes))
    return line


def longest_streak(days: int) -> str:
    return ngettext(
        "🏔 Longest streak: <b>{days}</b> day", "🏔 Longest streak: <b>{days}</b> days", days
    ).format(days=_decimal(days))


def earned_on(icon: str | None, title: str, on: date) -> str:
    return _("{icon} <b>{title}</b> · {date}").format(
        icon=icon or "🏆", title=esc(title), date=format_date(on, "medium", locale=_locale())
    )


def next_badge(icon: str | None, title: str, description: str) -> str:
    return f"{icon or '🏆'} {esc(title)}: {esc(description)}"


def next_count(icon: str | None, title: str, criterion: str, done: int, needed: int) -> str:
    """ "📚 Keen learner: 2 of 5 lessons"."""
    return f"{icon or '🏆'} {esc(title)}: {progress_of(criterion, done, needed)}"


def progress_of(criterion: str, done: int, needed: int) -> str:
    values = {"done": _decimal(done), "needed": _decimal(needed)}
    if criterion == "lessons":
        text = ngettext("{done} of {needed} lesson", "{done} of {needed} lessons", needed)
    elif criterion == "modules":
        text = ngettext("{done} of {needed} module", "{done} of {needed} modules", needed)
    elif criterion == "exercises":
        text = ngettext(
            "{done} of {needed} exercise solved", "{done} of {needed} exercises solved", needed
        )
    elif criterion == "days":
        text = ngettext(
            "{done} of {needed} day in a row", "{done} of {needed} days in a row", needed
        )
    else:
        text = _("{done} of {needed} XP")
    return text.format(**values)
