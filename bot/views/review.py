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
from bot.views.keyboard import Keyboard
from bot.views.quiz import ANSWER_ROOM, answer_label
from bot.views.screen import Screen
from bot.views.telegram_length import MESSAGE_LIMIT, clip, fit, html_length


def when(due: datetime, now: datetime, zone: tzinfo) -> str:
    """When a card comes due, in the learner's days: later today, tomorrow, in 3 days."""
    days = (local_date(due, zone) - local_date(now, zone)).days
    if days <= 0:
        return str(t.LATER_TODAY)
    if days == 1:
        return str(t.TOMORROW)
    return t.in_days(days)


def question_text(q: ReviewQuestion) -> str:
    hint = f"\n\n{texts.TYPE_ANSWER}" if q.choices is None else ""
    heading = t.heading(q.number, SESSION_CARDS, q.lesson_title)
    return f"{heading}\n\n{texts.esc(q.prompt)}{hint}"


def question_screen(q: ReviewQuestion) -> Screen:
    kb = Keyboard()
    for index, choice in enumerate(q.choices or []):
        kb.button(
            text=answer_label(q.type, choice),
            callback_data=ReviewCb(
                card_id=q.card_id,
                seen=q.seen,
                done=q.progress.done,
                right=q.progress.right,
                option=index,
            ),
        )
    kb.button(text=str(texts.BACK_TO_MENU), callback_data=MenuCb(action=MenuAction.HOME))
    kb.adjust(1)
    return Screen(fit(question_text(q)), kb.as_markup())


def feedback_text(answered: ReviewAnswered, now: datetime, zone: tzinfo) -> str:
    q, feedback = answered.question, answered.feedback
    verdict = texts.answer_feedback(
        feedback.correct, answer_label(q.type, feedback.correct_answer), feedback.explanation
    )
    return f"{verdict}\n\n{t.comes_back(when(feedback.next_due, now, zone))}"


def answered_question_text(answered: ReviewAnswered, now: datetime, zone: tzinfo) -> str:
    """The question message once answered with a button: its answer and feedback."""
    q = answered.question
    given = texts.your_answer(clip(answer_label(q.type, answered.feedback.given), ANSWER_ROOM))
    after = f"\n\n{given}\n{feedback_text(answered, now, zone)}"
    room = max(MESSAGE_LIMIT - html_length(after), MESSAGE_LIMIT // 4)
    return fit(fit(question_text(q), room) + after)


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
