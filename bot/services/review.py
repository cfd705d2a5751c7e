"""Spaced-repetition review of the exercises a learner answered, scheduled by FSRS.

Every answer in a lesson writes the exercise's card (in the answer's own unit of work): a wrong
answer makes it due at once, so the mistake comes back in the next review; a first right answer
schedules it far out (FSRS's Easy). A review answer rates the card Good (right) or Again (wrong)
and FSRS moves it on: days further out for each right answer, back within a day or two for a
wrong one.

Reviews never touch lesson progress, scores or lesson XP. They keep the learner's streak day like
a lesson does, and a finished session pays REVIEW_XP once per local day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

import fsrs
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.catalog import CatalogExercise, CatalogLesson, catalog
from bot.services.completion import keep_streak_day
from bot.services.context import Context
from bot.services.errors import AlreadyAnswered, Stale
from bot.services.grading import choices_of, correct_answer_text, grade_choice, grade_text
from bot.services.localtime import local_date, local_instant
from bot.services.review_schedule import first_card, rated
from bot.services.unit_of_work import read_only, unit_of_work
from db.enums import ActivityType, ExerciseType
from db.repositories import activity
from db.repositories import review as repo
from db.repositories import reviewer as reviewer_repo
from db.repositories.progress import UnknownLearner
from db.repositories.standing import Streak

SESSION_CARDS = 10
REVIEW_XP = 5
RETENTION_DAYS = 30


async def record_lesson_answer(
    session: AsyncSession, ctx: Context, user_id: int, exercise_id: int, *, right: bool
) -> None:
    """The exercise's card after an answer in a lesson: one statement, in the caller's unit."""
    now = ctx.clock.now()
    await repo.record_answer(
        session, user_id, exercise_id, right=right, fresh=first_card(right, now), now=now
    )


@dataclass(frozen=True, slots=True)
class Tally:
    """Where a session stands: cards answered in it, and how many of them right."""

    done: int = 0
    right: int = 0


@dataclass(frozen=True, slots=True)
class ReviewQuestion:
    card_id: int
    # The card's review count when asked: the answer must carry it back (stale presses).
    seen: int
    lesson_title: str
    type: ExerciseType
    prompt: str
    choices: list[str] | None
    number: int
    progress: Tally


@dataclass(frozen=True, slots=True)
class ReviewFeedback:
    given: str
    correct: bool
    correct_answer: str
    explanation: str | None
    # When the card comes back.
    next_due: datetime


@dataclass(frozen=True, slots=True)
class Summary:
    answered: int
    right: int
    # The day's review XP this session paid (0 when an earlier session today had it).
    xp_gained: int
    # The learner's streak after the session (which kept the day).
    streak: Streak
    next_due: datetime | None


@dataclass(frozen=True, slots=True)
class NothingDue:
    """No card due: when the next one is (None: no cards at all), and the time now."""

    next_due: datetime | None
    now: datetime


@dataclass(frozen=True, slots=True)
class ReviewAnswered:
    question: ReviewQuestion
    feedback: ReviewFeedback
    next: ReviewQuestion | None
    summary: Summary | None
    now: datetime


async def _next_question(
    session: AsyncSession, ctx: Context, user_id: int, progress: Tally
) -> ReviewQuestion | None:
    """The learner's longest-due card they can see now, as a question; None when none is due
    or the session has had its cards."""
    if progress.done >= SESSION_CARDS:
        return None
    card = await repo.longest_due(session, user_id, ctx.clock.now())
    found = await catalog(session, ctx)
    # The database hides what learners cannot see; a card of a lesson published since the
    # catalog's last look waits for its next one (within its refresh interval).
    if card is None or card.exercise_id not in found.exercises:
        return None
    lesson, exercise = found.exercises[card.exercise_id]
    return _question(card, lesson, exercise, progress)


def _question(
    card: repo.Card, lesson: CatalogLesson, exercise: CatalogExercise, progress: Tally
) -> ReviewQuestion:
    return ReviewQuestion(
        card_id=card.id,
        seen=card.reviews,
        lesson_title=lesson.title,
        type=exercise.type,
        prompt=exercise.prompt,
        choices=choices_of(exercise),
        number=progress.done + 1,
        progress=progress,
    )


@read_only
async def start(session: AsyncSession, ctx: Context, user_id: int) -> ReviewQuestion | NothingDue:
    """A new session's first question, or when the next card comes due."""
    question = await _next_question(session, ctx, user_id, Tally())
    if question is not None:
        return question
    return NothingDue(await repo.next_due(session, user_id), ctx.clock.now())


