from __future__ import annotations

from bot.locales import en
from bot.services.summary import ProgressSummary
from bot.views.menu import back_to_menu
from bot.views.screen import Screen


def progress_screen(s: ProgressSummary) -> Screen:
    lines = [en.PROGRESS_TITLE, ""]
    lines += [en.module_progress(m.title, m.lessons_completed, m.lessons_total) for m in s.modules]
    if s.modules:
        lines.append("")
    average = en.NO_SCORES_YET if s.average_score is None else en.score_percent(s.average_score)
    lines += [
        en.lessons_completed_of(s.lessons_completed, s.lessons_total),
        en.average_score(average),
        en.time_spent(en.duration(s.time_spent_seconds)),
        en.total_xp(s.xp),
    ]
    return Screen("\n".join(lines), back_to_menu())
