from __future__ import annotations

from bot import texts
from bot.services.summary import ProgressSummary
from bot.texts import motivation
from bot.texts import progress as progress_texts
from bot.texts import review as review_texts
from bot.views.menu import back_to_menu
from bot.views.screen import Screen
from bot.views.telegram_length import list_text


def progress_screen(s: ProgressSummary) -> Screen:
    modules = [
        texts.module_progress(m.title, m.lessons_completed, m.lessons_total) for m in s.modules
    ]
    lines = [""] if s.modules else []
    average = (
        str(progress_texts.NO_SCORES_YET)
        if s.average_score is None
        else progress_texts.score_percent(s.average_score)
    )
    lines += [
        progress_texts.lessons_completed_of(s.lessons_completed, s.lessons_total),
        progress_texts.average_score(average),
        progress_texts.time_spent(texts.duration(s.time_spent_seconds)),
        progress_texts.total_xp(s.xp),
        "",
        motivation.streak(s.streak.current, s.streak.freezes)
        if s.streak.current
        else str(motivation.NO_STREAK),
    ]
    if s.streak.longest:
        lines.append(motivation.longest_streak(s.streak.longest))
    if s.review.cards:
        lines += [
            "",
            review_texts.cards_learned(s.review.learned, s.review.cards),
            review_texts.due_today(s.review.due_today),
            review_texts.retention(s.review.retention),
        ]
    text = list_text([str(progress_texts.PROGRESS_TITLE), ""], modules, lines, texts.and_more)
    return Screen(text, back_to_menu())