@read_only
async def count_due(session: AsyncSession, ctx: Context, user_id: int) -> int:
    return await repo.count_due(session, user_id, ctx.clock.now())


async def answer_choice(
    session: AsyncSession,
    ctx: Context,
    user_id: int,
    card_id: int,
    seen: int,
    progress: Tally,
    option: int,
    *,
    zone: tzinfo,
) -> ReviewAnswered:
    return await _answer(
        session, ctx, user_id, card_id, seen, progress, lambda e: grade_choice(e, option), zone
    )


async def answer_text(
    session: AsyncSession,
    ctx: Context,
    user_id: int,
    card_id: int,
    seen: int,
    progress: Tally,
    text: str,
    *,
    zone: tzinfo,
) -> ReviewAnswered:
    return await _answer(
        session, ctx, user_id, card_id, seen, progress, lambda e: grade_text(e, text), zone
    )


@unit_of_work
async def _answer(
    session: AsyncSession,
    ctx: Context,
    user_id: int,
    card_id: int,
    seen: int,
    progress: Tally,
    grade: Callable[[CatalogExercise], tuple[str, bool]],
    zone: tzinfo,
) -> ReviewAnswered:
    # The tally rides in the button: a forged one must not claim more right than answered.
    progress = Tally(progress.done, min(progress.right, progress.done))
    now = ctx.clock.now()
    today = local_date(now, zone)
    reviewer = await reviewer_repo.lock_reviewer(session, user_id, today)
    if reviewer is None:
        raise UnknownLearner(user_id)
    card = await repo.card(session, user_id, card_id)
    found = await catalog(session, ctx)
    if card is None or card.exercise_id not in found.exercises:
        raise Stale  # retired, hidden, or not this learner's
    if card.reviews != seen:
        raise AlreadyAnswered  # answered already from this button (or another copy of it)
    lesson, exercise = found.exercises[card.exercise_id]
    given, correct = grade(exercise)
    new = rated(card.fsrs, correct, now)
    rating = fsrs.Rating.Good if correct else fsrs.Rating.Again
    if not await repo.save_review(
        session, user_id, card_id, seen=seen, new=new, rating=int(rating), right=correct, now=now
    ):
        raise AlreadyAnswered
    question = _question(card, lesson, exercise, progress)
    feedback = ReviewFeedback(
        given, correct, correct_answer_text(exercise), exercise.explanation, new.due_at
    )
    after = Tally(progress.done + 1, progress.right + int(correct))
    streak = await keep_streak_day(session, user_id, reviewer, now, zone)
    # The card answered is not asked again: FSRS puts it a day or more out.
    following = await _next_question(session, ctx, user_id, after)
    if following is not None:
        return ReviewAnswered(question, feedback, following, None, now)
    # Every finished session is a row of the day; the day's first carries the XP. Checked and
    # written under the learner's lock, so two sessions ending at once cannot both pay.
    xp = 0 if reviewer.paid_today else REVIEW_XP
    await activity.add(
        session,
        user_id,
        ActivityType.REVIEW_SESSION,
        entity_type=reviewer_repo.REVIEW_DAY,
        entity_id=reviewer_repo.day_key(today),
        xp=xp,
        details={"answered": after.done, "right": after.right},
        now=now,
    )
    summary = Summary(after.done, after.right, xp, streak, await repo.next_due(session, user_id))
    return ReviewAnswered(question, feedback, None, summary, now)


@dataclass(frozen=True, slots=True)
class ReviewFigures:
    cards: int
    learned: int
    due_today: int
    # Share of review answers right in the last RETENTION_DAYS, in percent; None without any.
    retention: int | None


async def figures(session: AsyncSession, ctx: Context, user_id: int, zone: tzinfo) -> ReviewFigures:
    """For My progress: cards, learned, due by the end of the learner's day, retention."""
    now = ctx.clock.now()
    end_of_day = local_instant(local_date(now, zone) + timedelta(days=1), 0, zone)
    found = await repo.stats(
        session, user_id, due_by=end_of_day, since=now - timedelta(days=RETENTION_DAYS)
    )
    retention = (
        (found.right * 100 + found.answered // 2) // found.answered if found.answered else None
    )
    return ReviewFigures(found.cards, found.learned, found.due_today, retention)
