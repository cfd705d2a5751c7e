"""What an activity earned, announced in one place: after a finished run, a lesson marked done,
and an answer that earned something before its run's end."""

from __future__ import annotations

from bot import texts
from bot.services.completion import Effects
from bot.texts import motivation


def effects_lines(effects: Effects, *, with_streak: bool = True) -> list[str]:
    """`with_streak`: the streak is shown at the end of a run or a lesson, not after every
    answer on the way."""
    lines = []
    if effects.xp_gained:
        lines.append(texts.xp_gained(effects.xp_gained))
    if effects.module_completed:
        lines.append(texts.module_completed(effects.module_title or ""))
    if effects.streak_started:
        # The moment a streak begins is told when it happens, mid-run too.
        lines.append(str(motivation.STREAK_STARTED))
    elif with_streak and effects.streak is not None:
        lines.append(motivation.streak(effects.streak.current, effects.streak.freezes))
    lines += [
        motivation.achievement_unlocked(
            a.icon, motivation.achievement_title(a.code, a.title), a.points
        )
        for a in effects.achievements
    ]
    if effects.course_completed:
        lines += ["", str(texts.COURSE_COMPLETED)]
    return lines
