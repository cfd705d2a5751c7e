"""How FSRS moves a review card: its first state after a lesson's answer, and its state after
each review answer. Pure: no session, no clock of its own."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

import fsrs

from db.repositories.review import CardState


@cache
def scheduler() -> fsrs.Scheduler:
    """FSRS with its published parameters. No learning steps of minutes: a chat learner reviews
    in sessions, not every few minutes, so every interval is in days. No fuzz: the same history
    gives the same schedule, which a learner (and a test) can follow."""
    return fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC) if instant.tzinfo else instant.replace(tzinfo=UTC)


def _to_fsrs(state: CardState) -> fsrs.Card:
    return fsrs.Card(
        card_id=0,  # not used by the scheduler; 0 also spares the constructor its 1 ms sleep
        state=fsrs.State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=_utc(state.due_at),
        last_review=_utc(state.last_review_at) if state.last_review_at else None,
    )


def _from_fsrs(card: fsrs.Card) -> CardState:
    return CardState(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due_at=card.due,
        last_review_at=card.last_review,
    )


def rated(state: CardState | None, right: bool, now: datetime) -> CardState:
    """The card after an answer rated Good (right) or Again (wrong); a new card when None."""
    card = _to_fsrs(state) if state else fsrs.Card(card_id=0, due=_utc(now))
    rating = fsrs.Rating.Good if right else fsrs.Rating.Again
    return _from_fsrs(scheduler().review_card(card, rating, _utc(now))[0])


def first_card(right: bool, now: datetime) -> CardState:
    """A card's state after its first answer, in a lesson: a right answer schedules it far out
    (Easy); a wrong one makes it due now, so the next review asks it again."""
    new = fsrs.Card(card_id=0, due=_utc(now))
    rating = fsrs.Rating.Easy if right else fsrs.Rating.Again
    card = scheduler().review_card(new, rating, _utc(now))[0]
    if not right:
        card.due = _utc(now)
    return _from_fsrs(card)
