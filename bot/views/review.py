"""The review session's screens: a card's question, the answer's feedback, the summary."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot import texts
from bot.callbacks.learner import MenuAction, MenuCb, ReviewCb
from bot.services.localtime import local_date
from bot.services.review import (
    SESSION_CARDS,
    NothingDue,
    ReviewAnswered,
    ReviewQuestion,
    Summary,
)
from bot.texts import review as t
from bot.texts.motivation import streak as streak_line
from bot.views import question
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen


def when(due: datetime, now: datetime, zone: tzinfo) -> str:
    """When a card comes due, in the learner's days: later today, tomorrow, in 3 days."""
    days = (local_date(due, zone) - local_date(now, zone)).days
    if days <= 0:
        return str(t.LATER_TODAY)
    if days == 1:
        return str(t.TOMORROW)
    return t.in_days(days)


def _heading(q: ReviewQuestion) -> str:
    return t.heading(q.number, SESSION_CARDS, q.lesson_title)


def _answer(q: ReviewQuestion, option: int) -> ReviewCb:
    return ReviewCb(
        card_id=q.card_id, seen=q.seen, done=q.progress.done, right=q.progress.right, option=option
    )


def question_screen(q: ReviewQuestion) -> Screen:
    return question.screen(
        q,
        _heading(q),
        range(len(q.choices or [])),
        _answer,
        str(texts.BACK_TO_MENU),
        MenuCb(action=MenuAction.HOME),
    )


def feedback_text(answered: ReviewAnswered, now: datetime, zone: tzinfo) -> str:
    verdict = question.verdict(answered.feedback, answered.question.type)
    return f"{verdict}\n\n{t.comes_back(when(answered.feedback.next_due, now, zone))}"


def answered_question_text(answered: ReviewAnswered, now: datetime, zone: tzinfo) -> str:
    """The question message once answered with a button: its answer and feedback."""
    q = answered.question
    return question.answered_text(
        _heading(q), q, answered.feedback.given, feedback_text(answered, now, zone)
    )


def summary_screen(summary: Summary, now: datetime, zone: tzinfo) -> Screen:
    lines = [t.summary(summary.answered, summary.right)]
    if summary.xp_gained:
        lines.append(texts.xp_gained(summary.xp_gained))
    if summary.streak.current:
        lines.append(streak_line(summary.streak.current, summary.streak.freezes))
    kb = Keyboard()
    if summary.next_due is not None and summary.next_due <= now:
        kb.button(text=str(t.REVIEW_MORE), callback_data=MenuCb(action=MenuAction.REVIEW))
    elif summary.next_due is not None:
        lines.append(t.nothing_due(when(summary.next_due, now, zone)))
    kb.button(text=str(texts.BACK_TO_MENU), callback_data=MenuCb(action=MenuAction.HOME))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())


def nothing_due_screen(nothing: NothingDue, now: datetime, zone: tzinfo) -> Screen:
    text = (
        t.nothing_due(when(nothing.next_due, now, zone))
        if nothing.next_due is not None
        else str(t.NO_CARDS)
    )
    kb = Keyboard()
    kb.button(text=str(texts.BACK_TO_MENU), callback_data=MenuCb(action=MenuAction.HOME))
    return Screen(text, kb.as_markup())
