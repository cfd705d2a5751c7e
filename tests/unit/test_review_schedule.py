"""The review schedule as FSRS makes it, in days: pure functions of a card's state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.review_schedule import first_card, rated

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_a_first_wrong_answer_is_due_at_once_and_a_first_right_one_far_out() -> None:
    assert first_card(right=False, now=NOW).due_at == NOW
    assert first_card(right=True, now=NOW).due_at - NOW >= 7 * DAY


def test_right_answers_push_a_card_further_out_and_a_wrong_one_brings_it_back() -> None:
    card = first_card(right=False, now=NOW)
    intervals = []
    when = NOW + DAY
    for _ in range(3):
        card = rated(card, right=True, now=when)
        intervals.append(card.due_at - when)
        when = card.due_at
    assert intervals[0] >= 2 * DAY
    assert intervals == sorted(intervals) and len(set(intervals)) == 3
    # A lapse: back within a day or two, however far out the card had gone.
    lapsed = rated(card, right=False, now=when)
    assert DAY <= lapsed.due_at - when <= 2 * DAY < intervals[-1]
    # The same history gives the same schedule: no random fuzz.
    assert rated(card, right=True, now=when) == rated(card, right=True, now=when)
