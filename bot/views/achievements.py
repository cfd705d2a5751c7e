"""The Achievements screen: what the learner earned, then what is next and how far along."""

from __future__ import annotations

from bot.services.achievements import AchievementsView, NextUp
from bot.texts import motivation
from bot.views.menu import back_to_menu
from bot.views.screen import Screen


def _next_line(item: NextUp) -> str:
    a = item.achievement
    title = motivation.achievement_title(a.code, a.title)
    threshold = a.threshold
    if item.progress is None or threshold is None:
        description = motivation.achievement_description(a.code, a.description)
        return motivation.next_badge(a.icon, title, description)
    done, needed = item.progress
    return motivation.next_count(a.icon, title, threshold[0], done, needed)


def achievements_screen(view: AchievementsView) -> Screen:
    lines = [str(motivation.ACHIEVEMENTS_TITLE), ""]
    if view.earned:
        lines.append(str(motivation.EARNED_HEADING))
        lines += [
            motivation.earned_on(
                e.achievement.icon,
                motivation.achievement_title(e.achievement.code, e.achievement.title),
                e.on,
            )
            for e in view.earned
        ]
    else:
        lines.append(str(motivation.NOTHING_EARNED))
    lines.append("")
    if view.next:
        lines.append(str(motivation.NEXT_HEADING))
        lines += [_next_line(item) for item in view.next]
    else:
        lines.append(str(motivation.ALL_EARNED))
    return Screen("\n".join(lines), back_to_menu())
